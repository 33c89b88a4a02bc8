"""The HTML page of a report: self-contained (figures embedded as base64 PNG, no external resource), one section
per theorem, a summary table at the top.

The page is rendered from the report dictionary only (:mod:`verify._report_render` builds the sections; the
figures of each section are drawn by :func:`verify.figures.render_figure_item` from the ``"figures"`` of the JSON).
A short inline script marks, once the page has loaded, every image that failed to decode (class ``broken``)
and records ``loaded/total`` in the ``data-figures-loaded`` attribute of ``<html>``: a browser test reads it back.
"""

from __future__ import annotations

import base64
import html

from . import _report_render as M
from .figures import render_figure_item

__all__ = ["render_html", "MAX_FIGURES_PER_SECTION"]

#: At most this many figures are drawn per theorem section (the others are listed by title).
MAX_FIGURES_PER_SECTION = 24

_CSS = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;
color:#222;padding:0 1em;line-height:1.4}h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;
margin-top:1.8em}table{border-collapse:collapse;margin:.5em 0;font-size:.88em}td,th{border:1px solid #ccc;
padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
code,pre{font-size:.85em}pre{background:#f7f7f7;padding:.5em;overflow-x:auto;max-height:24em}
.holds{background:#e5f5e0}.violated{background:#fdd0c8;font-weight:bold}.inconclusive{background:#fff3c4;
font-weight:bold}.not-applicable{color:#777}.error{background:#f4b6c2;font-weight:bold}
tr.attention td:first-child{border-left:4px solid #b42318}.pass{color:#1a7f37}.fail{color:#b42318}
.badge{font-size:.7em;padding:1px 6px;border-radius:8px;margin-left:.5em;vertical-align:middle}
.badge.fail{background:#fdd0c8;color:#7a1306}.badge.warn{background:#fff3c4;color:#6b5200}.badge.ok{background:#e5f5e0;
color:#1a5e2a}figure{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top;max-width:100%}
figcaption{font-size:.85em;color:#444;max-width:680px}img{max-width:100%}img.broken{outline:3px solid red}
.note{color:#8a5a00;font-size:.85em}details{margin:.4em 0}summary{cursor:pointer;color:#1f4e99}
.prov th{width:11em}.muted{color:#777}td.zero{color:#bbb}figure.summary img{max-width:900px}"""

_SCRIPT = """<script>
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; } else { imgs[i].classList.add("broken"); }
  }
  document.documentElement.setAttribute("data-figures-loaded", ok + "/" + imgs.length);
});
</script>"""


def _e(v, limit: int = 60) -> str:
    return html.escape(M.fmt(v, limit))


def _cls(status: str) -> str:
    return status.replace(" ", "-")


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _badge(counts: dict) -> str:
    c = {s: sum(counts[k][s] for k in counts) for s in M.STATUSES}
    if c["violated"] or c["error"]:
        return f'<span class="badge fail">{c["violated"]} violated, {c["error"]} error(s)</span>'
    if c["inconclusive"]:
        return f'<span class="badge warn">{c["inconclusive"]} inconclusive</span>'
    if c["holds"]:
        return '<span class="badge ok">holds</span>'
    return ""


def _row(r) -> str:
    st = r["status"]
    details = r.get("details") or {}
    return (f'<tr class="{"attention" if st in M.ATTENTION else ""}"><td class="{_cls(st)}">{html.escape(st)}</td>'
            f"<td>{_e(r['case'])}</td><td>{_e(r['check'], 160)}</td><td>{html.escape(M.kind_of(r))}</td>"
            f"<td>{_e(r.get('observed'))}</td><td>{_e(r.get('expected'))}</td>"
            f"<td class=\"n\">{_e(r.get('tolerance'))}</td><td class=\"n\">{_e(r.get('margin'))}</td>"
            f"<td>{_e(details, 80) if details else ''}</td></tr>")


_HEAD = ("<table><tr><th>status</th><th>case</th><th>check</th><th>kind</th><th>observed</th><th>expected</th>"
         "<th>tolerance</th><th>margin</th><th>details</th></tr>")


def _figures(g) -> list[str]:
    H = []
    for f in g["figures"][:MAX_FIGURES_PER_SECTION]:
        png, notes = render_figure_item(f)
        caption = html.escape(M.figure_caption(f))
        note = "".join(f'<br><span class="note">{html.escape(n)}</span>' for n in notes)
        H.append(f"<figure>{_img(png, M.figure_caption(f)) if png is not None else ''}"
                 f"<figcaption>{caption}{note}</figcaption></figure>")
    extra = g["figures"][MAX_FIGURES_PER_SECTION:]
    if extra:
        H.append(f'<p class="note">{len(extra)} more figure(s) not drawn (at most {MAX_FIGURES_PER_SECTION} per '
                 "section): " + html.escape("; ".join(M.figure_caption(f) for f in extra)) + "</p>")
    return H


def _section(g) -> list[str]:
    H = [f'<section id="{g["anchor"]}"><h2>{html.escape(g["theorem"])}{_badge(g["counts"])}</h2>',
         f"<p>{html.escape(M.counts_line(g['counts']))}.</p>"]
    top, rest, folded = M.passing_split(g["results"])
    if top or (rest and not folded):
        H += [_HEAD] + [_row(r) for r in top] + ([] if folded else [_row(r) for r in rest]) + ["</table>"]
    if folded:
        H += [f"<details><summary>{len(rest)} more checks (holds / not applicable)</summary>", _HEAD]
        H += [_row(r) for r in rest] + ["</table></details>"]
    for i, r in enumerate(top):  # the first ones unfolded, the rest one click away
        H += [f"<details{' open' if i < M.COLLAPSE_ROWS else ''}><summary><strong>{html.escape(M.check_title(r))}</strong></summary><ul>",
              f"<li>observed: <code>{_e(r.get('observed'), 2000)}</code></li>",
              f"<li>expected: <code>{_e(r.get('expected'), 2000)}</code></li>",
              f"<li>margin: {_e(r.get('margin'))}, tolerance: {_e(r.get('tolerance'))}</li></ul>",
              "<p>witness:</p><pre>" + html.escape(M.pretty_json(r.get("witness"))) + "</pre>",
              "<p>details:</p><pre>" + html.escape(M.pretty_json(r.get("details"))) + "</pre></details>"]
    H += _figures(g)
    if g["measurements"]:
        ms = g["measurements"]
        fold = len(ms) > M.COLLAPSE_ROWS
        H += [f"<details><summary>{len(ms)} measurements (not pass/fail)</summary>" if fold else
              "<p>Measurements (not pass/fail):</p>",
              "<table><tr><th>case</th><th>measurement</th><th>value</th><th>details</th></tr>"]
        H += [f"<tr><td>{_e(m['case'])}</td><td>{_e(m['name'], 120)}</td><td class=\"n\">{_e(m['value'])}</td>"
              f"<td>{_e(m.get('details'), 200)}</td></tr>" for m in ms]
        H.append("</table></details>" if fold else "</table>")
    H.append("</section>")
    return H


def _count_class(status: str, count: int) -> str:
    """Class of a count cell: coloured when a check needs attention, muted when zero."""
    if not count:
        return "n zero"
    return f"n {_cls(status)}" if status in M.ATTENTION else "n"


def _summary(report) -> list[str]:
    H = ["<h2>Summary</h2><table><tr><th></th>"]
    H += [f'<th class="{_cls(s)}">{s}</th>' for s in M.STATUSES] + ["<th>total</th></tr>"]
    H += ["<tr><th>" + html.escape(label) + "</th>" + "".join(f'<td class="n">{v}</td>' for v in c) + "</tr>"
          for label, c in M.kind_rows(report)]
    H += ["</table>", f"<p class=\"muted\">A theorem check {html.escape(M.KIND_NOTE['theorem'])}; a consistency "
                      f"check {html.escape(M.KIND_NOTE['consistency'])}.</p>",
          "<table><tr><th>theorem</th><th>kind</th>"] + [f'<th class="{_cls(s)}">{s}</th>' for s in M.STATUSES]
    H.append("<th>total</th><th>figures</th></tr>")
    for row in M.summary_rows(report):
        name = (f'<a href="#{row["anchor"]}">{html.escape(row["theorem"])}</a>' if row["first"] else "")
        cells = "".join(f'<td class="{_count_class(s, v)}">{v}</td>' for s, v in zip(M.STATUSES + ["total"], row["counts"]))
        figs = "" if row["figures"] is None else str(row["figures"])
        H.append(f'<tr class="{"attention" if row["attention"] else ""}"><td>{name}</td>'
                 f"<td>{html.escape(row['kind'])}</td>{cells}<td class=\"n\">{figs}</td></tr>")
    H.append("</table>")
    return H


def render_html(report: dict, figure_png: bytes | None = None, run_id: str | None = None) -> str:
    """The self-contained HTML page of a report dictionary; ``figure_png`` (the suite's summary figure) and the
    report's ``"figures"`` are embedded as base64 PNG."""
    from ._report import report_id

    suite = html.escape(report["suite"])
    H = ["<!DOCTYPE html>", M.RUN_ID_COMMENT.format(suite=suite.replace("--", "- -"),
                                                    run_id=run_id or report_id(report)),
         '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>relu-landscape report: {suite}</title>", f"<style>{_CSS}</style>", _SCRIPT, "</head><body>",
         f"<h1>relu-landscape verification report: <code>{suite}</code></h1>"]
    if report.get("description"):
        H.append(f"<p>{html.escape(report['description'])}</p>")
    ok = M.totals(report)["violated"] + M.totals(report)["error"] == 0
    H.append(f'<p class="{"pass" if ok else "fail"}"><strong>{html.escape(M.verdict_line(report))}</strong></p>')
    H.append('<table class="prov">')
    H += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in M.header_rows(report)]
    H.append(f"</table><p class=\"muted\"><small>Rendered from <code>{suite}.json</code>; do not edit by hand."
             "</small></p>")
    H += _summary(report)
    if figure_png:
        alt = f"summary figure of the {report['suite']} suite"
        H.append(f'<figure class="summary">{_img(figure_png, alt)}'
                 f"<figcaption>Summary figure of the suite.</figcaption></figure>")
    for g in M.sections(report):
        H += _section(g)
    H += ["</body></html>", ""]
    return "\n".join(H)
