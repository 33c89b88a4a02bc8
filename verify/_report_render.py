"""What a report shows, and its Markdown form: the provenance header, the summary by theorem, one section per theorem.

Everything here reads a report *dictionary* (the JSON read back), never live objects.  A report is organised by
theorem: :func:`sections` groups the checks, measurements and figures by their ``theorem`` string (checks of the
same section of docs/theory.md land together), and orders each section's checks with the ones that need
attention first (error, violated, inconclusive, then holds, not applicable).  Theorem checks and consistency
checks (:data:`verify._result.KINDS`) are counted apart everywhere.  :func:`render_markdown` writes the Markdown
summary (figures other than the suite's summary figure are in the HTML page, :mod:`verify._report_html`).

>>> rep = {"suite": "s", "provenance": {"package": {"name": "relu-landscape", "version": "0"}}, "results": [
...     {"case": "c", "check": "a", "theorem": "§B.2", "status": "holds", "kind": "theorem"},
...     {"case": "c", "check": "b", "theorem": "§B.2", "status": "violated", "kind": "theorem"}]}
>>> [r["check"] for r in sections(rep)[0]["results"]]
['b', 'a']
"""

from __future__ import annotations

import io
import json
import re

from ._result import KINDS, THEOREM, Status, count_by_kind

__all__ = ["sections", "summary_rows", "header_rows", "verdict_line", "kind_rows", "totals", "counts_line",
           "passing_split", "figure_caption", "check_title", "fmt", "pretty_json", "kind_of", "render_markdown",
           "render_figure", "RUN_ID_COMMENT", "COLLAPSE_ROWS", "STATUSES", "ATTENTION", "NO_THEOREM", "KIND_NOTE"]

STATUSES = [s.value for s in Status]
#: Statuses listed first and shown in full in each theorem's section.
ATTENTION = (Status.ERROR.value, Status.VIOLATED.value, Status.INCONCLUSIVE.value)
_ORDER = {s: i for i, s in enumerate(ATTENTION + (Status.HOLDS.value, Status.NOT_APPLICABLE.value))}
#: A section lists at most this many checks that hold (or do not apply) before folding them into ``<details>``.
COLLAPSE_ROWS = 12
#: Written as the first line of the Markdown and the second of the HTML; :mod:`verify._report` reads it back.
RUN_ID_COMMENT = "<!-- relu-landscape report {suite} run_id={run_id} -->"
#: The section of checks that name no theorem (a checker that raised is recorded with theorem "—").
NO_THEOREM = "(no theorem: checker errors and unassigned items)"

KIND_NOTE = {"theorem": "compares a computed quantity with a theory value or an independently computed one",
             "consistency": "compares a quantity with something computed from it: true by construction when the "
                            "code is right, so it guards the pipeline but is not evidence for a theorem"}


# ---- formatting ----------------------------------------------------------------------------------------------

def fmt(v, limit: int = 60) -> str:
    """A value in one short line: floats with 6 significant digits, JSON for lists and dictionaries."""
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
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _md(v, limit: int = 60) -> str:
    return fmt(v, limit).replace("|", "\\|")


def pretty_json(v) -> str:
    """Indented JSON (one space) for a witness or details block."""
    return json.dumps(v, sort_keys=True, ensure_ascii=False, indent=1)


def kind_of(r) -> str:
    """The kind of a check dictionary (one written before kinds existed is a theorem check)."""
    return r.get("kind", THEOREM)


# ---- the model: header, sections, summary -------------------------------------------------------------------

