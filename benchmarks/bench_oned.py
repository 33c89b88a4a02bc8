"""Benchmark of the 1-D-with-bias sweep solver (``geom.convex.oned.solve_oned``) against the general solver.

Problem (docs/theory.md §A.3, §A.6, §B.3): rows ``x̃_i = (x_i, 1)``, squared loss, weight decay β, over the 2n
half-line patterns.  Instances: ``x ~ U(−2, 2)``, ``y = sin(3x) + 0.1 N(0, 1)`` (a smooth target plus noise),
seed ``2026 + n``, ``β = 1e-4 · n`` (the loss grows like n, so this keeps the fit's smoothness comparable
across n).  Sizes n = 100, 400, 1000, 10⁴ (``--quick``: 100, 400).

Methods, each in a fresh subprocess under ``--timeout`` (default 200 s):

* **ours**: ``solve_oned(X, y, β)`` (this checkout);
* **baseline**: ``solve_convex(X, y, β, bias=True)`` of commit ``09aca20`` (the pre-session code, extracted with
  ``_harness.baseline_checkout`` and run in the same session), enumeration included;
* **cvxpy**: cvxpy + Clarabel over the explicit 2n half-lines (built by comparisons), tolerances 1e-10, for
  n ≤ 400 only (the model has 4n² cone rows).

Columns: seconds (the worker's own solve time), neurons (``card(W)``; for cvxpy the slots above 1e-6 of the
largest), ``rel_gap`` and ``certified`` (the solver's own certificate: ``certified`` and ``rel_gap ≤ 1e-8``),
``dp*`` = relative difference of p* to ours, and the speed ratios baseline/ours and cvxpy/ours.

Usage::

    .venv/bin/python benchmarks/bench_oned.py [--quick] [--timeout S] [--sizes N ...] [--out PATH]

A plain-text table goes to stdout, JSON to ``benchmarks/results/oned.json`` (``oned-quick.json`` with
``--quick``), written atomically.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from _harness import ROOT, baseline_checkout, emit, machine_info, progress, run_child, write_json

RESULTS = ROOT / "benchmarks" / "results"
#: cvxpy's interior point spreads ~1e-9 mass over every slot: a slot above this fraction of the largest counts.
CVXPY_SLOT_RTOL = 1e-6
BASELINE_REV = "09aca20"
SIZES = [100, 400, 1000, 10_000]
QUICK_SIZES = [100, 400]
CVXPY_MAX_N = 400
TARGET_REL_GAP = 1e-8
GOAL_SECONDS = {10_000: 10.0}


def instance(n: int):
    import numpy as np

    rng = np.random.default_rng(2026 + n)
    x = rng.uniform(-2.0, 2.0, size=n)
    y = np.sin(3.0 * x) + 0.1 * rng.normal(size=n)
    return x[:, None], y, 1e-4 * n


def _solution_row(sol, seconds):
    return {"seconds": seconds, "neurons": int(sol.neurons), "rel_gap": float(sol.rel_gap), "p_star": float(sol.p_star),
            "certified": bool(sol.certified and sol.rel_gap <= TARGET_REL_GAP), "status": sol.status}


def worker(method: str, n: int) -> None:
    X, y, beta = instance(n)
    if method == "ours":
        from geom.convex.oned import solve_oned

        t0 = time.perf_counter()
        sol = solve_oned(X, y, beta)
        emit(_solution_row(sol, time.perf_counter() - t0))
    elif method == "baseline":
        import geom

        t0 = time.perf_counter()
        sol = geom.solve_convex(X, y, beta, bias=True)
        emit(_solution_row(sol, time.perf_counter() - t0))
    else:
        import cvxpy as cp
        import numpy as np

        t0 = time.perf_counter()
        x = X[:, 0]
        z = np.unique(x)
        pats = {tuple(x >= t) for t in z} | {tuple(x <= t) for t in z}
        P = np.array(sorted(pats), dtype=float)
        Xa = np.stack([x, np.ones(n)], axis=1)
        sys.path.insert(0, str(ROOT / "tests"))  # the tests' independent cvxpy model of (C)
        from _cvx_reference import reference_problem

        prob = reference_problem(cp, Xa, y, beta, P)
        U, V = sorted(prob.variables(), key=lambda v: v.id)  # created in this order
        prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
        norms = np.concatenate([np.linalg.norm(U.value, axis=1), np.linalg.norm(V.value, axis=1)])
        emit({"seconds": time.perf_counter() - t0, "neurons": int(np.sum(norms > CVXPY_SLOT_RTOL * norms.max())),
              "rel_gap": None, "p_star": float(prob.value), "certified": False, "status": str(prob.status)})


def _fmt(row, key, spec):
    if row is None:
        return "-"
    v = row.get(key)
    if v is None:
        return "-"
    return format(v, spec) if not isinstance(v, (bool, str)) else str(v)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=float, default=200.0)
    ap.add_argument("--sizes", type=int, nargs="+")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return 0
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    out = args.out or RESULTS / ("oned-quick.json" if args.quick else "oned.json")
    script = __file__
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline_checkout(BASELINE_REV, tmp)
        for n in sizes:
            entry = {"n": n, "beta": instance(n)[2]}
            runs = [("ours", None), ("baseline", base)] + ([("cvxpy", None)] if n <= CVXPY_MAX_N else [])
            for method, root in runs:
                progress(f"n={n} {method}")
                r = run_child(script, ["--worker", method, str(n)], args.timeout, root=root)
                entry[method] = dict(r["result"] or {}, run_status=r["status"], wall_s=r["wall_s"],
                                     peak_rss_mb=r["peak_rss_mb"], error=r["stderr"] or None)
            ours = entry["ours"]
            for method in ("baseline", "cvxpy"):
                other = entry.get(method)
                if other and other.get("seconds") and ours.get("seconds"):
                    other["speedup_ours"] = other["seconds"] / ours["seconds"]
                    other["dp_star"] = (other["p_star"] - ours["p_star"]) / max(1.0, abs(ours["p_star"]))
            goal = GOAL_SECONDS.get(n)
            if goal is not None:
                entry["goal_seconds"] = goal
                entry["goal_met"] = bool(ours.get("certified") and ours.get("seconds", float("inf")) <= goal)
            rows.append(entry)
    head = (f"{'n':>6} {'beta':>6} | {'ours s':>7} {'neur':>5} {'rel_gap':>9} {'cert':>5} | {'base s':>8} {'neur':>5} "
            f"{'rel_gap':>9} {'cert':>5} {'x':>6} {'dp*':>9} | {'cvxpy s':>8} {'neur':>5} {'x':>6} {'dp*':>9}")
    print(head)
    print("-" * len(head))
    for e in rows:
        o, b, c = e["ours"], e["baseline"], e.get("cvxpy")
        bs = _fmt(b, "seconds", "8.2f") if b["run_status"] == "ok" else b["run_status"]
        cs = (_fmt(c, "seconds", "8.2f") if c["run_status"] == "ok" else c["run_status"]) if c else "-"
        print(f"{e['n']:>6} {e['beta']:>6.3g} | {_fmt(o, 'seconds', '7.2f'):>7} {_fmt(o, 'neurons', 'd'):>5} "
              f"{_fmt(o, 'rel_gap', '9.1e'):>9} {_fmt(o, 'certified', ''):>5} | {bs:>8} {_fmt(b, 'neurons', 'd'):>5} "
              f"{_fmt(b, 'rel_gap', '9.1e'):>9} {_fmt(b, 'certified', ''):>5} {_fmt(b, 'speedup_ours', '6.1f'):>6} "
              f"{_fmt(b, 'dp_star', '9.1e'):>9} | {cs:>8} {_fmt(c, 'neurons', 'd'):>5} "
              f"{_fmt(c, 'speedup_ours', '6.1f'):>6} {_fmt(c, 'dp_star', '9.1e'):>9}")
    for e in rows:
        if "goal_met" in e:
            print(f"goal n={e['n']}: certified in ≤ {e['goal_seconds']:g} s: {'met' if e['goal_met'] else 'not met'}")
    write_json(out, {"benchmark": "oned", "baseline": BASELINE_REV, "timeout_s": args.timeout,
                     "target_rel_gap": TARGET_REL_GAP, "machine": machine_info(), "rows": rows})
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
