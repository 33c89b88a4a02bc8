"""Benchmark of the optimal polytope and the staircase (``geom.optimal_polytope``, ``geom.staircase``).

What is measured, per instance, in a fresh subprocess (peak RSS = ``ru_maxrss`` of that child from
``os.wait4``, :mod:`_harness`; the RSS after each stage, ``ru_maxrss`` of the worker itself, is kept too):

* **patterns**: ``enumerate_patterns(X, bias=…, ties="regions")``;
* **solve**: ``solve_convex(X, y, β, bias=…, interpolate=…, patterns=P)``;
* **polytope**: ``optimal_polytope(sol)`` (tightness, deduplication, ``A``, ``c̄``, pruning, cddlib vertices and
  edges, merging and checks); its ``K`` (columns), ``rank A``, vertex and edge counts, ``m*``, ``M*``, status;
  before it, untimed in the pipeline, the tightness decision and deduplication alone (internal
  ``geom.polytope.tightness``) so that ``K`` is known even when the vertex step runs past the time limit;
* **staircase**: ``staircase(Q)`` (every ``m`` from ``m*`` to ``n + 2``: counts, the lifted brute force where it
  has at most 20,000 nodes, the promised paths), and, first, ``staircase(Q, paths=False,
  lifted_max_nodes=0)`` alone (the reduced counts and ``G_m``) — the difference is lifted brute force + paths;
* **pipeline** = patterns + solve + polytope + full staircase.  Goal (issue 7, §4): ≤ 10 s for every instance
  with at most 10³ vertices (``yes`` / ``no``; ``n/a`` above 10³ vertices; ``?`` when it timed out before the
  vertex count was known).

Two comparisons in the same run, each in its own subprocess:

* **vertex step**: ``exact_vertices`` (cddlib, the step inside ``optimal_polytope``) re-timed alone on the
  polytope's ``A`` and a vertex, against ``brute_force_vertices`` (every column subset of size ≤ rank, edges by
  the rank test), where the subset count is at most ``BRUTE_MAX_SUBSETS``; the brute force gets
  ``--brute-timeout`` seconds (default 60).  ``brute/cdd`` is the time ratio; ``same`` says whether both found
  the same vertex supports and the same edges.
* **exact vs float**: ``symbolic_polytope`` (sympy number fields, every decision exact) on the instances with
  exact data (regular 3- to 6-gons, docs/theory.md §I), timed against the float polytope (patterns + solve + polytope);
  ``exact=float`` compares ``K``, the vertex and edge counts, ``m*``, ``M*`` and the support-size counts.

Instances (name: builder; the seed is fixed by the name):

* ``polygon-N``: the vertices of a regular N-gon (unit circle), ``y = 1``, ``β = 0.5``, no bias (odd N gives
  many vertices);
* ``tailsum-n``: ``geom.tail_sum_instance(n, seed=0)``, bias, interpolation limit (docs/theory.md §G.2: a
  continuum of optimal interpolators);
* ``oned-n-β``: ``x`` sorted ``N(0, 1)``, ``y = sin(3x) + 0.1 N(0, 1)`` (seed ``2026 + n``), bias, weight decay β;
* ``solid-NAME``: the vertices of a Platonic/Archimedean solid (unit sphere, d = 3), ``y = 1``, ``β = 0.5``;
  the family with many tight directions (icosidodecahedron: K = 120);
* ``spec-I…``: docs/theory.md §I (float and exact).

Instances in ``PROBES`` (found beyond reach in trial runs) get ``PROBE_TIMEOUT_S`` only: enough to record ``K``
and the step that does not finish.

Usage::

    .venv/bin/python benchmarks/bench_polytope.py [--quick] [--instances NAME ...] [--timeout S]
        [--brute-timeout S] [--no-exact] [--out PATH]

A plain-text table goes to stdout; JSON to ``benchmarks/results/polytope.json`` (written atomically).
Progress lines go to stderr only when it is a terminal.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROOT, emit, machine_info, maxrss_mb, progress, run_child, write_json

DEFAULT_OUT = ROOT / "benchmarks" / "results" / "polytope.json"

FULL = (["polygon-3", "polygon-4", "polygon-5", "polygon-6", "polygon-7", "polygon-9", "polygon-11", "polygon-12",
         "polygon-13", "polygon-16", "polygon-20", "polygon-24", "polygon-40"]
        + [f"tailsum-{n}" for n in (5, 10, 20, 40)]
        + [f"oned-{n}-{b}" for n in (20, 50, 100) for b in ("0.01", "0.1")]
        + ["solid-octahedron", "solid-cube", "solid-icosahedron", "solid-cuboctahedron", "solid-dodecahedron",
           "solid-icosidodecahedron"]
        + ["spec-I1", "spec-I1b", "spec-I2", "spec-I3", "spec-I4", "spec-I7", "spec-I7b"])
QUICK = ["polygon-3", "polygon-5", "polygon-7", "tailsum-10", "oned-20-0.1", "solid-icosahedron", "spec-I2"]
#: Instances whose exact data are timed with ``symbolic_polytope`` (the "exact" column).
EXACT_NAMES = {"polygon-3", "polygon-4", "polygon-5", "polygon-6", "spec-I1", "spec-I1b", "spec-I2", "spec-I3",
               "spec-I4", "spec-I7", "spec-I7b"}
PIPELINE_TIMEOUT_S = 300.0
#: Instances known (from trial runs) to be far beyond reach: run only long enough to record ``K`` (the tightness
#: pre-pass) and the step that does not finish, under ``PROBE_TIMEOUT_S``.
PROBES = {"polygon-24", "polygon-40", "solid-icosidodecahedron"}
PROBE_TIMEOUT_S = 60.0
EXACT_TIMEOUT_S = 300.0
BRUTE_TIMEOUT_S = 60.0
#: Largest number of column subsets (``Σ_{s ≤ rank} C(K, s)``) tried by the brute-force vertex comparison.
BRUTE_MAX_SUBSETS = 2 * 10**6
GOAL_SECONDS = 10.0
GOAL_MAX_VERTICES = 1000


# ---- instances ---------------------------------------------------------------------------------------------

PHI = "((1 + sqrt(5))/2)"

#: docs/theory.md §I: (X, y, β, bias) as exact strings.
SPEC = {
    "I1": ([["-1"], ["1"]], ["1", "2"], "1/2", False),
    "I1b": ([["-1"], ["1"]], ["1", "2"], "3/2", False),
    "I2": ([["1", "0"], ["-1/2", "sqrt(3)/2"]], ["1", "1"], "1/2", False),
    "I3": ([["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], ["2", "1", "-1"], "1/2", False),
    "I4": ([["-1/5", "1"], ["1", "1"]], ["1/2", "1"], "1/10", False),
    "I7": ([["-1"], ["0"], ["1"]], ["0", "1", "0"], "1/10", True),
    "I7b": ([["-1"], ["0"], ["1"]], ["1", "0", "1"], "1/10", True),
}


def _solid_points(name: str) -> list[tuple[str, str, str]]:
    """Vertices of a solid as exact strings (before normalization to the unit sphere)."""
    signs = (-1, 1)

    def cyc(v):
        return [tuple(v[(i + r) % 3] for i in range(3)) for r in range(3)]

    def sgn(s, e):
        return f"({s})*({e})" if e != "0" else "0"

    pts = []
    if name == "octahedron":
        for i in range(3):
            for s in signs:
                pts.append(tuple(str(s) if j == i else "0" for j in range(3)))
    elif name == "cube":
        pts = [tuple(map(str, p)) for p in itertools.product(signs, repeat=3)]
    elif name == "cuboctahedron":
        for i, j in itertools.combinations(range(3), 2):
            for a, b in itertools.product(signs, signs):
                v = ["0"] * 3
                v[i], v[j] = str(a), str(b)
                pts.append(tuple(v))
    elif name == "icosahedron":
        for a, b in itertools.product(signs, signs):
            pts += cyc(["0", str(a), sgn(b, PHI)])
    elif name == "dodecahedron":
        pts = [tuple(map(str, p)) for p in itertools.product(signs, repeat=3)]
        for a, b in itertools.product(signs, signs):
            pts += cyc(["0", sgn(a, f"1/{PHI}"), sgn(b, PHI)])
    elif name == "icosidodecahedron":
        for s in signs:
            pts += cyc(["0", "0", sgn(s, PHI)])
        for a, b, c in itertools.product(signs, repeat=3):
            pts += cyc([sgn(a, "1/2"), sgn(b, f"{PHI}/2"), sgn(c, f"({PHI})**2/2")])
    else:
        raise ValueError(f"unknown solid {name!r}")
    return pts


def _num(s: str) -> float:
    import sympy as sp

    return float(sp.N(sp.sympify(s), 30))


def build_instance(name: str) -> dict:
    """``{"X", "y", "beta", "bias", "interpolate", "info", "exact"}`` for an instance name.

    ``exact`` is ``(X, y, β, bias)`` as exact strings for :func:`geom.symbolic_polytope`, or ``None``.
    """
    import numpy as np

    import geom

    kind, _, arg = name.partition("-")
    if kind == "polygon":
        N = int(arg)
        t = 2 * np.pi * np.arange(N) / N
        X = np.c_[np.cos(t), np.sin(t)]
        exact = ([[f"cos(2*pi*{k}/{N})", f"sin(2*pi*{k}/{N})"] for k in range(N)], ["1"] * N, "1/2", False)
        return {"X": X, "y": np.ones(N), "beta": 0.5, "bias": False, "interpolate": False, "exact": exact,
                "info": {"family": "regular polygon", "seed": None}}
    if kind == "tailsum":
        n = int(arg)
        X, y = geom.tail_sum_instance(n, seed=0)
        return {"X": X, "y": y, "beta": 0.0, "bias": True, "interpolate": True, "exact": None,
                "info": {"family": "tail-sum continuum (§G.2)", "seed": 0}}
    if kind == "oned":
        n_s, b_s = arg.split("-", 1)
        n, seed = int(n_s), 2026 + int(n_s)
        rng = np.random.default_rng(seed)
        x = np.sort(rng.standard_normal(n))
        y = np.sin(3 * x) + 0.1 * rng.standard_normal(n)
        return {"X": x[:, None], "y": y, "beta": float(b_s), "bias": True, "interpolate": False, "exact": None,
                "info": {"family": "1-D + bias, sin(3x) + noise", "seed": seed}}
    if kind == "solid":
        import sympy as sp

        pts = _solid_points(arg)
        exact_rows = []
        for p in pts:
            norm = sp.sqrt(sum(sp.sympify(c) ** 2 for c in p))
            exact_rows.append([f"({c})/({norm})" for c in p])
        X = np.array([[_num(c) for c in p] for p in pts])
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        N = len(pts)
        return {"X": X, "y": np.ones(N), "beta": 0.5, "bias": False, "interpolate": False,
                "exact": (exact_rows, ["1"] * N, "1/2", False), "info": {"family": f"{arg} (d = 3)", "seed": None}}
    if kind == "spec":
        Xs, ys, bs, bias = SPEC[arg]
        X = np.array([[_num(c) for c in row] for row in Xs])
        return {"X": X, "y": np.array([_num(v) for v in ys]), "beta": _num(bs), "bias": bias, "interpolate": False,
                "exact": (Xs, ys, bs, bias), "info": {"family": "docs/theory.md §I", "seed": None}}
    raise ValueError(f"unknown instance {name!r}")


# ---- workers (run in fresh subprocesses) -----------------------------------------------------------------

def _warm_up() -> None:
    """Run the whole pipeline once on docs/theory.md I2 (lazy imports of cdd, scipy, networkx), untimed."""
    import numpy as np

    import geom

    X = np.array([[1.0, 0.0], [-0.5, np.sqrt(3) / 2]])
    Q = geom.optimal_polytope(geom.solve_convex(X, np.array([1.0, 1.0]), 0.5))
    geom.staircase(Q)


def worker_pipeline(name: str, save: str) -> dict:
    import numpy as np

    import geom

    inst = build_instance(name)
    X, y, beta, bias, interp = inst["X"], inst["y"], inst["beta"], inst["bias"], inst["interpolate"]
    _warm_up()
    out = {"baseline_rss_mb": maxrss_mb(), "stage": "start"}
    t0 = time.perf_counter()
    P = geom.enumerate_patterns(X, bias=bias, ties="regions")
    out.update(patterns_s=time.perf_counter() - t0, n_patterns=P.count, patterns_rss_mb=maxrss_mb(),
               stage="patterns")
    emit(out)
    t0 = time.perf_counter()
    sol = geom.solve_convex(X, y, beta, bias=bias, interpolate=interp, patterns=P)
    out.update(solve_s=time.perf_counter() - t0, solve_status=sol.status, solve_certified=bool(sol.certified),
               p_star=float(sol.p_star), solve_rss_mb=maxrss_mb(), stage="solve")
    emit(out)
    # K before the vertex step (internal API; untimed in the pipeline): known even if the vertex step times out
    try:
        from geom.nets import augment
        from geom.polytope.tightness import columns_from_pairs, decide_tightness

        t0 = time.perf_counter()
        Xa = augment(sol.X, sol.bias)
        tight = decide_tightness(sol, Xa, geom.DEFAULT_TOLERANCES)
        dirs = columns_from_pairs(Xa, tight.pairs, tight.directions, geom.DEFAULT_TOLERANCES)[0]
        out.update(tightness_s=time.perf_counter() - t0, K_pre=int(len(dirs)), tight_pairs_pre=int(len(tight.pairs)))
    except Exception as e:  # noqa: BLE001 - an internal API that may move; the benchmark goes on without it
        out.update(tightness_s=None, K_pre=None, tightness_error=f"{type(e).__name__}: {e}")
    out["stage"] = "tightness"
    emit(out)
    t0 = time.perf_counter()
    Q = geom.optimal_polytope(sol)
    out.update(polytope_s=time.perf_counter() - t0, status=Q.status, reason=Q.reason, K=Q.K, rank=int(Q.rank),
               vertices=len(Q.vertices), edges=len(Q.edges), m_star=Q.m_star, M_star=Q.M_star,
               support_counts={str(k): v for k, v in sorted(Q.support_counts.items())},
               raw_vertices=Q.stats.get("raw_vertices"), vertex_method=Q.stats.get("vertex_method"),
               polish_rounds=Q.stats.get("polish_rounds"), polytope_rss_mb=maxrss_mb(), stage="polytope")
    emit(out)
    if Q.vertices:
        np.savez(save, A=Q.A, y_star=Q.y_star, c0=Q.vertices[0].coefficients, rank=Q.rank,
                 supports=np.array([",".join(map(str, v.support)) for v in Q.vertices]),
                 edges=np.array(Q.edges, dtype=np.int64).reshape(-1, 2))
    t0 = time.perf_counter()
    S0 = geom.staircase(Q, paths=False, lifted_max_nodes=0)
    out.update(staircase_counts_s=time.perf_counter() - t0, stage="staircase-counts")
    emit(out)
    t0 = time.perf_counter()
    S = geom.staircase(Q)
    out.update(staircase_s=time.perf_counter() - t0, staircase_status=S.status, staircase_reason=S.reason,
               verdicts=S.verdicts(), m_max=Q.n + 2, widths=len(S.steps),
               lifted_widths=[s.m for s in S.steps if s.lifted is not None],
               counts_agree=[(a.components, a.isolated) for a in S0.steps] == [(b.components, b.isolated)
                                                                               for b in S.steps],
               staircase_rss_mb=maxrss_mb(), stage="done")
    out["pipeline_s"] = out["patterns_s"] + out["solve_s"] + out["polytope_s"] + out["staircase_s"]
    return out


def worker_vertices(load: str) -> dict:
    """cddlib (``exact_vertices``) then the brute force on the same ``A``, ``b``; emits after each."""
    import numpy as np

    import geom
    from geom.polytope.vertices import exact_vertices

    z = np.load(load)
    A, c0, rank = z["A"], z["c0"], int(z["rank"])
    b = A @ c0
    tol = geom.DEFAULT_TOLERANCES
    exact_vertices(np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]]), np.array([0.0, 0.0, 1.0]), tol, rank=2)  # warm-up
    t0 = time.perf_counter()
    vs = exact_vertices(A, c0, tol, rank=rank)
    out = {"cdd_s": time.perf_counter() - t0, "cdd_vertices": len(vs.vertices), "cdd_edges": len(vs.edges)}
    emit(out)
    total = sum(math.comb(A.shape[1], s) for s in range(1, rank + 1))
    t0 = time.perf_counter()
    bf = geom.brute_force_vertices(A, b, tol, rank=rank, max_subsets=max(total, 1))
    out.update(brute_s=time.perf_counter() - t0, brute_vertices=len(bf.vertices), brute_edges=len(bf.edges),
               subsets=total)

    def key(v):
        return tuple(int(i) for i in v.support)

    cdd_sup = [key(v) for v in vs.vertices]
    bf_sup = [key(v) for v in bf.vertices]
    cdd_e = {frozenset((cdd_sup[i], cdd_sup[j])) for i, j in vs.edges}
    bf_e = {frozenset((bf_sup[i], bf_sup[j])) for i, j in bf.edges}
    out["same"] = set(cdd_sup) == set(bf_sup) and cdd_e == bf_e
    return out


def worker_exact(name: str) -> dict:
    import geom

    sym = getattr(geom, "symbolic_polytope", None)
    if sym is None:
        from geom.polytope_symbolic import symbolic_polytope as sym
    Xs, ys, bs, bias = build_instance(name)["exact"]
    import sympy  # noqa: F401  - import cost not timed

    t0 = time.perf_counter()
    S = sym(Xs, ys, bs, bias=bias)
    seconds = time.perf_counter() - t0
    return {"exact_s": seconds, "K": S.n_columns, "vertices": len(S.vertices), "edges": len(S.edges),
            "m_star": S.m_star, "M_star": S.M_star, "rank": S.rank,
            "support_counts": {str(k): v for k, v in sorted(S.support_counts.items())},
            "number_field": S.number_field, "p_star": float(S.p_star.evalf(30)), "self_peak_rss_mb": maxrss_mb()}


def run_worker(args) -> int:
    if args.worker == "pipeline":
        out = worker_pipeline(args.instance, args.save)
    elif args.worker == "vertices":
        out = worker_vertices(args.load)
    elif args.worker == "exact":
        out = worker_exact(args.instance)
    else:
        raise ValueError(args.worker)
    emit(out)
    return 0


# ---- parent ----------------------------------------------------------------------------------------------

def exact_available() -> tuple[bool, str]:
    """Whether ``symbolic_polytope`` imports (it lives in ``geom.polytope.symbolic``, formerly
    ``geom/polytope_symbolic.py``)."""
    try:
        import geom

        if getattr(geom, "symbolic_polytope", None) is not None:
            return True, ""
        from geom.polytope_symbolic import symbolic_polytope  # noqa: F401
        return True, ""
    except Exception as e:  # noqa: BLE001 - any failure means "not available", with its reason
        return False, f"{type(e).__name__}: {e}"


def bench_instance(name: str, args, tmpdir: str, use_exact: bool) -> dict:
    inst = build_instance(name)
    n, d = inst["X"].shape
    row = {"instance": name, "n": int(n), "d": int(d), "bias": inst["bias"], "beta": inst["beta"],
           "interpolate": inst["interpolate"], **inst["info"]}
    save = os.path.join(tmpdir, f"{name}.npz")
    progress(f"{name}: pipeline")
    limit = min(args.timeout, PROBE_TIMEOUT_S) if name in PROBES else args.timeout
    row["limit_s"] = limit
    r = run_child(__file__, ["--worker", "pipeline", "--instance", name, "--save", save], limit)
    row["run_status"] = r["status"]
    row["peak_rss_mb"] = r["peak_rss_mb"]
    row["wall_s"] = r["wall_s"]
    res = r["result"] or {}
    row.update(res)
    if r["status"] == "ok" and res.get("timed_out_after_result"):
        row["run_status"] = "timeout"
        row["timed_out_in"] = {"start": "patterns", "patterns": "solve", "solve": "tightness",
                               "tightness": "polytope", "polytope": "staircase (counts)",
                               "staircase-counts": "staircase"}.get(res.get("stage"), res.get("stage"))
    if r["status"] == "error":
        row["error"] = r["stderr"]
    # goal: pipeline ≤ 10 s for every instance with ≤ 10³ vertices
    if row.get("pipeline_s") is not None:
        if row["vertices"] > GOAL_MAX_VERTICES:
            row["goal"] = "n/a"
        else:
            row["goal"] = "yes" if row["pipeline_s"] <= GOAL_SECONDS else "no"
    elif row.get("vertices") is not None and row["vertices"] > GOAL_MAX_VERTICES:
        row["goal"] = "n/a"
    elif row["run_status"] == "timeout" and row.get("vertices") is not None:
        row["goal"] = "no"  # at most 10³ vertices and the pipeline ran past the limit
    else:
        row["goal"] = "?"
    # vertex step: cdd vs brute force
    row["brute"] = None
    if os.path.exists(save) and not args.no_brute:
        import numpy as np

        z = np.load(save)
        K, rank = z["A"].shape[1], int(z["rank"])
        total = sum(math.comb(K, s) for s in range(1, rank + 1))
        if total > BRUTE_MAX_SUBSETS:
            row["brute"] = {"status": "skipped", "subsets": total, "why": f"{total} subsets > {BRUTE_MAX_SUBSETS}"}
        else:
            progress(f"{name}: cdd vs brute force ({total} subsets)")
            limit = args.brute_timeout + 2.0 * (row.get("polytope_s") or 0.0) + 10.0
            v = run_child(__file__, ["--worker", "vertices", "--load", save], limit)
            b = {"status": v["status"], "subsets": total, "peak_rss_mb": v["peak_rss_mb"]}
            if v["result"]:
                b.update(v["result"])
            if b.get("brute_s") is None and v["status"] == "ok":
                b["status"] = "timeout"
            elif b.get("brute_s") is not None and b["brute_s"] > args.brute_timeout:
                b["status"] = "over limit"  # finished, but beyond the stated minute
            if v["status"] == "error":
                b["error"] = v["stderr"]
            if b.get("brute_s") is not None and b.get("cdd_s"):
                b["ratio"] = b["brute_s"] / b["cdd_s"]
            row["brute"] = b
    # exact vs float
    row["exact"] = None
    if name in EXACT_NAMES:
        if not use_exact:
            row["exact"] = {"status": "not available"}
        else:
            progress(f"{name}: exact (symbolic_polytope)")
            e = run_child(__file__, ["--worker", "exact", "--instance", name], EXACT_TIMEOUT_S)
            ex = {"status": e["status"], "peak_rss_mb": e["peak_rss_mb"]}
            if e["result"]:
                ex.update(e["result"])
                keys = ("K", "vertices", "edges", "m_star", "M_star", "support_counts")
                ex["equals_float"] = all(ex.get(k) == row.get(k) for k in keys)
                ex["differs"] = [k for k in keys if ex.get(k) != row.get(k)]
                fl = sum(row.get(k) or 0.0 for k in ("patterns_s", "solve_s", "polytope_s"))
                ex["float_s"] = fl
                ex["ratio"] = ex["exact_s"] / fl if fl > 0 else None
            if e["status"] == "error":
                ex["error"] = e["stderr"]
            row["exact"] = ex
    return row


def _fmt(v, spec="", none="-"):
    return none if v is None else format(v, spec)


def _brute_cells(b):
    if b is None:
        return ["-", "-", "-"]
    if b["status"] == "skipped":
        return [_fmt(b.get("cdd_s"), ".2f"), "skip", "-"]
    cdd = _fmt(b.get("cdd_s"), ".2f")
    if b.get("brute_s") is None:
        return [cdd, b["status"], "-"]
    same = "" if b.get("same") else "!"
    return [cdd, f"{b['brute_s']:.2f}", f"{b['ratio']:.3g}x{same}" if b.get("ratio") else "-"]


def _exact_cells(e):
    if e is None:
        return ["-", "-"]
    if e["status"] != "ok":
        return [e["status"], "-"]
    return [f"{e['exact_s']:.2f}", "yes" if e["equals_float"] else "NO:" + ",".join(e["differs"])]


def _status_cell(r):
    if r["run_status"] == "error":
        return "error"
    if r["run_status"] == "timeout" and r.get("status") is None:
        return f"timeout({r.get('timed_out_in', '?')})"
    s = {"certified": "cert", "inconclusive": "inconcl", "not applicable": "n/a"}.get(r.get("status"), "?")
    return s + ("+timeout" if r["run_status"] == "timeout" else "")


def render_table(rows: list[dict]) -> str:
    head = ["instance", "n", "d", "K", "rank", "verts", "edges", "m*", "M*", "status", "patt s", "solve s", "poly s",
            "stair0 s", "stair s", "pipe s", "peak MB", "<=10s", "cdd s", "brute s", "brute/cdd", "exact s",
            "exact=float"]
    lines = []
    for r in rows:
        K = r.get("K") if r.get("K") is not None else r.get("K_pre")
        Kc = _fmt(K) + ("" if r.get("K") is not None or K is None else "(pre)")
        cells = [r["instance"], str(r["n"]), str(r["d"] + (1 if r["bias"] else 0)), Kc, _fmt(r.get("rank")),
                 _fmt(r.get("vertices"), ","), _fmt(r.get("edges"), ","), _fmt(r.get("m_star")),
                 _fmt(r.get("M_star")), _status_cell(r), _fmt(r.get("patterns_s"), ".2f"),
                 _fmt(r.get("solve_s"), ".2f"), _fmt(r.get("polytope_s"), ".2f"),
                 _fmt(r.get("staircase_counts_s"), ".2f"), _fmt(r.get("staircase_s"), ".2f"),
                 _fmt(r.get("pipeline_s"), ".2f"), _fmt(r.get("peak_rss_mb"), ".0f"), r["goal"],
                 *_brute_cells(r.get("brute")), *_exact_cells(r.get("exact"))]
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(head)]
    out = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(head, widths)))]
    out.append("  ".join("-" * w for w in widths))
    for c in lines:
        out.append("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(c, widths))))
    out.append("d counts the bias column.  K(pre): columns from the tightness pre-pass (the polytope did not finish).  "
               "stair0 = staircase(paths=False, lifted_max_nodes=0); stair = full staircase (m* .. n+2).  "
               "pipe = patterns + solve + poly + stair.  peak MB = ru_maxrss (MiB) of the pipeline's fresh "
               "subprocess.  <=10s: pipeline goal for <= 1000 vertices.  cdd s: exact_vertices re-timed alone; "
               "brute/cdd: brute_force_vertices time ratio ('!' = different vertices or edges).  exact s: "
               "symbolic_polytope; exact=float: same K, vertices, edges, m*, M*, support counts.")
    return "\n".join(out)


def check_notes(rows: list[dict]) -> list[str]:
    notes = []
    for r in rows:
        name = r["instance"]
        if r["run_status"] == "error":
            notes.append(f"{name}: pipeline error: {r.get('error', '')}")
        if r["run_status"] == "timeout":
            notes.append(f"{name}: pipeline timed out in the {r.get('timed_out_in', '?')} step "
                         f"(limit {r.get('limit_s', '?')} s)")
        if r.get("status") == "inconclusive":
            notes.append(f"{name}: polytope inconclusive: {r.get('reason', '')}")
        if r.get("K_pre") is not None and r.get("K") is not None and r["K_pre"] != r["K"]:
            notes.append(f"{name}: K of the pre-pass {r['K_pre']} != polytope K {r['K']} (re-polished?)")
        if r.get("counts_agree") is False:
            notes.append(f"{name}: staircase counts differ between paths=False and the full call")
        if r.get("staircase_status") == "certified":
            bad = {k: v for k, v in r.get("verdicts", {}).items() if v not in ("holds", "not applicable")}
            if bad:
                notes.append(f"{name}: staircase verdicts {bad}")
        b = r.get("brute")
        if b and b.get("brute_s") is not None and not b.get("same"):
            notes.append(f"{name}: brute force ({b['brute_vertices']} vertices, {b['brute_edges']} edges) != cdd "
                         f"({b['cdd_vertices']}, {b['cdd_edges']})")
        if b and b.get("status") == "error":
            notes.append(f"{name}: vertex comparison error: {b.get('error', '')}")
        e = r.get("exact")
        if e and e.get("status") == "ok" and not e["equals_float"]:
            notes.append(f"{name}: exact polytope differs from the float one in {e['differs']}")
        if e and e.get("status") not in (None, "ok", "not available"):
            notes.append(f"{name}: exact {e['status']}: {e.get('error', '')}")
    return notes


def goals(rows: list[dict]) -> dict:
    per = {r["instance"]: r["goal"] for r in rows}
    judged = {k: v for k, v in per.items() if v in ("yes", "no")}
    return {"pipeline_le_10s_for_le_1000_vertices": {
        "limit_seconds": GOAL_SECONDS, "max_vertices": GOAL_MAX_VERTICES, "per_instance": per,
        "met_all": bool(judged) and all(v == "yes" for v in judged.values()),
        "undetermined": [k for k, v in per.items() if v == "?"]}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small instances only (smoke run, < 1 minute)")
    ap.add_argument("--instances", nargs="+", metavar="NAME", help="instance names (default: all of the mode)")
    ap.add_argument("--timeout", type=float, default=PIPELINE_TIMEOUT_S,
                    help=f"per-instance limit of the pipeline subprocess, s (default {PIPELINE_TIMEOUT_S:g})")
    ap.add_argument("--brute-timeout", type=float, default=BRUTE_TIMEOUT_S,
                    help=f"time allowed to the brute-force vertex search, s (default {BRUTE_TIMEOUT_S:g})")
    ap.add_argument("--no-brute", action="store_true", help="skip the cdd vs brute-force comparison")
    ap.add_argument("--no-exact", action="store_true", help="skip symbolic_polytope")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON output (default {DEFAULT_OUT})")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--instance", help=argparse.SUPPRESS)
    ap.add_argument("--save", help=argparse.SUPPRESS)
    ap.add_argument("--load", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.worker:
        return run_worker(args)

    names = args.instances or (QUICK if args.quick else FULL)
    for nm in names:
        build_instance(nm)  # unknown names fail here, before anything runs
    if args.no_exact:
        use_exact, exact_reason = False, "disabled by --no-exact"
    else:
        use_exact, exact_reason = exact_available()
        if not use_exact:
            print(f"note: exact mode not available: {exact_reason}", file=sys.stderr)
    info = machine_info(sympy=_version("sympy"), pycddlib=_version("pycddlib"), networkx=_version("networkx"))
    t0 = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_polytope_") as tmpdir:
        for name in names:
            rows.append(bench_instance(name, args, tmpdir, use_exact))
    total = time.perf_counter() - t0
    info["loadavg_at_end"] = list(os.getloadavg())
    info["git_commit_end"] = machine_info()["git_commit"]
    notes = check_notes(rows)
    payload = {"benchmark": "polytope", "mode": "quick" if args.quick else ("custom" if args.instances else "full"),
               "command": " ".join([os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT))
                                    else sys.executable, "benchmarks/bench_polytope.py", *(argv or sys.argv[1:])]),
               "machine": info, "limits": {"pipeline_s": args.timeout, "brute_s": args.brute_timeout,
                                           "brute_max_subsets": BRUTE_MAX_SUBSETS, "exact_s": EXACT_TIMEOUT_S},
               "exact": {"available": use_exact, "reason": exact_reason or None},
               "units": {"*_s": "wall-clock s", "peak_rss_mb": "MiB, ru_maxrss of the fresh pipeline subprocess "
                         "(os.wait4); *_rss_mb: ru_maxrss of the worker after that stage",
                         "brute.ratio": "brute_force_vertices s / exact_vertices (cdd) s",
                         "exact.ratio": "symbolic_polytope s / float (patterns + solve + polytope) s"},
               "rows": rows, "goals": goals(rows), "notes": notes, "total_seconds": total}
    write_json(args.out, payload)
    print(f"relu-landscape polytope + staircase benchmark ({payload['mode']}); nproc={info['nproc']}, "
          f"python {info['python']}, numpy {info['numpy']}, pycddlib {info['pycddlib']}, commit "
          f"{info['git_commit'][:10]}{' (dirty)' if info['git_dirty'] else ''}; exact mode: "
          f"{'symbolic_polytope' if use_exact else 'not available (' + exact_reason + ')'}")
    print(render_table(rows))
    g = payload["goals"]["pipeline_le_10s_for_le_1000_vertices"]
    no = [k for k, v in g["per_instance"].items() if v == "no"]
    print(f"goal pipeline <= {GOAL_SECONDS:g} s for <= {GOAL_MAX_VERTICES} vertices: "
          f"{('MET' if g['met_all'] else 'NOT MET') if any(v in ('yes', 'no') for v in g['per_instance'].values()) else 'UNDETERMINED'}" + (f" (fails: {', '.join(no)})" if no else "")
          + (f"; undetermined: {', '.join(g['undetermined'])}" if g["undetermined"] else ""))
    for n in notes:
        print("NOTE: " + n)
    print(f"total {total:.0f} s; JSON: {os.path.relpath(args.out, Path.cwd())}")
    return 0


def _version(pkg: str) -> str | None:
    from _harness import package_version

    return package_version(pkg)


if __name__ == "__main__":
    sys.exit(main())