def header_rows(report) -> list[tuple[str, str]]:
    """``(label, text)`` rows of the provenance header: version, git commit, backend, dtype, seeds, tolerances."""
    p = report.get("provenance") or {}
    git = p.get("git") or {}
    pkg = p.get("package") or {}
    dirty = " (uncommitted changes)" if git.get("dirty") is True else ""
    versions = ", ".join(f"{k} {v}" for k, v in sorted((p.get("versions") or {}).items()) if v != "not installed")
    tol = ", ".join(f"{k}={fmt(v)}" for k, v in sorted((p.get("tolerances") or {}).items()))
    seeds = p.get("seeds", p.get("seed"))
    return [("suite", str(report["suite"])),
            ("package", f"{pkg.get('name', 'relu-landscape')} {pkg.get('version', 'unknown')}"),
            ("results schema", str(report.get("schema", "—"))),
            ("git commit", f"{git.get('commit', 'unknown')}{dirty}"),
            ("backend / dtype", f"{p.get('backend', '—')} / {p.get('dtype', '—')}"),
            ("seeds" if isinstance(seeds, list) else "seed", fmt(seeds, 400)),
            ("tolerances", tol or "—"),
            ("date (UTC)", str(p.get("timestamp_utc", "—"))),
            ("python / platform", f"{p.get('python', '—')} / {p.get('platform', '—')}"),
            ("versions", versions or "—"),
            ("cases", str(len(report.get("cases", [])))),
            ("elapsed", f"{float(report.get('elapsed_s') or 0.0):.2f} s")]


def totals(report) -> dict:
    """``{status: count}`` over both kinds of check."""
    by = count_by_kind(report["results"])
    return {s: sum(by[k][s] for k in KINDS) for s in STATUSES}


def verdict_line(report) -> str:
    """PASS/FAIL over both kinds of check (a violated consistency check fails a run too)."""
    c = totals(report)
    bad = c["violated"] + c["error"]
    s = "PASS: no check violated, no error" if bad == 0 else f"FAIL: {c['violated']} violated, {c['error']} error(s)"
    if c["inconclusive"]:
        s += f"; {c['inconclusive']} inconclusive (undecided, not counted as passes)"
    return s


def kind_rows(report) -> list[tuple[str, list[int]]]:
    """``(label, [count per status..., total])`` for theorem checks, consistency checks, all."""
    by = count_by_kind(report["results"])
    rows = [(f"{k} checks", [by[k][s] for s in STATUSES]) for k in KINDS]
    rows.append(("all", [sum(by[k][s] for k in KINDS) for s in STATUSES]))
    return [(label, c + [sum(c)]) for label, c in rows]


