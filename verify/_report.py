"""Reports: ``<suite>.json`` from the results, then Markdown, HTML and a figure rendered from that JSON.

STYLE.md §5.15; the checks cite SPEC.md sections (listed under "Theorems checked").  The JSON (sorted keys,
``json``'s shortest round-trip float formatting, UTF-8, no NaN) is the single source; ``<suite>.md``,
``<suite>.html`` and ``<suite>_figure.png`` are rendered from the dictionary read back from it, never from live
objects, so any JSON can be re-rendered later (``python -m verify.report``).
Each report has a provenance header (version, git commit, backend, dtype, seed, tolerances, date), a status
summary, a table of every check, the witness and details of each violation and error, the measurements and a
figure (also embedded in the HTML).  Every file is written atomically (temporary file, then :func:`os.replace`).

Examples
--------
>>> import tempfile, verify
>>> paths = write_report(verify.run_suite("patterns", cases=["spec-I1"]), tempfile.mkdtemp())
>>> sorted(paths)
['figure', 'html', 'json', 'md']
"""

from __future__ import annotations

import base64
import html
import io
import json
import os

from geom.datafiles import atomic_write
from geom.exceptions import DataFileError

from ._result import Status, jsonable

__all__ = ["report_json", "load_report", "render_markdown", "render_html", "render_figure", "write_report",
           "render_from_json"]

_STATUSES = [s.value for s in Status]
_REQUIRED = ("schema", "suite", "counts", "results", "provenance")


