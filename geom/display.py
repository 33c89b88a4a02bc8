"""How the result objects show themselves in a notebook (``_repr_html_``).

Each result class of :mod:`geom` has a two-line ``_repr_html_`` that calls one function of this module, so all the
rendering lives here: the key figures in a key/value table, the verdicts as coloured badges with the reason next
to them, and a small hand-written SVG where a picture helps (the pattern matrix of a small
:class:`~geom.Patterns`, the data against the optimal fit of a :class:`~geom.ConvexSolution`, the vertex supports
of the :class:`~geom.OptimalPolytope` against ``m*`` and ``M*`` (docs/theory.md §E.1), the staircase of
connectivity (docs/theory.md §E.2), the objective along a decreasing path (docs/theory.md §F.4)).  No plotting
library is needed and nothing is loaded from outside: the fragment is self-contained.

Two rules hold for every fragment:

* **Escaped.**  Every value goes through :func:`text` (``html.escape`` after removing control characters), so a
  case name or a reason string cannot inject markup.  Only fragments built here (:class:`Fragment`) are inserted
  as they are.  The output is well-formed XML (closed tags, quoted attributes, numeric entities only).
* **Bounded.**  Arrays are summarized (:func:`fmt`), tables stop after :data:`MAX_ROWS` rows, charts after
  :data:`MAX_BARS` categories, the pattern thumbnail is drawn only up to :data:`THUMB_MAX` patterns and rows;
  a larger object shows the same key figures and a histogram instead.

The shared helpers (:func:`badge`, :func:`kv_table`, :func:`table`, :func:`bar_chart_svg`,
:func:`sparkline_svg`, :func:`pattern_matrix_svg`) are used by :mod:`verify.display` as well.

Examples
--------
>>> import geom
>>> P = geom.enumerate_patterns([[-1.0], [1.0]])          # docs/theory.md §I, I1: 𝒟_≥ = {01, 10, 11}
>>> frag = P._repr_html_()
>>> "<td>3</td>" in frag and "certified" in frag and "<svg" in frag
True
"""

from __future__ import annotations

import enum
import html
import math
import numbers
import re
from decimal import Decimal

import numpy as np

__all__ = [
    "Fragment",
    "MAX_TEXT",
    "MAX_ITEMS",
    "MAX_ROWS",
    "MAX_BARS",
    "THUMB_MAX",
    "fmt",
    "text",
    "badge",
    "kv_table",
    "table",
    "card",
    "bar_chart_svg",
    "sparkline_svg",
    "pattern_matrix_svg",
    "patterns_html",
    "solution_html",
    "certificate_html",
    "polytope_html",
    "staircase_html",
    "netcheck_html",
    "stationarity_html",
    "minimality_html",
    "decreasing_path_html",
]

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