def _section_key(theorem: str):
    """Sort key: docs/theory.md sections in reading order (§A.2 before §A.10), the no-theorem section last."""
    if theorem == NO_THEOREM:
        return (1, [])
    parts = re.split(r"(\d+)", theorem)
    return (0, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def sections(report) -> list[dict]:
    """The report grouped by theorem: ``[{"theorem", "anchor", "results", "measurements", "figures", "counts"}]``.

    ``results`` are ordered with errors, violations and inconclusive checks first (then holds, not applicable;
    the order of the run otherwise); ``counts`` is :func:`~verify._result.count_by_kind` of the section.
    """
    groups: dict[str, dict] = {}

    def group(theorem) -> dict:
        t = theorem if isinstance(theorem, str) and theorem.strip() not in ("", "—") else NO_THEOREM
        return groups.setdefault(t, {"theorem": t, "results": [], "measurements": [], "figures": []})

    for r in report["results"]:
        group(r.get("theorem"))["results"].append(r)
    for m in report.get("measurements") or []:
        group(m.get("theorem"))["measurements"].append(m)
    for f in report.get("figures") or []:
        group(f.get("theorem") if isinstance(f, dict) else None)["figures"].append(f)
    out = sorted(groups.values(), key=lambda g: _section_key(g["theorem"]))
    for i, g in enumerate(out):
        g["anchor"] = f"sec-{i + 1}"
        g["results"].sort(key=lambda r: _ORDER.get(r["status"], 0))
        g["counts"] = count_by_kind(g["results"])
    return out


def summary_rows(report) -> list[dict]:
    """One row per theorem and kind of check present: ``{"theorem", "anchor", "kind", "counts": [per status...,
    total], "figures", "attention"}`` (a section with figures or measurements but no check has one row of kind
    ``"—"``)."""
    rows = []
    for g in sections(report):
        kinds = [k for k in KINDS if sum(g["counts"][k].values())] or ["—"]
        for i, k in enumerate(kinds):
            c = [g["counts"][k][s] for s in STATUSES] if k != "—" else [0] * len(STATUSES)
            rows.append({"theorem": g["theorem"], "anchor": g["anchor"], "kind": k, "first": i == 0,
                         "counts": c + [sum(c)], "figures": len(g["figures"]) if i == 0 else None,
                         "attention": sum(c[STATUSES.index(s)] for s in ATTENTION)})
    return rows


def passing_split(results: list) -> tuple[list, list, bool]:
    """``(attention rows, other rows, whether the other rows are folded)``."""
    top = [r for r in results if r["status"] in ATTENTION]
    rest = [r for r in results if r["status"] not in ATTENTION]
    return top, rest, len(rest) > COLLAPSE_ROWS


def figure_caption(f: dict) -> str:
    """The figure's title, with its case when the title does not name it.

    >>> figure_caption({"title": "spec-I2: staircase", "case": "spec-I2", "kind": "staircase"})
    'spec-I2: staircase'
    >>> figure_caption({"case": "c", "kind": "series"})
    'series (c)'
    """
    title = str(f.get("title") or f.get("kind") or "figure")
    case = str(f.get("case") or "")
    return title if case in title else f"{title} ({case})"


def check_title(r) -> str:
    """``case: check (status[; consistency check])``, the heading of a check's full record."""
    return f"{r['case']}: {r['check']} ({r['status']}{'; consistency check' if kind_of(r) != THEOREM else ''})"


def counts_line(counts: dict) -> str:
    """``theorem checks: 3 holds, 1 violated; consistency checks: 2 holds`` (zero counts and kinds left out)."""
    parts = []
    for k in KINDS:
        c = [f"{counts[k][s]} {s}" for s in STATUSES if counts[k][s]]
        if c:
            parts.append(f"{k} checks: " + ", ".join(c))
    return "; ".join(parts) or "no checks"


# ---- Markdown ------------------------------------------------------------------------------------------------

_MD_HEAD = ("| status | case | check | kind | observed | expected | tolerance | margin |\n"
            "|---|---|---|---|---|---|---|---|")


def _md_row(r) -> str:
    st = r["status"] if r["status"] not in ATTENTION else f"**{r['status'].upper()}**"
    return (f"| {st} | {_md(r['case'])} | {_md(r['check'], 160)} | {kind_of(r)} | {_md(r.get('observed'))} "
            f"| {_md(r.get('expected'))} | {_md(r.get('tolerance'))} | {_md(r.get('margin'))} |")


def _md_section(g) -> list[str]:
    L = [f'<a id="{g["anchor"]}"></a>', "", f"## {g['theorem']}", "", counts_line(g["counts"]) + ".", ""]
    if g["figures"]:
        L += ["Figures (drawn in the HTML report): " + "; ".join(figure_caption(f) for f in g["figures"]) + ".", ""]
    top, rest, folded = passing_split(g["results"])
    if top or (rest and not folded):
        L += [_MD_HEAD] + [_md_row(r) for r in top] + ([] if folded else [_md_row(r) for r in rest]) + [""]
    if folded:
        L += [f"<details><summary>{len(rest)} more checks (holds / not applicable)</summary>", "", _MD_HEAD]
        L += [_md_row(r) for r in rest] + ["", "</details>", ""]
    for r in top:
        L += [f"#### {check_title(r)}", "",
              f"- observed: `{fmt(r.get('observed'), 2000)}`", f"- expected: `{fmt(r.get('expected'), 2000)}`",
              f"- margin: {fmt(r.get('margin'))}, tolerance: {fmt(r.get('tolerance'))}", "", "witness:", "",
              "```json", pretty_json(r.get("witness")), "```", "", "details:", "", "```json",
              pretty_json(r.get("details")), "```", ""]
    ms = g["measurements"]
    if ms:
        fold = len(ms) > COLLAPSE_ROWS
        L += [f"<details><summary>{len(ms)} measurements (not pass/fail)</summary>" if fold else
              "Measurements (not pass/fail):", "", "| case | measurement | value | details |", "|---|---|---:|---|"]
        L += [f"| {_md(m['case'])} | {_md(m['name'], 120)} | {fmt(m['value'])} | {_md(m.get('details'), 200)} |"
              for m in ms] + [""] + (["</details>", ""] if fold else [])
    return L


def render_markdown(report: dict, figure_name: str | None = None, run_id: str | None = None) -> str:
    """The Markdown summary of a report dictionary (as read from the JSON): the header, the summary table by
    theorem, then one section per theorem with the checks needing attention first and in full."""
    from ._report import report_id

    L = [RUN_ID_COMMENT.format(suite=report["suite"], run_id=run_id or report_id(report)),
         f"# relu-landscape verification report: `{report['suite']}`", ""]
    if report.get("description"):
        L += [report["description"], ""]
    L += [f"Rendered from `{report['suite']}.json`; do not edit by hand. The HTML page next to it has the figures.",
          "", "| | |", "|---|---|"] + [f"| {k} | {_md(v, 400)} |" for k, v in header_rows(report)]
    L += ["", f"**{verdict_line(report)}**", "", "## Summary", "", "| | " + " | ".join(STATUSES) + " | total |",
          "|---|" + "---:|" * (len(STATUSES) + 1)]
    L += [f"| {label} | " + " | ".join(map(str, c)) + " |" for label, c in kind_rows(report)]
    L += ["", "A theorem check " + KIND_NOTE["theorem"] + "; a consistency check " + KIND_NOTE["consistency"] + ".",
          "", "| theorem | kind | " + " | ".join(STATUSES) + " | total | figures |",
          "|---|---|" + "---:|" * (len(STATUSES) + 2)]
    for row in summary_rows(report):
        name = f"[{_md(row['theorem'], 200)}](#{row['anchor']})" if row["first"] else "″"
        flag = " ⚠" if row["attention"] else ""
        L.append(f"| {name}{flag} | {row['kind']} | " + " | ".join(map(str, row["counts"]))
                 + f" | {'' if row['figures'] is None else row['figures']} |")
    L.append("")
    if figure_name:
        L += [f"![figure]({figure_name})", ""]
    for g in sections(report):
        L += _md_section(g)
    return "\n".join(L)


# ---- the suite's summary figure ------------------------------------------------------------------------------

def _status_figure(report: dict, fig) -> None:
    """Default figure: stacked status counts per case."""
    import numpy as np

    names = list(dict.fromkeys(r["case"] for r in report["results"]))
    colors = {"holds": "#4daf4a", "violated": "#e41a1c", "inconclusive": "#ffbf00", "not applicable": "#bbbbbb",
              "error": "#984ea3"}
    ax = fig.subplots()
    bottom = np.zeros(len(names))
    for s in STATUSES:
        vals = np.array([sum(1 for r in report["results"] if r["case"] == n and r["status"] == s) for n in names])
        ax.bar(np.arange(len(names)), vals, bottom=bottom, color=colors[s], label=s)
        bottom += vals
    ax.set_xticks(np.arange(len(names)))
    ax.set_xticklabels(names, rotation=70, ha="right", fontsize=7)
    ax.set_ylabel("checks")
    ax.set_title(f"Check status per case (suite '{report['suite']}')")
    ax.legend(fontsize=8)


def render_figure(report: dict, png_text: dict | None = None) -> bytes | None:
    """The suite's summary figure as PNG bytes (matplotlib, Agg), or ``None`` when matplotlib is not installed.

    The suite's registered ``figure`` function draws it; otherwise status counts per case.  PNG metadata is
    fixed (but for ``png_text``, e.g. the run id) so the bytes depend only on the report and matplotlib.
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
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None, **(png_text or {})})
    return buf.getvalue()