def report_json(report) -> str:
    """The report's JSON text: sorted keys, 2-space indent, UTF-8 characters kept, strict (no NaN)."""
    d = report.to_dict() if hasattr(report, "to_dict") else report
    return json.dumps(jsonable(d), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def load_report(path) -> dict:
    """Read a report JSON written by :func:`write_report`, or raise :class:`~geom.exceptions.DataFileError`."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as exc:
        raise DataFileError(f"Report file '{path}' does not exist: expected a <suite>.json report; got no such "
                            "file.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"Report file '{path}' is not readable JSON: expected a <suite>.json report; got "
                            f"{type(exc).__name__}: {' '.join(str(exc).split())}.") from exc
    missing = [k for k in _REQUIRED if not isinstance(data, dict) or k not in data]
    if missing:
        raise DataFileError(f"Report file '{path}' is not a suite report: expected keys {list(_REQUIRED)}; got "
                            f"{'a ' + type(data).__name__ if not isinstance(data, dict) else 'no ' + repr(missing)}.")
    return data


# ---- formatting ----------------------------------------------------------------------------------------------

def _fmt(v, limit: int = 60) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (int, str)):
        s = str(v)
    else:
        s = json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _md(v, limit: int = 60) -> str:
    return _fmt(v, limit).replace("|", "\\|").replace("\n", " ")


def _header_rows(report) -> list[tuple[str, str]]:
    p = report["provenance"]
    git = p.get("git", {})
    dirty = {True: " (uncommitted changes)", False: "", None: ""}[git.get("dirty")]
    versions = ", ".join(f"{k} {v}" for k, v in sorted(p.get("versions", {}).items()) if v != "not installed")
    tol = ", ".join(f"{k}={_fmt(v)}" for k, v in sorted(p.get("tolerances", {}).items()))
    return [("suite", report["suite"]),
            ("package", f"{p['package']['name']} {p['package']['version']}"),
            ("git commit", f"{git.get('commit', 'unknown')}{dirty}"),
            ("backend / dtype", f"{p.get('backend')} / {p.get('dtype')}"),
            ("seed", _fmt(p.get("seed"))),
            ("tolerances", tol or "—"),
            ("date (UTC)", p.get("timestamp_utc", "—")),
            ("python / platform", f"{p.get('python')} / {p.get('platform')}"),
            ("versions", versions or "—"),
            ("cases", f"{len(report.get('cases', []))}"),
            ("elapsed", f"{report.get('elapsed_s', 0.0):.2f} s")]


def _verdict(report) -> str:
    c = report["counts"]
    bad = c.get("violated", 0) + c.get("error", 0)
    s = ("PASS: no check violated, no error" if bad == 0 else
         f"FAIL: {c.get('violated', 0)} violated, {c.get('error', 0)} error(s)")
    if c.get("inconclusive", 0):
        s += f"; {c['inconclusive']} inconclusive (undecided, not counted as passes)"
    return s


def _failures(report):
    return [r for r in report["results"] if r["status"] in (Status.VIOLATED.value, Status.ERROR.value,
                                                            Status.INCONCLUSIVE.value)]


def _theorems(report) -> list[str]:
    seen = {r["theorem"] for r in report["results"]} | {m.get("theorem", "") for m in report.get("measurements", [])}
    return sorted(t for t in seen if t and t != "—")


# ---- Markdown ------------------------------------------------------------------------------------------------

def render_markdown(report: dict, figure_name: str | None = None) -> str:
    """The Markdown report of a report dictionary (as read from the JSON)."""
    L = [f"# relu-landscape verification report: `{report['suite']}`", ""]
    if report.get("description"):
        L += [report["description"], ""]
    L += ["Rendered from `" + report["suite"] + ".json`; do not edit by hand.", "", "| | |", "|---|---|"]
    L += [f"| {k} | {_md(v, 400)} |" for k, v in _header_rows(report)]
    L += ["", "## Summary", "", "| " + " | ".join(_STATUSES) + " | total |",
          "|" + "---:|" * (len(_STATUSES) + 1),
          "| " + " | ".join(str(report["counts"].get(s, 0)) for s in _STATUSES) + f" | {len(report['results'])} |",
          "", f"**{_verdict(report)}**", ""]
    if figure_name:
        L += [f"![figure]({figure_name})", ""]
    L += ["## Checks", "", "| case | check | theorem | status | observed | expected |", "|---|---|---|---|---|---|"]
    for r in report["results"]:
        st = r["status"] if r["status"] in ("holds", "not applicable") else f"**{r['status']}**"
        L.append(f"| {_md(r['case'])} | {_md(r['check'])} | {_md(r['theorem'])} | {st} | {_md(r['observed'])} | "
                 f"{_md(r['expected'])} |")
    L += ["", "## Violations, errors and inconclusive checks", ""]
    fails = _failures(report)
    if not fails:
        L += ["None.", ""]
    for r in fails:
        L += [f"### {r['case']}: {r['check']} ({r['status']})", "",
              f"- theorem: {r['theorem']}", f"- observed: `{_fmt(r['observed'], 2000)}`",
              f"- expected: `{_fmt(r['expected'], 2000)}`",
              f"- margin: {_fmt(r['margin'])}, tolerance: {_fmt(r['tolerance'])}", "", "witness:", "", "```json",
              json.dumps(r["witness"], sort_keys=True, ensure_ascii=False, indent=1), "```", "", "details:", "",
              "```json", json.dumps(r["details"], sort_keys=True, ensure_ascii=False, indent=1), "```", ""]
    if report.get("measurements"):
        L += ["## Measurements (not pass/fail)", "", "| case | measurement | value | details |", "|---|---|---:|---|"]
        for m in report["measurements"]:
            L.append(f"| {_md(m['case'])} | {_md(m['name'])} | {_fmt(m['value'])} | {_md(m['details'], 200)} |")
        L.append("")
    L += ["## Theorems checked", ""] + [f"- {t}" for t in _theorems(report)] + [""]
    return "\n".join(L)


# ---- HTML ----------------------------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:0.5em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}code,pre{font-size:0.85em}pre{background:#f7f7f7;
padding:0.5em;overflow-x:auto}.holds{background:#e5f5e0}.violated{background:#fdd0c8;font-weight:bold}
.inconclusive{background:#fff3c4}.not-applicable{color:#777}.error{background:#f4b6c2;font-weight:bold}
.pass{color:#1a7f37}.fail{color:#b42318}img{max-width:100%}"""


def _e(v, limit: int = 60) -> str:
    return html.escape(_fmt(v, limit))


def render_html(report: dict, figure_png: bytes | None = None) -> str:
    """A self-contained HTML page of a report dictionary; the figure, if given, is embedded as base64 PNG."""
    suite = html.escape(report["suite"])
    H = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         f"<title>relu-landscape report: {suite}</title>", f"<style>{_CSS}</style></head><body>",
         f"<h1>relu-landscape verification report: <code>{suite}</code></h1>"]
    if report.get("description"):
        H.append(f"<p>{html.escape(report['description'])}</p>")
    H.append(f"<p><small>Rendered from <code>{suite}.json</code>; do not edit by hand.</small></p><table>")
    H += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in _header_rows(report)]
    H += ["</table>", "<h2>Summary</h2><table><tr>"]
    H += [f'<th class="{s.replace(" ", "-")}">{s}</th>' for s in _STATUSES] + ["<th>total</th></tr><tr>"]
    H += [f"<td>{report['counts'].get(s, 0)}</td>" for s in _STATUSES] + [f"<td>{len(report['results'])}</td>",
                                                                            "</tr></table>"]
    ok = report["counts"].get("violated", 0) + report["counts"].get("error", 0) == 0
    H.append(f'<p class="{"pass" if ok else "fail"}"><strong>{html.escape(_verdict(report))}</strong></p>')
    if figure_png:
        b64 = base64.b64encode(figure_png).decode("ascii")
        H.append(f'<figure><img alt="figure of the {suite} suite" src="data:image/png;base64,{b64}"></figure>')
    H += ["<h2>Checks</h2>", "<table><tr><th>case</th><th>check</th><th>theorem</th><th>status</th>"
          "<th>observed</th><th>expected</th></tr>"]
    for r in report["results"]:
        cls = r["status"].replace(" ", "-")
        H.append(f"<tr><td>{_e(r['case'])}</td><td>{_e(r['check'])}</td><td>{_e(r['theorem'])}</td>"
                 f'<td class="{cls}">{html.escape(r["status"])}</td><td>{_e(r["observed"])}</td>'
                 f"<td>{_e(r['expected'])}</td></tr>")
    H += ["</table>", "<h2>Violations, errors and inconclusive checks</h2>"]
    fails = _failures(report)
    if not fails:
        H.append("<p>None.</p>")
    for r in fails:
        H += [f"<h3>{_e(r['case'])}: {_e(r['check'])} ({html.escape(r['status'])})</h3><ul>",
              f"<li>theorem: {_e(r['theorem'])}</li><li>observed: <code>{_e(r['observed'], 2000)}</code></li>",
              f"<li>expected: <code>{_e(r['expected'], 2000)}</code></li>",
              f"<li>margin: {_e(r['margin'])}, tolerance: {_e(r['tolerance'])}</li></ul>",
              "<p>witness:</p><pre>" + html.escape(json.dumps(r["witness"], sort_keys=True, ensure_ascii=False,
                                                              indent=1)) + "</pre>",
              "<p>details:</p><pre>" + html.escape(json.dumps(r["details"], sort_keys=True, ensure_ascii=False,
                                                              indent=1)) + "</pre>"]
    if report.get("measurements"):
        H += ["<h2>Measurements (not pass/fail)</h2>",
              "<table><tr><th>case</th><th>measurement</th><th>value</th><th>details</th></tr>"]
        H += [f"<tr><td>{_e(m['case'])}</td><td>{_e(m['name'])}</td><td>{_e(m['value'])}</td>"
              f"<td>{_e(m['details'], 200)}</td></tr>" for m in report["measurements"]]
        H.append("</table>")
    H += ["<h2>Theorems checked</h2><ul>"] + [f"<li>{html.escape(t)}</li>" for t in _theorems(report)]
    H += ["</ul></body></html>", ""]
    return "\n".join(H)