def patterns_html(P) -> str:
    """The display of a :class:`~geom.Patterns` (docs/theory.md §B): the counts, the certificate, and the pattern
    matrix (tie-only patterns in orange) when small, else the histogram of active rows per pattern.

    >>> import geom
    >>> frag = patterns_html(geom.enumerate_patterns([[1.0, 0.0], [0.0, 1.0]]))
    >>> "<td>4</td>" in frag, "cover" in frag
    (True, True)
    """
    # the boolean matrix is read only when small: a bit-packed pattern set (``packed``, ``n_data``) is
    # histogrammed from its bytes (popcount: the padding bits of np.packbits are zero), never unpacked here
    packed = getattr(P, "packed", None)
    M = np.asarray(P.patterns, dtype=bool) if packed is None or P.count <= THUMB_MAX else None
    n = int(getattr(P, "n_data", None) or (M.shape[1] if M is not None and M.ndim == 2 else 0))
    is_region = None if P.is_region is None else np.asarray(P.is_region, bool)
    tie_only = None if is_region is None else int(P.count - np.count_nonzero(is_region))
    if P.certified:
        reason = f"every pattern verified exactly; the region count is proved by {P.count_certificate}"
    else:
        reason = "not proved complete" + (f" (count certificate: {P.count_certificate})" if P.count_certificate
                                          else "")
    rows = [("patterns", P.count), ("region patterns found", P.n_regions),
            ("exact region count", P.exact_regions if P.exact_regions is not None else "not computed"),
            ("tie-only patterns", tie_only if tie_only is not None else ...), ("data rows n", n), ("rank", P.rank),
            ("general position", P.general_position), ("ties", P.ties), ("bias", P.bias),
            ("count certificate", P.count_certificate), ("entries decided exactly", P.n_exact_checks),
            ("integer witnesses", len(P.integer_witnesses)), ("exact fallback", P.exact_fallback),
            ("seconds", P.seconds)]
    thumb = None if M is None else pattern_matrix_svg(M, highlight=None if is_region is None else ~is_region,
                                                      title=f"{P.count} patterns × {n} rows (dark: active; "
                                                      "orange: tie-only)")
    if thumb is not None:
        plot = Fragment(f'<div style="color:#555">patterns (rows) × data rows</div>{thumb}')
    elif P.count > 0 and n > 0:
        per_row = (M.sum(axis=1) if M is not None
                   else _POPCOUNT[np.asarray(packed, dtype=np.uint8)].sum(axis=1, dtype=np.int64))
        active = np.bincount(per_row, minlength=n + 1)
        labels, counts = _binned(list(range(n + 1)), active.tolist())
        plot = bar_chart_svg(labels, [("patterns", counts, _BLUE)], title="patterns by number of active rows")
        plot = Fragment(f'<div style="color:#555">patterns by number of active rows</div>{plot}')
    else:
        plot = None
    return card("Patterns", badge("certified" if P.certified else "uncertified"), reason, [kv_table(rows), plot])


