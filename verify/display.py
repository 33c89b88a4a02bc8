"""How suite results show themselves in a notebook (``_repr_html_`` of :class:`~verify.SuiteResult` and
:class:`~verify.CheckResult`).

The helpers (badges, tables, escaping, size caps) are those of :mod:`geom.display`; this module only knows the
verification vocabulary: the five statuses, the two kinds of check (theorem and consistency, counted apart), the
run's provenance.  A suite shows its overall verdict (``violated`` if a check is violated or errors, else
``inconclusive`` if one is undecided, else ``holds``: the verdict the command line turns into its exit status),
the counts by kind and status with a stacked bar, the provenance, and its checks with the undecided and failed
ones first (at most :data:`MAX_SUITE_ROWS`; :meth:`~verify.SuiteResult.to_frame` has them all).

Examples
--------
>>> import verify
>>> frag = verify.run_suite("patterns", cases=["spec-I1"])._repr_html_()
>>> "spec-I1" in frag and "rl-good" in frag and "<svg" in frag
True
"""

from __future__ import annotations

from geom.display import Fragment, badge, card, fmt, kv_table, table, text

from ._result import KINDS, Status, count_by_kind

__all__ = ["MAX_SUITE_ROWS", "status_bar_svg", "check_result_html", "suite_result_html"]

#: Checks listed in a suite's display (the undecided and failed ones first).
MAX_SUITE_ROWS = 30
#: Bar colours of the statuses (those of the report's summary figure).
_STATUS_COLOURS = {"holds": "#4daf4a", "violated": "#e41a1c", "inconclusive": "#ffbf00",
                   "not applicable": "#bbbbbb", "error": "#984ea3"}
#: Display order of the checks: what needs attention first.
_ORDER = {Status.ERROR: 0, Status.VIOLATED: 1, Status.INCONCLUSIVE: 2, Status.HOLDS: 3, Status.NOT_APPLICABLE: 4}
_SVG_NS = "http://www.w3.org/2000/svg"


def status_bar_svg(counts: dict, *, width: int = 240, height: int = 14) -> Fragment:
    """A stacked horizontal bar of ``{status value: count}``, one segment per non-zero status, each with its
    count as a tooltip.

    >>> svg = status_bar_svg({"holds": 3, "violated": 1, "inconclusive": 0})
    >>> svg.count("<rect"), "violated: 1" in svg
    (2, True)
    """
    total = sum(int(v) for v in counts.values())
    out = [f'<svg xmlns="{_SVG_NS}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
           "<title>checks by status</title>"]
    x = 0.0
    for s in (st.value for st in Status):
        c = int(counts.get(s, 0))
        if c <= 0 or total == 0:
            continue
        w = width * c / total
        out.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{_STATUS_COLOURS[s]}">'
                   f"<title>{text(s)}: {c}</title></rect>")
        x += w
    out.append("</svg>")
    return Fragment("".join(out))


def check_result_html(r) -> str:
    """The display of one :class:`~verify.CheckResult`: its status, what was compared, the margin against the
    tolerance, the witness and details (summarized).

    >>> from verify import compare
    >>> frag = check_result_html(compare("regions", 4, 4, case="spec-I2", theorem="docs/theory.md §B.1"))
    >>> "holds" in frag and "spec-I2" in frag and "docs/theory.md §B.1" in frag
    True
    """
    rows = [("case", r.case), ("check", r.check), ("theorem", r.theorem), ("kind", r.kind),
            ("status", badge(r.status.value)), ("observed", r.observed), ("expected", r.expected),
            ("margin", r.margin), ("tolerance", r.tolerance if r.tolerance is not None else "exact comparison"),
            ("witness", r.witness), ("details", r.details), ("seconds", r.elapsed_s)]
    return card("CheckResult", badge(r.status.value), f"{r.check} on {r.case}", [kv_table(rows)])


def suite_result_html(R) -> str:
    """The display of a :class:`~verify.SuiteResult`: the overall verdict, counts by kind and status, provenance,
    and the checks (undecided and failed first, at most :data:`MAX_SUITE_ROWS`).

    >>> import verify
    >>> R = verify.run_suite("patterns", cases=["spec-I1"])
    >>> frag = suite_result_html(R)
    >>> f"{len(R.results)} checks" in frag and "theorem" in frag
    True
    """
    counts = R.counts
    n = len(R.results)
    verdict = R.verdict
    reason = f"{n} checks on {len(R.cases)} case(s): " + ", ".join(f"{c} {s}" for s, c in counts.items() if c)
    prov = R.provenance or {}
    git = prov.get("git") or {}
    commit = git.get("commit")
    rows = [("suite", R.suite), ("description", R.description), ("cases", list(R.cases)), ("checks", n),
            ("measurements", len(R.measurements)), ("figures", len(getattr(R, "figures", ()))),
            ("seconds", R.elapsed_s),
            ("version", (prov.get("package") or {}).get("version", ...)),
            ("git commit", (commit[:10] + (" (dirty)" if git.get("dirty") else "")) if commit else ...),
            ("backend", prov.get("backend", ...)), ("dtype", prov.get("dtype", ...)), ("seed", prov.get("seed", ...))]
    by_kind = count_by_kind(R.results)
    statuses = [s.value for s in Status]
    ct = [[k, *[Fragment('<span style="color:#aaaaaa">0</span>') if by_kind[k][s] == 0 else by_kind[k][s]
               for s in statuses]] for k in KINDS]
    parts = [kv_table(rows),
             Fragment(status_bar_svg(counts) + table(["kind", *statuses], ct, caption="checks by kind and status"))]
    order = sorted(range(n), key=lambda i: (_ORDER.get(R.results[i].status, 5), i))
    res = [[r.case, r.check, r.kind, badge(r.status.value), fmt(r.observed, limit=40), fmt(r.expected, limit=40),
            fmt(r.margin, limit=20)] for r in (R.results[i] for i in order[:MAX_SUITE_ROWS])]
    parts.append(table(["case", "check", "kind", "status", "observed", "expected", "margin"], res, total=n,
                       caption="checks (undecided and failed first)", limit=MAX_SUITE_ROWS))
    if R.measurements:
        ms = [[m.case, m.name, m.value, m.unit] for m in R.measurements]
        parts.append(table(["case", "measurement", "value", "unit"], ms, caption="measurements"))
    return card(f"SuiteResult: {R.suite}", badge(verdict), reason, parts)