# ---- figure --------------------------------------------------------------------------------------------------

def _status_figure(report: dict, fig) -> None:
    """Default figure: stacked status counts per case."""
    import numpy as np

    names = list(dict.fromkeys(r["case"] for r in report["results"]))
    colors = {"holds": "#4daf4a", "violated": "#e41a1c", "inconclusive": "#ffbf00", "not applicable": "#bbbbbb",
              "error": "#984ea3"}
    ax = fig.subplots()
    bottom = np.zeros(len(names))
    for s in _STATUSES:
        vals = np.array([sum(1 for r in report["results"] if r["case"] == n and r["status"] == s) for n in names])
        ax.bar(np.arange(len(names)), vals, bottom=bottom, color=colors[s], label=s)
        bottom += vals
    ax.set_xticks(np.arange(len(names)))
    ax.set_xticklabels(names, rotation=70, ha="right", fontsize=7)
    ax.set_ylabel("checks")
    ax.set_title(f"Check status per case (suite '{report['suite']}')")
    ax.legend(fontsize=8)


def render_figure(report: dict) -> bytes | None:
    """The report figure as PNG bytes (matplotlib, Agg), or ``None`` when matplotlib is not installed.

    The suite's registered ``figure`` function draws it; otherwise status counts per case.  PNG metadata is
    fixed so the bytes depend only on the report and the matplotlib version.
    """
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from ._suite import SUITES

    suite = SUITES.get(report["suite"])
    draw = suite.figure if suite is not None and suite.figure is not None else _status_figure
    fig = Figure(figsize=(max(8.0, 0.32 * len(report.get("cases", [])) + 3.0), 7.5), layout="constrained")
    draw(report, fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


# ---- writing -------------------------------------------------------------------------------------------------

def render_from_json(json_path, out_dir) -> dict:
    """Render ``<suite>.md``, ``<suite>.html`` and ``<suite>_figure.png`` into ``out_dir`` from a report JSON."""
    report = load_report(json_path)
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    suite = report["suite"]
    paths = {}
    png = render_figure(report)
    fig_name = None
    if png is not None:
        fig_name = f"{suite}_figure.png"
        paths["figure"] = atomic_write(os.path.join(out_dir, fig_name), png)
    paths["md"] = atomic_write(os.path.join(out_dir, f"{suite}.md"), render_markdown(report, fig_name))
    paths["html"] = atomic_write(os.path.join(out_dir, f"{suite}.html"), render_html(report, png))
    return paths


def write_report(suite_result, out_dir) -> dict:
    """Write ``<out_dir>/<suite>.json``, then render ``.md``, ``.html`` and ``_figure.png`` from it.

    Parameters
    ----------
    suite_result : SuiteResult or dict
        A :class:`~verify.SuiteResult` (or its ``to_dict()``).
    out_dir : str or os.PathLike
        Created if missing.

    Returns
    -------
    dict
        ``{"json", "md", "html", "figure"}`` → path (no ``"figure"`` without matplotlib).
    """
    out_dir = os.fspath(out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise DataFileError(f"Cannot create the report directory '{out_dir}': expected a writable location; "
                            f"got {type(exc).__name__}: {exc.strerror}.") from exc
    text = report_json(suite_result)
    suite = json.loads(text)["suite"]
    json_path = atomic_write(os.path.join(out_dir, f"{suite}.json"), text)
    return {"json": json_path, **render_from_json(json_path, out_dir)}
