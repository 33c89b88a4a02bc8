"""The ``run``, ``report`` and ``cases`` commands of ``relu-landscape`` (registered into :mod:`verify.cli`).

* ``run [--suite NAME ...] [--case NAME ...] [--out DIR] [--jobs N] [--scheduler ADDRESS] [--seed S] [--quiet]
  [--json]`` runs suites (default: ``quick`` when registered, else every suite) and writes their reports into
  ``--out`` *after* the whole run, each as one atomic set (:func:`verify.write_report`).  The cases run here,
  in ``--jobs N`` worker processes, or on the Dask cluster of ``--scheduler``, with the same results.
* ``report RESULTS.json [--out DIR] [--json]`` re-renders the Markdown, HTML and figure of a results file.
* ``cases [--tag T ...] [--json]`` lists the registered cases (with the suites that run on each, in JSON).

Exit status of ``run`` and ``report``: :data:`verify._suite.EXIT_STATUS` of the verdict over every check: 0 when
every check holds or does not apply, 1 when one is violated or errors, 3 when one is inconclusive and none is
violated; 2 for a usage error (an unknown suite or case, whose message lists the valid ones; an output directory
that cannot be written, refused before anything runs; a results file of another schema); 130 when interrupted
(Ctrl-C), with one line on stderr: reports are written only after the run and atomically, so an interrupted run
leaves the previous reports untouched and no temporary file, and a rerun starts clean.

Examples
--------
>>> from verify.cli import main
>>> main(["run", "--suite", "no-such-suite"])
2
"""

from __future__ import annotations

import json
import os
import sys

import cases as case_registry
from geom._validation import message
from geom.datafiles import check_writable, regular_file
from geom.exceptions import DataFileError, InvalidInputError

from ._result import Status
from ._suite import EXIT_STATUS, SUITES, check_schema, connect, default_suites, run_suites, verdict_of
from .cli import PROG, UsageError, _count_arg, _dumps, _one_line, _seed_arg, arg, command
from .report import render_from_json, write_report

__all__ = ["check_out_dir", "INTERRUPTED"]

#: The one line printed on stderr when a run is interrupted (exit status 130).
INTERRUPTED = (f"{PROG}: interrupted: no report written or left half-written (reports are written after the run); "
               "a rerun starts clean")
#: Most case names an error message lists before pointing at ``relu-landscape cases``.
_LIST_AT_MOST = 200
_WORD = {"holds": "PASS", "violated": "FAIL", "inconclusive": "INCONCLUSIVE"}


def check_out_dir(path, *, func: str) -> str:
    """Check, before anything runs, that the directory ``path`` can be written (created if missing); return it.

    Nothing is created: the nearest existing ancestor must be a directory that accepts a new file (probed by
    creating and removing a temporary file, which is also right for root and read-only file systems).

    Raises
    ------
    InvalidInputError
        A file in the way, or a directory that cannot be written (one line in the shape of
        :func:`geom._validation.message`).

    Examples
    --------
    >>> check_out_dir("/proc/relu-landscape-reports", func="relu-landscape run")
    Traceback (most recent call last):
    ...
    geom.exceptions.InvalidInputError: The '--out' parameter of relu-landscape run must be a writable directory (created if missing). Got '/proc/relu-landscape-reports' (...) instead.
    """
    given = os.fspath(path)
    full = os.path.abspath(given)
    existing = full
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    def refuse(why):  # the shape of geom._validation.message, without shortening the path
        return InvalidInputError(f"The '--out' parameter of {func} must be a writable directory (created if "
                                 f"missing). Got {given!r} ({why}) instead.")

    if not os.path.isdir(existing):
        raise refuse(f"{existing!r} {'is a file' if os.path.isfile(existing) else 'is not a directory'}")
    try:
        check_writable(os.path.join(existing, f".{PROG}-probe"))
    except DataFileError as exc:
        raise refuse(str(exc).split("; got ", 1)[-1].rstrip(".")) from None
    return given


