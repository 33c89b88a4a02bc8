"""Building blocks of the notebook displays (:mod:`geom.display`, :mod:`verify.display`): escaped text, badges,
tables and small hand-written SVG charts.

Every value goes through :func:`text` (``html.escape`` after removing control characters); only :class:`Fragment`
objects built here are inserted as they are; the output is well-formed XML.  Sizes are bounded by the named
limits below (:data:`MAX_ROWS`, :data:`MAX_BARS`, :data:`THUMB_MAX`, ...).

>>> str(badge("holds"))[:5]
'<span'
"""
from __future__ import annotations

import enum
import html
import math
import numbers
import re
from decimal import Decimal

import numpy as np

__all__ = ["Fragment", "MAX_TEXT", "MAX_ITEMS", "MAX_ROWS", "MAX_BARS", "THUMB_MAX", "fmt", "text", "badge",
           "kv_table", "table", "card", "bar_chart_svg", "sparkline_svg", "pattern_matrix_svg"]

#: Characters of one value shown before it is cut with "…".
MAX_TEXT = 120
#: Entries of an array (or list) listed in full; a longer one is summarized by its shape and range.
MAX_ITEMS = 8
#: Rows of a table (vertices, escape directions, staircase steps, check results) before "… and k more".
MAX_ROWS = 12
#: Categories of a bar chart (widths ``m``, samples, support sizes) drawn before the rest is cut.
MAX_BARS = 40
#: The pattern matrix thumbnail is drawn when there are at most this many patterns and data rows.
THUMB_MAX = 48

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SVG_NS = "http://www.w3.org/2000/svg"
#: Badge colours (background, text) by tone; the same greens, reds and ambers as the HTML report.
_TONES = {"good": ("#e5f5e0", "#1a7f37"), "bad": ("#fdd0c8", "#b42318"), "warn": ("#fff3c4", "#7a5a00"),
          "neutral": ("#eeeeee", "#555555"), "error": ("#f4b6c2", "#7a1030")}
#: Tone of a verdict or status word; an unknown word (a solver's own status) is shown as a warning.
_WORD_TONE = {"holds": "good", "certified": "good", "optimal": "good", "passed": "good", "monotone": "good",
              "violated": "bad", "failed": "bad", "not monotone": "bad", "error": "error",
              "inconclusive": "warn", "uncertified": "warn", "pool_optimal": "warn", "inaccurate": "warn",
              "max_rounds": "warn", "not applicable": "neutral"}
#: Set bits of each byte value (row sums of a bit-packed pattern matrix without unpacking it).
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
_BLUE, _ORANGE, _GREY = "#377eb8", "#ff7f00", "#888888"


class Fragment(str):
    """A piece of HTML built (and escaped) by this module: inserted as it is, where any other value is escaped."""