def _binned(labels, counts):
    """At most :data:`MAX_BARS` bins: consecutive labels merged (``"a–b"``) and their counts summed."""
    if len(labels) <= MAX_BARS:
        return labels, counts
    w = -(-len(labels) // MAX_BARS)
    out_l, out_c = [], []
    for s in range(0, len(labels), w):
        chunk = labels[s:s + w]
        out_l.append(f"{chunk[0]}–{chunk[-1]}" if len(chunk) > 1 else f"{chunk[0]}")
        out_c.append(sum(counts[s:s + w]))
    return out_l, out_c


def solution_html(S) -> str:
    """The display of a :class:`~geom.ConvexSolution` (docs/theory.md §C): status and certificate, ``p*``, the
    gap, ``φ(ν*)`` against ``β``, the width, and the data ``y`` against the optimal fit ``y*`` (small ``n``).

    >>> import geom
    >>> frag = solution_html(geom.solve_convex([[-1.0], [1.0]], [1.0, 2.0], 0.5))   # docs/theory.md §I, I1
    >>> "1.25" in frag and "optimal" in frag
    True
    """
    stats = dict(S.stats or {})
    reasons = []
    if S.certified:
        reasons.append(f"certified: relative gap {fmt(S.rel_gap, digits=3)} over the complete region set")
    else:
        if not S.pool_certified:
            reasons.append("the pattern pool is not certified complete: the optimum over the pool only")
        if S.status not in ("optimal", "pool_optimal"):
            reasons.append(f"status {S.status}, relative gap {fmt(S.rel_gap, digits=3)}")
        if not reasons:
            reasons.append(f"not certified (status {S.status}, relative gap {fmt(S.rel_gap, digits=3)})")
    pool = None if S.pool is None else int(np.asarray(S.pool).shape[0])
    rows = [("p*", S.p_star), ("lower bound D(ν)", S.lower_bound), ("gap", S.gap), ("relative gap", S.rel_gap),
            ("certified", badge("certified" if S.certified else "uncertified")),
            ("φ(ν*)", f"{fmt(S.phi)} (β = {fmt(S.beta)})"), ("neurons card(W)", S.neurons),
            ("pool patterns", pool if pool is not None else stats.get("pool", ...)),
            ("pattern source", S.pattern_source), ("pool certified", S.pool_certified), ("β", S.beta),
            ("bias", S.bias), ("interpolate", S.interpolate), ("loss", S.loss),
            ("y*", S.y_star), ("ν*", S.nu_star),
            ("rounds", stats.get("rounds", ...)), ("seconds", stats.get("seconds", ...))]
    plot = None
    if S.y is not None and 0 < len(S.y) <= MAX_BARS:
        plot = bar_chart_svg(range(1, len(S.y) + 1), [("y", np.asarray(S.y, float).tolist(), _GREY),
                                                      ("y*", np.asarray(S.y_star, float).tolist(), _BLUE)],
                             title="data y and optimal fit y* per sample")
        plot = Fragment(f'<div style="color:#555">y and y* per sample</div>{plot}')
    return card("ConvexSolution", badge(S.status), "; ".join(reasons), [kv_table(rows), plot])


def _bits(p) -> str:
    return _cut("".join("1" if b else "0" for b in np.asarray(p, bool)), 64)


def certificate_html(C) -> str:
    """The display of a :class:`~geom.Certificate` (docs/theory.md §C.3): the verdict with its reason, the bound
    and the gaps, and the first proven escape directions (a new neuron that decreases the objective).

    >>> import geom
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]                                             # docs/theory.md §I, I9
    >>> net = geom.Net(np.array([[np.sqrt(1.5)], [0.0]]), np.array([np.sqrt(1.5), 0.0]))
    >>> frag = certificate_html(geom.certify_net(net, X, y, 0.5))
    >>> "violated" in frag and "1.375" in frag and ">10</td>" in frag   # the escape pattern 10
    True
    """
    E = int(np.asarray(C.escape_values).size)
    rows = [("objective L_β(θ)", C.objective), ("lower bound", C.lower_bound), ("gap", C.gap),
            ("relative gap", C.rel_gap), ("pairing gap", C.pairing_gap), ("rounding", C.rounding),
            ("φ(ν̂)", C.phi), ("φ(ν̂) upper bound", C.phi_upper), ("tolerance", C.tolerance),
            ("escape directions proven", f"{E} of {fmt(C.escape_candidates)} candidates"),
            ("pattern source", C.pattern_source), ("pool certified", C.pool_certified),
            ("patterns", C.n_patterns), ("loss", C.loss), ("seconds", C.seconds)]
    parts = [kv_table(rows)]
    if E:
        esc = [[_bits(p), "+" if s > 0 else "−", v] for p, s, v in
               zip(C.escape_patterns[:MAX_ROWS], C.escape_signs[:MAX_ROWS], C.escape_values[:MAX_ROWS])]
        parts.append(table(["pattern", "sign", "±νᵀ(Xu)₊/‖u‖"], esc, total=E, caption="escape directions"))
    return card("Certificate", badge(C.verdict), C.reason, parts)


def polytope_html(Q) -> str:
    """The display of an :class:`~geom.OptimalPolytope` (docs/theory.md §D, §E.1): status with its reason,
    ``p*``, the tight directions, the vertices and edges, ``m*`` and ``M*``, the vertex supports as a bar chart,
    and the first vertices.

    >>> import geom
    >>> Q = geom.optimal_polytope(geom.solve_convex([[1.0, 0.0], [-0.5, 0.75 ** 0.5]], [1.0, 1.0], 0.5))
    >>> frag = polytope_html(Q)                                                         # docs/theory.md §I, I2
    >>> "certified" in frag and "0.75" in frag and "m*" in frag
    True
    """
    V = tuple(Q.vertices)
    rows = [("p*", Q.p_star), ("β", Q.beta), ("samples n", Q.n), ("tight directions K", Q.K), ("rank A", Q.rank),
            ("dim Q", Q.dim), ("vertices", len(V)), ("edges", len(Q.edges)), ("m*", Q.m_star), ("M*", Q.M_star),
            ("tightness margin", Q.tightness_margin), ("vertex margin", Q.vertex_margin), ("bias", Q.bias),
            ("interpolate", Q.interpolate)]
    parts = [kv_table(rows)]
    if Q.support_counts:
        sizes = sorted(Q.support_counts)
        lo, hi = sizes[0], sizes[-1]
        labels = list(range(lo, min(hi, lo + MAX_BARS - 1) + 1))
        chart = bar_chart_svg(labels, [("vertices", [Q.support_counts.get(s, 0) for s in labels], _BLUE)],
                              marks=[("m*", Q.m_star, "#1a7f37"), ("M*", Q.M_star, "#b42318")],
                              title="vertices by support size |supp|")
        parts.append(Fragment(f'<div style="color:#555">vertices by support size</div>{chart}'))
    if V:
        vt = [[i, len(v.support), fmt(list(v.support), limit=60), np.asarray(v.coefficients)[list(v.support)]]
              for i, v in enumerate(V[:MAX_ROWS])]
        parts.append(table(["vertex", "|supp|", "support", "coefficients on supp"], vt, total=len(V),
                           caption="vertices"))
    status = badge(Q.status)
    return card("OptimalPolytope", status, Q.reason, parts)


def staircase_html(S) -> str:
    """The display of a :class:`~geom.connectivity.Staircase` (docs/theory.md §E.2–E.3): the verdict of each
    statement, the counts per width as an inline bar chart (components and isolated points of ``Θ*_m`` on a
    ``log10(1 + ·)`` axis, ``m*``, ``M*`` and ``n + 1`` marked), and the table of counts.

    >>> import geom
    >>> from geom.connectivity import staircase
    >>> S = staircase(geom.optimal_polytope(geom.solve_convex([[-1.0], [1.0]], [1.0, 2.0], 0.5)))  # §I, I1
    >>> frag = staircase_html(S)
    >>> "finite_at_m_star" in frag and frag.count("rl-good") >= 6
    True
    """
    from .connectivity.staircase import CLAIMS

    verdicts = S.verdicts()
    vt = [[Fragment(f"<code>{text(k)}</code>"), CLAIMS.get(k, ""), badge(v)] for k, v in verdicts.items()]
    rows = [("m*", S.m_star), ("M*", S.M_star), ("n", S.n), ("n + 1", S.n + 1), ("widths", len(S.steps))]
    parts = [kv_table(rows)]
    steps = list(S.steps)
    if steps:
        ms = [s.m for s in steps][:MAX_BARS]
        chart = bar_chart_svg(ms, [("components", [s.components for s in steps], _BLUE),
                                   ("isolated", [s.isolated for s in steps], _ORANGE)], log=True,
                              marks=[("m*", S.m_star, "#1a7f37"), ("M*", S.M_star, "#b42318"),
                                     ("n+1", S.n + 1, _GREY)],
                              title="staircase: components and isolated points of Θ*_m against m (log10(1 + ·))")
        parts.append(Fragment(f'<div style="color:#555">components / isolated points against m</div>{chart}'))
    parts.append(table(["key", "statement", "verdict"], vt, caption="statements"))
    if steps:
        st = [[s.m, s.components, s.isolated, s.connected, s.N_m,
               "—" if s.lifted is None else f"{fmt(s.lifted[0])} / {fmt(s.lifted[1])}"] for s in steps]
        parts.append(table(["m", "components", "isolated", "connected", "N_m", "lifted"], st, caption="counts"))
    return card("Staircase", badge(S.status), S.reason, parts)


_NET_VERDICTS = (("scaled", "scaled"), ("minimal", "minimal"), ("nearly minimal", "nearly_minimal"),
                 ("Clarke stationary", "clarke_stationary"), ("globally optimal", "globally_optimal"))


def netcheck_html(N) -> str:
    """The display of a :class:`~geom.checks.NetCheck` (docs/theory.md §A.4, §C.3, §F): the five verdicts and the
    figures behind them.

    >>> import geom
    >>> from geom.checks import check_nets
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]
    >>> N = check_nets(geom.solve_convex(X, y, 0.5).to_net(), X, y, 0.5)[0]
    >>> netcheck_html(N).count("rl-good")
    6
    """
    rows = [(label, badge(getattr(N, key))) for label, key in _NET_VERDICTS]
    rows += [("width", N.width), ("objective", N.objective), ("lower bound", N.lower_bound), ("gap", N.gap),
             ("balance error", N.balance_error), ("Clarke residual", N.clarke_residual),
             ("autodiff residual", N.autodiff_residual), ("offending pairs", N.offending_pairs)]
    return card("NetCheck", badge(N.globally_optimal), "global optimality; the other verdicts below",
                [kv_table(rows)])


def stationarity_html(S) -> str:
    """The display of a :class:`~geom.stationarity.Stationarity` (docs/theory.md §F.2): the verdict, the residual
    against its tolerance, the autodiff residual, the ties.

    >>> import geom
    >>> from geom.stationarity import clarke_stationarity
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]
    >>> frag = stationarity_html(clarke_stationarity(geom.solve_convex(X, y, 0.5).to_net(), X, y, 0.5))
    >>> "holds" in frag and "residual" in frag
    True
    """
    tied = sum(1 for t in S.ties if np.asarray(t).size)
    rows = [("residual (relative)", S.residual), ("tolerance", S.tolerance), ("scale", S.scale),
            ("autodiff residual", S.autodiff_residual), ("neurons", int(np.asarray(S.residual_u).size)),
            ("neurons with ties", tied), ("dependent ties", int(np.count_nonzero(S.dependent_ties))),
            ("ambiguous ties", S.ambiguous_ties)]
    reason = f"residual {fmt(S.residual, digits=3)} against tolerance {fmt(S.tolerance, digits=3)}"
    return card("Stationarity", badge(S.verdict), reason, [kv_table(rows)])


def minimality_html(M) -> str:
    """The display of a :class:`~geom.minimality.Minimality` (docs/theory.md §A.4, §F.1).

    >>> import geom
    >>> from geom.minimality import minimality
    >>> minimality_html(minimality(geom.solve_convex([[-1.0], [1.0]], [1.0, 2.0], 0.5).to_net(),
    ...                            [[-1.0], [1.0]])).count("rl-good")
    4
    """
    rows = [("scaled", badge(M.scaled)), ("minimal", badge(M.minimal)), ("nearly minimal", badge(M.nearly_minimal)),
            ("balance error", M.balance_error), ("offending pairs", M.offending_pairs),
            ("co-linear pairs", M.colinear_pairs), ("ambiguous pairs", M.ambiguous_pairs)]
    return card("Minimality", badge(M.nearly_minimal), "nearly minimal; the other verdicts below", [kv_table(rows)])


def decreasing_path_html(D) -> str:
    """The display of a :class:`~geom.minimality.DecreasingPath` (docs/theory.md §F.4): monotone or not, the
    moves, and the objective along the path as a sparkline.

    >>> import geom
    >>> from geom.minimality import decreasing_path
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]
    >>> net = geom.Net(np.array([[1.0], [2.0], [-1.0]]), np.array([1.0, 0.5, 0.5]))
    >>> "<svg" in decreasing_path_html(decreasing_path(net, X, y, 0.5))
    True
    """
    obj = np.asarray(D.objective, dtype=float)
    first = obj[0].item() if obj.size else None
    last = obj[-1].item() if obj.size else None
    rows = [("moves", D.moves), ("points", int(obj.size)), ("objective at start", first),
            ("objective at end", last), ("strictly decreased", D.strictly_decreased)]
    spark = sparkline_svg(obj, title="objective along the path") if obj.size else None
    word = "monotone" if D.monotone else "not monotone"
    reason = ("no sampled objective exceeds the previous one" if D.monotone
              else "some sampled objective exceeds the previous one")
    return card("DecreasingPath", badge(word), reason, [kv_table(rows), spark])