def _unknown_case(name, selected) -> UsageError:
    valid = list(dict.fromkeys(c.name for s in selected for c in SUITES[s].select()))
    shown = ", ".join(valid[:_LIST_AT_MOST]) + (f", … ({len(valid)} in all)" if len(valid) > _LIST_AT_MOST else "")
    return UsageError(message("--case", f"{PROG} run", f"a case of the selected suite{'s' * (len(selected) > 1)} "
                              f"({', '.join(selected)}): {shown} (see `{PROG} cases`)", repr(name)))


def _plan(args) -> dict:
    """``{suite: case names or None}`` from ``--suite`` and ``--case``, validated before anything runs."""
    for name in args.suite or ():
        if name not in SUITES:
            raise UsageError(f"argument --suite: invalid choice: {name!r} (choose from "
                             f"{', '.join(map(repr, SUITES))})")
    selected = list(dict.fromkeys(args.suite or default_suites()))
    if args.cases is None:
        return {name: None for name in selected}
    names = list(dict.fromkeys(args.cases))
    known = set(case_registry.case_names())
    for name in names:
        if name not in known:
            raise _unknown_case(name, selected)
    plan = {s: [c for c in names if SUITES[s].has_case(c)] for s in selected}
    orphans = [c for c in names if not any(c in v for v in plan.values())]
    if orphans:
        which = "; ".join(f"{s!r}: tagged {', '.join(SUITES[s].tags) or 'anything'}" for s in selected)
        raise UsageError(f"argument --cases: expected cases of the selected suite{'s' * (len(selected) > 1)} "
                         f"({which}); got {', '.join(map(repr, orphans))}, in none of them (see `{PROG} cases`)")
    return plan


def _summary(result, paths) -> dict:
    return {"suite": result.suite, "verdict": result.verdict, "counts": result.counts, "n_checks": len(result.results),
            "cases": list(result.cases), "elapsed_s": round(float(result.elapsed_s), 6), "files": paths}


def _overall(verdicts) -> str:
    return verdict_of({v: 1 for v in verdicts})


@command("run", help="run verification suites (default: quick) and write their reports (JSON, Markdown, HTML, "
                     "figure) after the run; exit 0 holds, 1 violated, 3 inconclusive", args=[
    arg("--suite", nargs="+", action="extend", metavar="NAME", default=None,
        help="suites to run (repeatable; default: 'quick' when registered, else all)"),
    arg("--case", "--cases", dest="cases", nargs="+", action="extend", metavar="NAME", default=None,
        help="run only these registered cases (each must belong to a selected suite; a suite holding none of "
             "them is skipped)"),
    arg("--out", metavar="DIR", default="reports", help="report directory, created if missing (default: reports)"),
    arg("--jobs", type=_count_arg, default=1, metavar="N", help="run the cases in N worker processes (default 1)"),
    arg("--scheduler", metavar="ADDRESS", default=None,
        help="run the cases on the Dask cluster of this scheduler (e.g. tcp://host:8786; needs dask.distributed)"),
    arg("--seed", type=_seed_arg, default=0, help="seed (an integer ≥ 0) of the random parts (default: 0)"),
    arg("--quiet", action="store_true", help="no progress bar"),
    arg("--json", action="store_true", help="print one JSON object (verdicts, counts, files) instead of a summary"),
])
def _cmd_run(args) -> int:
    if args.scheduler is not None and args.jobs != 1:
        raise UsageError("argument --jobs: not allowed with --scheduler (the cluster decides the parallelism)")
    plan = _plan(args)
    runnable = {s: v for s, v in plan.items() if v != []}
    check_out_dir(args.out, func=f"{PROG} run")
    client, owned = connect(args.scheduler, func=f"{PROG} run") if args.scheduler is not None else (None, False)
    try:
        results = run_suites(runnable, progress=not args.quiet and not args.json, seed=args.seed, jobs=args.jobs,
                             scheduler=client)
        written = [write_report(r, args.out) for r in results]  # only after the whole run, each set atomically
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    finally:
        if owned:
            client.close()
    verdict = _overall(r.verdict for r in results)
    status = EXIT_STATUS[verdict]
    skipped = [s for s in plan if s not in runnable]
    if args.json:
        print(_dumps({"verdict": verdict, "exit_status": status, "out": args.out, "seed": args.seed,
                      "jobs": args.jobs, "scheduler": args.scheduler, "skipped": skipped,
                      "suites": [_summary(r, p) for r, p in zip(results, written)]}))
        return status
    done = {r.suite: (r, p) for r, p in zip(results, written)}
    for name in plan:
        if name not in done:
            print(f"{name}: skipped: none of --cases belongs to it (no report written)")
            continue
        result, paths = done[name]
        c = result.counts
        counts = ", ".join(f"{c[s]} {s}" for s in c)
        print(f"{name}: {_WORD[result.verdict]}: {len(result.results)} checks on {len(result.cases)} cases: "
              f"{counts} ({result.elapsed_s:.1f} s)")
        for kind in ("json", "md", "html", "figure"):
            if kind in paths:
                print(f"  {kind}: {paths[kind]}")
    return status