def _cut(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[: max(limit - 1, 0)] + "…"


def _big_int(v: int, digits: int) -> str:
    """In full up to 15 digits, else rounded to ``digits`` significant digits (exactly, however large)."""
    if abs(v) < 10**15:
        return str(v)
    return format(Decimal(v), f".{digits}g")


def fmt(value, *, digits: int = 6, limit: int = MAX_TEXT) -> str:
    """Plain text of a value, short and never huge (not yet escaped: see :func:`text`).

    Floats with ``digits`` significant digits, booleans as yes/no, ``None`` as a dash, exact integers in full up
    to 15 digits, arrays and lists of more than :data:`MAX_ITEMS` entries summarized, anything cut to ``limit``.

    >>> fmt(1.3680339887498949), fmt(float("nan")), fmt(True), fmt(None), fmt(2 ** 70)
    ('1.36803', 'nan', 'yes', '—', '1.18059e+21')
    >>> fmt(np.array([0.5, 1.5]))
    '[0.5, 1.5]'
    >>> fmt(np.arange(1000.0))
    'array (1000,) float64, min 0, max 999'
    >>> fmt(np.ones((3, 4), bool))
    'array (3, 4) bool, 12 true'
    """
    if value is None:
        return "—"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return _big_int(int(value), digits)
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return f"{v:.{digits}g}"
    if isinstance(value, str):
        return _cut(value, limit)
    if isinstance(value, np.ndarray):
        return _cut(_array(value, digits), limit)
    if isinstance(value, dict):
        items = list(value.items())
        body = ", ".join(f"{fmt(k, limit=30)}: {fmt(v, digits=digits, limit=40)}" for k, v in items[:MAX_ITEMS])
        more = f", … ({len(items)} keys)" if len(items) > MAX_ITEMS else ""
        return _cut("{" + body + more + "}", limit)
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = list(value)
        if len(seq) > MAX_ITEMS:
            head = ", ".join(fmt(v, digits=digits, limit=30) for v in seq[:3])
            return _cut(f"{len(seq)} items: [{head}, …]", limit)
        return _cut("[" + ", ".join(fmt(v, digits=digits, limit=40) for v in seq) + "]", limit)
    return _cut(str(value), limit)


def _array(a: np.ndarray, digits: int) -> str:
    if a.ndim == 1 and a.size <= MAX_ITEMS:
        return "[" + ", ".join(fmt(v.item(), digits=digits) for v in a) + "]"
    head = f"array {tuple(a.shape)} {a.dtype}"
    if a.size == 0:
        return head
    if a.dtype == bool:
        return f"{head}, {int(np.count_nonzero(a))} true"
    if a.dtype.kind in "iuf":
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
        if finite.size == 0:
            return f"{head}, no finite entry"
        bad = a.size - finite.size
        return (f"{head}, min {fmt(finite.min().item(), digits=digits)}, max {fmt(finite.max().item(), digits=digits)}"
                + (f", {bad} non-finite" if bad else ""))
    return head


def text(value, *, digits: int = 6, limit: int = MAX_TEXT) -> str:
    """:func:`fmt`, without control characters, HTML-escaped (quotes included): safe in text and attributes.

    >>> text('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(_CONTROL.sub("", fmt(value, digits=digits, limit=limit)), quote=True)


def _cell(value) -> str:
    return value if isinstance(value, Fragment) else text(value)


def badge(word, *, title: str | None = None, tone: str | None = None) -> Fragment:
    """A coloured verdict badge: green ``holds``/``certified``/``optimal``, red ``violated``, amber
    ``inconclusive`` (and any unknown status), grey ``not applicable``; ``title`` becomes its tooltip.

    >>> badge("holds")
    '<span class="rl-badge rl-good" style="background:#e5f5e0;color:#1a7f37;border-radius:3px;padding:0 5px;font-weight:600">holds</span>'
    """
    word = fmt(word)
    tone = tone or _WORD_TONE.get(word, "warn")
    bg, fg = _TONES[tone]
    tip = f' title="{text(title, limit=400)}"' if title else ""
    return Fragment(f'<span class="rl-badge rl-{tone}" style="background:{bg};color:{fg};border-radius:3px;'
                    f'padding:0 5px;font-weight:600"{tip}>{text(word)}</span>')


_TD = 'style="text-align:left;padding:0 8px 0 0"'


def kv_table(rows) -> Fragment:
    """A two-column table of ``(label, value)`` pairs; values are formatted and escaped (a :class:`Fragment` is
    kept as it is).  Pairs whose value is ``...`` (Ellipsis) are left out.

    >>> kv_table([("p*", 1.25), ("name", "<b>")])
    '<table class="rl-kv" style="border-collapse:collapse"><tr><th style="text-align:left;padding:0 8px 0 0">p*</th><td>1.25</td></tr><tr><th style="text-align:left;padding:0 8px 0 0">name</th><td>&lt;b&gt;</td></tr></table>'
    """
    body = "".join(f"<tr><th {_TD}>{text(k)}</th><td>{_cell(v)}</td></tr>" for k, v in rows if v is not Ellipsis)
    return Fragment(f'<table class="rl-kv" style="border-collapse:collapse">{body}</table>')


def table(header, rows, *, total: int | None = None, caption: str | None = None, limit: int = MAX_ROWS) -> Fragment:
    """A table with a header row; at most ``limit`` of ``rows`` are shown, with a note giving the ``total``
    (default ``len(rows)``) when some are left out.

    >>> frag = table(["m", "count"], [[m, m * m] for m in range(20)])
    >>> frag.count("<tr>"), "8 more" in frag
    (13, True)
    """
    rows = list(rows)
    total = len(rows) if total is None else total
    head = "".join(f"<th {_TD}>{text(h)}</th>" for h in header)
    shown = rows[:limit]
    body = "".join("<tr>" + "".join(f'<td style="padding-right:8px">{_cell(v)}</td>' for v in r) + "</tr>" for r in shown)
    cap = f'<caption style="text-align:left;font-weight:600">{text(caption)}</caption>' if caption else ""
    more = f'<div style="color:#777">… and {total - len(shown)} more</div>' if total > len(shown) else ""
    return Fragment(f'<table class="rl-table" style="border-collapse:collapse;margin-top:4px">{cap}<tr>{head}</tr>'
                    f"{body}</table>{more}")


def card(title: str, status: Fragment | None = None, reason: str = "", parts=()) -> str:
    """The frame of one object's display: a title line (the class name, its verdict badge, the reason) and the
    parts below it, side by side where they fit."""
    head = f"<strong>{text(title)}</strong>"
    if status is not None:
        head += f" {status}"
    if reason:
        head += f' <span class="rl-reason" style="color:#555">{text(reason, limit=400)}</span>'
    body = "".join(f'<div style="display:inline-block;vertical-align:top;margin:4px 16px 0 0">{p}</div>'
                   for p in parts if p)
    return (f'<div class="rl-repr" style="font-family:system-ui,sans-serif;font-size:13px;line-height:1.35">'
            f"<div>{head}</div>{body}</div>")


# ---- inline SVG ------------------------------------------------------------------------------------------------

def _n(x: float) -> str:
    return f"{x:.1f}"


def _scaled(v, log: bool):
    """The plotted height of ``v`` (``log10(1 + v)`` on a log axis, exact integers of any size included)."""
    if v is None or isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, numbers.Integral):
        v = int(v)
        if log:
            return math.log10(1 + v) if v >= 0 else None
        return float(v) if abs(v) < 1e300 else None
    v = float(v)
    if not math.isfinite(v):
        return None
    if log:
        return math.log10(1.0 + v) if v >= 0 else None
    return v


def bar_chart_svg(labels, series, *, marks=(), log: bool = False, height: int = 120, bar: int | None = None,
                  title: str = "") -> Fragment:
    """A small grouped bar chart: one group per label, one bar per series ``(name, values, colour)``.

    ``log=True`` plots ``log10(1 + v)`` (counts such as ``m!·N_m`` grow fast); ``marks`` are ``(text, label,
    colour)`` vertical lines at the group of ``label`` (``m*``, ``M*``, ``n + 1``).  Non-finite or missing
    values draw no bar.  Each bar carries its exact value as a tooltip.  At most :data:`MAX_BARS` groups; the
    bar width (default) shrinks with their number, and the axis labels are thinned so they do not overlap.

    >>> svg = bar_chart_svg([1, 2], [("components", [1, 3], "#377eb8")], marks=[("m*", 1, "green")])
    >>> svg.startswith("<svg") and svg.count("<title>components at") == 2 and "m*" in svg
    True
    """
    labels = list(labels)[:MAX_BARS]
    k = len(labels)
    series = [(name, list(values)[:k], colour) for name, values, colour in series]
    ns = max(len(series), 1)
    bar = bar or max(4, min(14, 220 // max(k * ns, 1)))
    group = bar * ns + 4
    top, bottom, left = 26, 14, 4
    legend_w = sum(10 + 6 * len(fmt(name, limit=30)) + 8 for name, _, _ in series)
    width = max(left + group * max(k, 1) + 4, legend_w + 8, 80)
    H = height - top - bottom
    hs = [[_scaled(v, log) for v in values] for _, values, _ in series]
    flat = [h for row in hs for h in row if h is not None]
    lo, hi = min([0.0, *flat]), max([0.0, *flat])
    if hi == lo:
        hi = lo + 1.0
    y_of = lambda h: top + (hi - h) / (hi - lo) * H  # noqa: E731
    out = [f'<svg xmlns="{_SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
           f"<title>{text(title, limit=200)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fcfcfc" stroke="#dddddd"/>',
           f'<line x1="{left}" y1="{_n(y_of(0.0))}" x2="{width - 4}" y2="{_n(y_of(0.0))}" stroke="#999999"/>']
    x = 8
    for name, _, colour in series:  # legend
        out.append(f'<rect x="{x}" y="3" width="7" height="7" fill="{text(colour)}"/>')
        out.append(f'<text x="{x + 10}" y="10" font-size="9" fill="#333333">{text(name, limit=30)}</text>')
        x += 10 + 6 * len(fmt(name, limit=30)) + 8
    shown = [text(lab, limit=8) for lab in labels]
    step = max(1, -(-(max((len(fmt(lab, limit=8)) for lab in labels), default=1) * 5 + 3) // group))
    for i, lab in enumerate(labels):
        gx = left + i * group + 2
        for j, (name, values, colour) in enumerate(series):
            h = hs[j][i] if i < len(hs[j]) else None
            if h is None:
                continue
            y0, y1 = sorted((y_of(0.0), y_of(h)))
            out.append(f'<rect x="{_n(gx + j * bar)}" y="{_n(y0)}" width="{bar - 1}" height="{_n(max(y1 - y0, 0.5))}" '
                       f'fill="{text(colour)}"><title>{text(name, limit=30)} at {text(lab, limit=30)}: '
                       f"{text(values[i])}</title></rect>")
        if i % step == 0:
            out.append(f'<text x="{_n(gx + (group - 4) / 2)}" y="{height - 3}" font-size="8" text-anchor="middle" '
                       f'fill="#333333">{shown[i]}</text>')
    placed = {}
    for label, at, colour in marks:
        if at is None or at not in labels:
            continue
        i = labels.index(at)
        cx = left + i * group + 2 + (group - 4) / 2
        dx = 16 * placed.get(i, 0)
        placed[i] = placed.get(i, 0) + 1
        out.append(f'<line x1="{_n(cx)}" y1="{top - 4}" x2="{_n(cx)}" y2="{top + H}" stroke="{text(colour)}" '
                   f'stroke-dasharray="2,2"><title>{text(label)} = {text(at)}</title></line>')
        out.append(f'<text x="{_n(cx + 2 + dx)}" y="{top - 6}" font-size="8" fill="{text(colour)}">{text(label)}</text>')
    out.append("</svg>")
    return Fragment("".join(out))


def sparkline_svg(values, *, width: int = 160, height: int = 36, title: str = "") -> Fragment:
    """A line through ``values`` (at most 200 points, evenly subsampled; non-finite ones skipped), with the first
    and last values marked.

    >>> sparkline_svg([3.0, 2.0, 1.5]).count("<circle")
    2
    """
    v = np.asarray(list(values), dtype=float).ravel()
    idx = np.unique(np.linspace(0, v.size - 1, min(v.size, 200)).round().astype(int)) if v.size else np.zeros(0, int)
    pts = [(int(i), float(v[i])) for i in idx if math.isfinite(v[i])]
    out = [f'<svg xmlns="{_SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
           f"<title>{text(title, limit=200)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fcfcfc" stroke="#dddddd"/>']
    if pts:
        lo, hi = min(p[1] for p in pts), max(p[1] for p in pts)
        span = hi - lo if hi > lo else 1.0
        last = max(v.size - 1, 1)
        xy = [(4 + (i / last) * (width - 8), 4 + (hi - y) / span * (height - 8)) for i, y in pts]
        out.append('<polyline fill="none" stroke="#377eb8" stroke-width="1.5" points="'
                   + " ".join(f"{_n(x)},{_n(y)}" for x, y in xy) + '"/>')
        for (x, y), (_, val) in ((xy[0], pts[0]), (xy[-1], pts[-1])):
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2" fill="#e41a1c"><title>{text(val)}</title></circle>')
    out.append("</svg>")
    return Fragment("".join(out))


def pattern_matrix_svg(patterns, *, highlight=None, title: str = "") -> Fragment | None:
    """The boolean matrix of patterns as a thumbnail (one row per pattern, one column per data row, dark = active;
    rows where ``highlight`` is true in orange), or ``None`` beyond :data:`THUMB_MAX` patterns or rows.

    Each row's runs of active entries are one path segment, so the size is bounded by ``THUMB_MAX²/2`` segments.

    >>> svg = pattern_matrix_svg(np.array([[False, True], [True, False], [True, True]]))
    >>> svg.count("<path")
    1
    """
    M = np.asarray(patterns, dtype=bool)
    if M.ndim != 2 or M.shape[0] > THUMB_MAX or M.shape[1] > THUMB_MAX or M.size == 0:
        return None
    P, n = M.shape
    hl = np.zeros(P, bool) if highlight is None else np.asarray(highlight, bool)
    c = max(3, min(16, 160 // max(P, n)))
    width, height = n * c + 2, P * c + 2
    segs = {False: [], True: []}
    for r in range(P):
        row = np.concatenate([[False], M[r], [False]])
        d = np.flatnonzero(np.diff(row.astype(np.int8)))
        for a, b in zip(d[::2], d[1::2]):
            segs[bool(hl[r])].append(f"M{1 + a * c} {1 + r * c}h{(b - a) * c}v{c}h{-(b - a) * c}z")
    out = [f'<svg xmlns="{_SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
           f"<title>{text(title, limit=200)}</title>",
           f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#f4f4f4" stroke="#cccccc"/>']
    for tied, colour in ((False, "#333333"), (True, _ORANGE)):
        if segs[tied]:
            out.append(f'<path fill="{colour}" d="{" ".join(segs[tied])}"/>')
    out.append("</svg>")
    return Fragment("".join(out))


# ---- the result objects --------------------------------------------------------------------------------------