@command("report", help="re-render the Markdown, HTML and figure of a results file (RESULTS.json from run); exit "
                        "status as run's for its verdict", args=[
    arg("results", metavar="RESULTS.json", help="results written by relu-landscape run (<suite>.json)"),
    arg("--out", metavar="DIR", default=None, help="output directory (default: that of RESULTS.json)"),
    arg("--json", action="store_true", help="print one JSON object (verdict, counts, files)"),
])
def _cmd_report(args) -> int:
    func = f"{PROG} report"
    regular_file(args.results, what="Results file", kind="<suite>.json results file")
    try:
        with open(args.results, encoding="utf-8") as f:
            data = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"Results file '{args.results}' is not readable JSON: expected a <suite>.json results "
                            f"file; got {type(exc).__name__}: {_one_line(exc)}.") from exc
    check_schema(data, source=f"'{args.results}'", name="RESULTS.json", func=func)
    out = args.out if args.out is not None else os.path.dirname(os.path.abspath(args.results))
    check_out_dir(out, func=func)
    try:
        paths = render_from_json(args.results, out)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted: no report left half-written; a rerun starts clean", file=sys.stderr)
        return 130
    counts = {s.value: 0 for s in Status}
    for r in data["results"]:
        if r["status"] not in counts:
            raise DataFileError(message("RESULTS.json", func, f"checks whose status is one of {sorted(counts)}",
                                        f"status {r['status']!r} ({args.results})"))
        counts[r["status"]] += 1
    verdict = verdict_of(counts)
    if args.json:
        print(_dumps({"results": args.results, "suite": data["suite"], "verdict": verdict, "counts": counts,
                      "exit_status": EXIT_STATUS[verdict], "files": paths}))
    else:
        print(f"{data['suite']}: {_WORD[verdict]}: {len(data['results'])} checks")
        for kind in sorted(paths):
            print(f"  {kind}: {paths[kind]}")
    return EXIT_STATUS[verdict]


@command("cases", help="list the registered instances (cases) and their expected values", args=[
    arg("--tag", action="append", metavar="TAG", default=None, help="only cases with this tag (repeatable)"),
    arg("--json", action="store_true", help="print one JSON list (each case with the suites that run on it)"),
])
def _cmd_cases(args) -> int:
    tags = args.tag or []
    known = sorted(set().union(*(c.tags for c in case_registry.list_cases())))
    unknown = [t for t in tags if t not in known]
    if unknown:
        raise InvalidInputError(f"The '--tag' option of {PROG} cases must be one of {{{', '.join(known)}}}. "
                                f"Got {unknown[0]!r} instead.")
    chosen = case_registry.list_cases(tags)
    if args.json:
        print(_dumps([{**c.to_dict(), "suites": [s.name for s in SUITES.values() if set(s.tags) <= c.tags]}
                      for c in chosen]))
        return 0
    width = max((len(c.name) for c in chosen), default=0)
    for c in chosen:
        n, d = c.X.shape
        print(f"{c.name:<{width}}  n={n} d={d}{' bias' if c.bias else ''}  {c.source}")
    return 0

