"""Benchmark of exact activation-pattern enumeration (``geom.enumerate_patterns``).

What is measured, per instance (docs/theory.md §B.2 for the expected counts):

* **ours**: ``enumerate_patterns(X)`` (``ties="geq"``) in a fresh subprocess; wall-clock seconds of the call,
  certified patterns per second, and the peak resident set size of that subprocess (``ru_maxrss`` of the child
  from ``os.wait4``, so earlier or larger runs never pollute the number);
* **SageMath** (optional, ``passagemath-polyhedra``): ``HyperplaneArrangements(QQ, names)`` built from the exact
  rationals of the float64 data (docs/theory.md §B.2), then ``regions()`` and ``n_regions()``, each in its own
  subprocess under ``--timeout`` (reported as ``"timeout"`` otherwise); the arrangement is built before the
  clock starts;
* **Gaussian sampling** (``geom.sample_patterns``, fixed seed) with 10^5 and 10^6 directions: the recall
  against the exact pattern set (``geom.pattern_recall``), and the number of sampled patterns missing from the
  exact set (always 0 if the exact set is right: every sampled pattern is genuine).

Instances: Gaussian data (200,3), (400,3), (800,3), (100,4), (200,4), (40,5), (100,5), (25,7) with seed
``2026 + 10 n + d`` (the convention of ``cases/arrangements.py``) and the resonance arrangement d = 4, 5, 6
(370; 11,292; 1,066,044 regions).
Goals: resonance d = 6 exact and fully certified in ≤ 20 s with peak memory ≤ 2 GB (2048 MiB); issue 9 (memory
O(output)): (800,3) ≤ 10 s and ≤ 1 GiB, (200,4) ≤ 20 s, (100,5) ≤ 60 s and ≤ 4 GiB, resonance d = 6 ≥ 3.5×
faster than the baseline commit (``--baseline REV``, the same worker from that commit's tree in the same run,
under ``--baseline-timeout``).

Usage::

    .venv/bin/python benchmarks/bench_patterns.py [--quick] [--no-sage] [--timeout S] [--out PATH]
        [--instances A,B] [--baseline REV [--baseline-timeout S]] [--no-sampling]

A plain-text table goes to stdout; JSON to ``benchmarks/results/patterns.json`` (written atomically).
Progress lines go to stderr only when it is a terminal.  Ratios are speed-ups: Sage seconds / our seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from math import comb
from pathlib import Path

from _harness import ROOT, baseline_checkout, emit, maxrss_mb, progress, run_child, write_json
from _harness import machine_info as harness_machine_info

DEFAULT_OUT = ROOT / "benchmarks" / "results" / "patterns.json"

FULL_GAUSSIAN = [(200, 3), (400, 3), (800, 3), (100, 4), (200, 4), (40, 5), (100, 5), (25, 7)]
FULL_RESONANCE = [4, 5, 6]
FULL_SAMPLES = [10**5, 10**6]
QUICK_GAUSSIAN = [(40, 3), (20, 4), (12, 5)]
QUICK_RESONANCE = [4]
QUICK_SAMPLES = [10**4, 10**5]
RESONANCE_REGIONS = {3: 32, 4: 370, 5: 11292, 6: 1066044}  # OEIS A034997
SAMPLE_SEED = 0
OURS_TIMEOUT_S = 1800.0
GOAL_D6_SECONDS = 20.0
GOAL_D6_PEAK_MB = 2048.0
GOAL_SPEEDUP_VS_REGIONS = 10.0
# issue 9: instance -> (max seconds, max peak MiB, min speed-up vs the baseline commit); None = no limit
GOALS_ISSUE9 = {"gaussian-800x3": (10.0, 1024.0, None), "gaussian-200x4": (20.0, None, None),
                "gaussian-100x5": (60.0, 4096.0, None), "resonance-6": (None, None, 3.5)}


# ---- instances ---------------------------------------------------------------------------------------------

def gaussian_seed(n: int, d: int) -> int:
    return 2026 + 10 * n + d


def instance_names(quick: bool) -> list[str]:
    gauss = QUICK_GAUSSIAN if quick else FULL_GAUSSIAN
    res = QUICK_RESONANCE if quick else FULL_RESONANCE
    return [f"gaussian-{n}x{d}" for n, d in gauss] + [f"resonance-{d}" for d in res]


def build_instance(name: str):
    """``(X, info)`` for an instance name; ``info`` holds the shape, seed and expected region count."""
    import numpy as np

    kind, arg = name.split("-", 1)
    if kind == "gaussian":
        n, d = map(int, arg.split("x"))
        seed = gaussian_seed(n, d)
        X = np.random.default_rng(seed).standard_normal((n, d))
        # Cover (1965): Gaussian rows are in general position with probability 1.
        expected = 2 * sum(comb(n - 1, k) for k in range(d))
        return X, {"n": n, "d": d, "seed": seed, "expected_regions": expected,
                   "expected_source": "Cover C(n, d)"}
    if kind == "resonance":
        from cases.arrangements import resonance_rows

        d = int(arg)
        X = resonance_rows(d)
        return X, {"n": int(X.shape[0]), "d": d, "seed": None, "expected_regions": RESONANCE_REGIONS.get(d),
                   "expected_source": "OEIS A034997"}
    raise ValueError(f"unknown instance {name!r}")


# ---- workers (run in fresh subprocesses) -----------------------------------------------------------------

def worker_ours(name: str, save: str) -> dict:
    import numpy as np

    import geom

    X, _ = build_instance(name)
    geom.enumerate_patterns([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # warm lazy imports, not timed
    baseline = maxrss_mb()
    t0 = time.perf_counter()
    P = geom.enumerate_patterns(X)
    seconds = time.perf_counter() - t0
    packed = getattr(P, "packed", None)  # the bit-packed form, where the code under test keeps one
    if packed is None:
        packed = np.packbits(P.patterns, axis=1)
    np.save(save, packed)
    ones = np.packbits(np.ones((1, X.shape[0]), bool), axis=1)
    all_ones = bool(np.any(np.all(packed == ones, axis=1)))
    return {"count": P.count, "regions": P.n_regions, "rank": P.rank, "certified": P.certified,
            "general_position": P.general_position, "count_certificate": P.count_certificate,
            "n_exact_checks": P.n_exact_checks, "seconds": seconds, "seconds_reported": P.seconds,
            "all_ones_present": all_ones, "baseline_rss_mb": baseline, "self_peak_rss_mb": maxrss_mb()}


def worker_sampling(name: str, exact_path: str, k: int) -> dict:
    import numpy as np

    import geom

    X, _ = build_instance(name)
    n = X.shape[0]
    exact = np.unpackbits(np.load(exact_path), axis=1, count=n).astype(bool)
    t0 = time.perf_counter()
    S = geom.sample_patterns(np.asarray(X, dtype=np.float64), k, seed=SAMPLE_SEED)
    seconds = time.perf_counter() - t0
    found = np.asarray(geom.to_numpy(S.patterns), dtype=bool)
    recall = geom.pattern_recall(found, exact)
    # Soundness cross-check: every sampled pattern is genuine, so it must be in the exact set.
    ek = set(_row_keys(exact))
    missing = sum(key not in ek for key in _row_keys(found))
    return {"k": k, "seed": SAMPLE_SEED, "found": S.count, "recall": recall, "seconds": seconds,
            "sampled_not_in_exact": int(missing)}


def _row_keys(P):
    import numpy as np

    packed = np.ascontiguousarray(np.packbits(P, axis=1))
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel().tolist()


def worker_sage(name: str, method: str) -> dict:
    from sage.all__sagemath_polyhedra import QQ
    from sage.geometry.hyperplane_arrangement.arrangement import HyperplaneArrangements

    X, _ = build_instance(name)
    d = X.shape[1]
    t0 = time.perf_counter()
    K = HyperplaneArrangements(QQ, tuple(f"x{i}" for i in range(d)))
    # Float input through exact rationals: QQ(float) would need sage.rings.real_mpfi (docs/theory.md §B.2).
    rows = [[[QQ(float(v).as_integer_ratio()) for v in r], 0] for r in X.tolist()]
    A = K(*rows)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    value = len(A.regions()) if method == "regions" else int(A.n_regions())
    seconds = time.perf_counter() - t0
    return {"regions": value, "seconds": seconds, "build_seconds": build, "self_peak_rss_mb": maxrss_mb()}


def run_worker(args) -> int:
    if args.worker == "ours":
        out = worker_ours(args.instance, args.save)
    elif args.worker == "sampling":
        out = worker_sampling(args.instance, args.exact, args.k)
    else:
        out = worker_sage(args.instance, args.worker.split("-", 1)[1])
    emit(out)
    return 0


# ---- parent: subprocess runner ---------------------------------------------------------------------------

def sage_available() -> tuple[bool, str | None, str]:
    """Whether the Sage arrangement code imports in a subprocess, its version, and the reason if not."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            ver = version("passagemath-polyhedra")
        except PackageNotFoundError:
            return False, None, "passagemath-polyhedra is not installed (pip install passagemath-polyhedra)"
    except ImportError:  # pragma: no cover
        ver = None
    code = ("from sage.all__sagemath_polyhedra import QQ\n"
            "from sage.geometry.hyperplane_arrangement.arrangement import HyperplaneArrangements\n"
            "HyperplaneArrangements(QQ, ('x',))")
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return False, ver, "importing sage timed out"
    if r.returncode != 0:
        return False, ver, "import failed: " + (r.stderr.strip().splitlines() or ["?"])[-1]
    return True, ver, ""


# ---- parent: the benchmark -------------------------------------------------------------------------------

def machine_info(sage_version: str | None) -> dict:
    return harness_machine_info(passagemath_polyhedra=sage_version)


def bench_instance(name: str, samples: list[int], use_sage: bool, timeout: float, tmpdir: str,
                   baseline: Path | None = None, baseline_timeout: float = OURS_TIMEOUT_S) -> dict:
    _, info = build_instance(name)
    row = {"instance": name, **info}
    save = os.path.join(tmpdir, f"{name}.npy")
    if baseline is not None:  # the same worker from the baseline commit's tree, in this run
        progress(f"{name}: baseline")
        b = run_child(str(baseline / "benchmarks" / "bench_patterns.py"),
                      ["--worker", "ours", "--instance", name, "--save", save + ".base.npy"], baseline_timeout,
                      root=baseline)
        row["baseline_status"] = b["status"]
        row["baseline_timeout_s"] = baseline_timeout
        row["baseline_seconds"] = b["result"]["seconds"] if b["status"] == "ok" else None
        row["baseline_peak_rss_mb"] = b["peak_rss_mb"]
        row["baseline_certified"] = b["result"]["certified"] if b["status"] == "ok" else None
        row["baseline_count"] = b["result"]["count"] if b["status"] == "ok" else None
    progress(f"{name}: ours")
    ours = run_child(__file__, ["--worker", "ours", "--instance", name, "--save", save], OURS_TIMEOUT_S)
    row["status"] = ours["status"]
    row["peak_rss_mb"] = ours["peak_rss_mb"]
    if ours["status"] == "ok":
        r = ours["result"]
        row.update({k: r[k] for k in ("count", "regions", "rank", "certified", "general_position",
                                      "count_certificate", "n_exact_checks", "seconds", "all_ones_present",
                                      "baseline_rss_mb")})
        row["patterns_per_s"] = r["count"] / r["seconds"] if r["certified"] and r["seconds"] > 0 else None
        exp = info["expected_regions"]
        row["regions_match_expected"] = None if exp is None else r["regions"] == exp
        if row.get("baseline_count") is not None:  # the same pattern set, bit for bit (both sorted, packed)
            import numpy as np

            row["patterns_match_baseline"] = bool(np.array_equal(np.load(save), np.load(save + ".base.npy")))
        if row.get("baseline_seconds"):
            row["ratio_vs_baseline"] = r["seconds"] / row["baseline_seconds"]
            row["speedup_vs_baseline"] = row["baseline_seconds"] / r["seconds"]
        elif row.get("baseline_status") == "timeout" and r["seconds"]:
            row["speedup_vs_baseline_lower_bound"] = baseline_timeout / r["seconds"]
    else:
        row.update({"count": None, "regions": None, "certified": False, "seconds": None,
                    "patterns_per_s": None, "error": ours["stderr"] or ours["status"]})
    for method in ("regions", "n_regions"):
        key = f"sage_{method}_s"
        if not use_sage:
            row[key], row[f"sage_{method}_status"] = None, "skipped"
            continue
        progress(f"{name}: sage {method}()")
        s = run_child(__file__, ["--worker", f"sage-{method}", "--instance", name], timeout)
        row[f"sage_{method}_status"] = s["status"]
        row[f"sage_{method}_peak_rss_mb"] = s["peak_rss_mb"]
        if s["status"] == "ok":
            row[key] = s["result"]["seconds"]
            row[f"sage_{method}_count"] = s["result"]["regions"]
            row["sage_build_s"] = s["result"]["build_seconds"]
            if row.get("regions") is not None:
                row[f"sage_{method}_count_matches"] = s["result"]["regions"] == row["regions"]
        else:
            row[key] = None
            if s["status"] == "error":
                row[f"sage_{method}_error"] = s["stderr"]
    ours_s = row.get("seconds")
    for method, rkey in (("regions", "ratio"), ("n_regions", "ratio_n_regions")):
        st, sec = row[f"sage_{method}_status"], row[f"sage_{method}_s"]
        row[rkey] = sec / ours_s if st == "ok" and ours_s else None
        row[f"{rkey}_lower_bound"] = timeout / ours_s if st == "timeout" and ours_s else None
    row["sampling"] = []
    if ours["status"] == "ok":
        for k in samples:
            progress(f"{name}: sampling k={k}")
            s = run_child(__file__, ["--worker", "sampling", "--instance", name, "--exact", save, "--k", str(k)],
                          OURS_TIMEOUT_S)
            if s["status"] == "ok":
                row["sampling"].append({**s["result"], "peak_rss_mb": s["peak_rss_mb"]})
            else:
                row["sampling"].append({"k": k, "status": s["status"], "error": s["stderr"]})
    return row


def _fmt(v, spec="", none="-"):
    return none if v is None else format(v, spec)


def _fmt_ratio(row, key):
    if row.get(key) is not None:
        return f"{row[key]:.1f}x"
    if row.get(f"{key}_lower_bound") is not None:
        return f">{row[f'{key}_lower_bound']:.0f}x"
    return "-"


def _fmt_sage(row, method):
    st = row[f"sage_{method}_status"]
    if st == "ok":
        return f"{row[f'sage_{method}_s']:.2f}"
    return {"skipped": "-", "timeout": "timeout", "error": "error"}.get(st, st)


def render_table(rows: list[dict], samples: list[int], timeout: float) -> str:
    head = ["instance", "n", "d", "patterns", "regions", "cert", "ours s", "base s", "speed-up", "patt/s", "peak MB",
            "base MB",
            "sage reg s", "sage nreg s", "x reg", "x nreg"] + [f"recall {k:.0e}" for k in samples]
    lines = []
    for r in rows:
        rec = {s.get("k"): s for s in r["sampling"]}
        cells = [r["instance"], str(r["n"]), str(r["d"]), _fmt(r.get("count"), ","), _fmt(r.get("regions"), ","),
                 {True: "yes", False: "NO"}[bool(r.get("certified"))], _fmt(r.get("seconds"), ".2f"),
                 _fmt(r.get("baseline_seconds"), ".2f", none=r.get("baseline_status", "-")),
                 _fmt_ratio(r, "speedup_vs_baseline"),
                 _fmt(r.get("patterns_per_s"), ",.0f"), _fmt(r.get("peak_rss_mb"), ".0f"),
                 _fmt(r.get("baseline_peak_rss_mb"), ".0f"),
                 _fmt_sage(r, "regions"), _fmt_sage(r, "n_regions"), _fmt_ratio(r, "ratio"),
                 _fmt_ratio(r, "ratio_n_regions")]
        for k in samples:
            s = rec.get(k)
            cells.append("-" if s is None else (f"{s['recall']:.4f}" if "recall" in s else s.get("status", "?")))
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(head)]
    out = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(head, widths)))]
    out.append("  ".join("-" * w for w in widths))
    for c in lines:
        out.append("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(c, widths))))
    out.append(f"x reg / x nreg: speed-up = Sage regions() / n_regions() seconds over ours; "
               f"'>Nx' = Sage timed out at {timeout:g} s.  peak MB = peak RSS (MiB) of our fresh subprocess; "
               "speed-up = baseline s / ours s ('>Nx': the baseline timed out); base MB = the baseline's peak RSS.")
    return "\n".join(out)


def check_notes(rows: list[dict]) -> list[str]:
    """Problems worth a human's attention: errors, uncertified runs, wrong counts, unsound sampling."""
    notes = []
    for r in rows:
        name = r["instance"]
        if r["status"] != "ok":
            notes.append(f"{name}: enumerate_patterns {r['status']}: {r.get('error', '')}")
            continue
        if not r["certified"]:
            notes.append(f"{name}: result NOT certified")
        if r.get("regions_match_expected") is False:
            notes.append(f"{name}: regions {r['regions']} != expected {r['expected_regions']} "
                         f"({r['expected_source']})")
        if r.get("patterns_match_baseline") is False:
            notes.append(f"{name}: the pattern set differs from the baseline commit's")
        if not r.get("all_ones_present"):
            notes.append(f"{name}: the all-ones pattern (u = 0) is missing")
        for m in ("regions", "n_regions"):
            if r.get(f"sage_{m}_count_matches") is False:
                notes.append(f"{name}: Sage {m}() = {r[f'sage_{m}_count']} != our regions {r['regions']}")
            if r.get(f"sage_{m}_status") == "error":
                notes.append(f"{name}: Sage {m}() error: {r.get(f'sage_{m}_error', '')}")
        for s in r["sampling"]:
            if s.get("sampled_not_in_exact"):
                notes.append(f"{name}: {s['sampled_not_in_exact']} sampled patterns (k={s['k']}) are missing "
                             "from the exact set")
            if "status" in s:
                notes.append(f"{name}: sampling k={s['k']} {s['status']}: {s.get('error', '')}")
    return notes


def goals(rows: list[dict]) -> dict:
    out = {"issue9": {}}
    for r in rows:
        lim = GOALS_ISSUE9.get(r["instance"])
        if lim is None:
            continue
        max_s, max_mb, min_x = lim
        ok = r["status"] == "ok" and bool(r.get("certified"))
        checks = {}
        if max_s is not None:
            checks["seconds"] = ok and r["seconds"] <= max_s
        if max_mb is not None:
            checks["peak_rss_mb"] = ok and r["peak_rss_mb"] <= max_mb
        if min_x is not None:
            x = r.get("speedup_vs_baseline") or r.get("speedup_vs_baseline_lower_bound")
            checks["speedup_vs_baseline"] = None if x is None else bool(ok and x >= min_x)
        out["issue9"][r["instance"]] = {"limits": {"seconds": max_s, "peak_rss_mb": max_mb,
                                                   "speedup_vs_baseline": min_x},
                                        "seconds": r.get("seconds"), "peak_rss_mb": r.get("peak_rss_mb"),
                                        "speedup_vs_baseline": r.get("speedup_vs_baseline"),
                                        "checks": checks,
                                        "met": ok and all(v is True for v in checks.values())}
    d6 = next((r for r in rows if r["instance"] == "resonance-6"), None)
    if d6 is not None:
        ok = d6["status"] == "ok"
        out["resonance6"] = {
            "seconds": d6.get("seconds"), "peak_rss_mb": d6.get("peak_rss_mb"),
            "certified": bool(d6.get("certified")), "count_ok": d6.get("regions_match_expected"),
            "limit_seconds": GOAL_D6_SECONDS, "limit_peak_rss_mb": GOAL_D6_PEAK_MB,
            "met": bool(ok and d6["certified"] and d6.get("regions_match_expected")
                        and d6["seconds"] <= GOAL_D6_SECONDS and d6["peak_rss_mb"] <= GOAL_D6_PEAK_MB)}
    speed, undetermined = {}, []
    for r in rows:
        if r.get("ratio") is not None:
            speed[r["instance"]] = r["ratio"] >= GOAL_SPEEDUP_VS_REGIONS
        elif r.get("ratio_lower_bound") is not None:
            if r["ratio_lower_bound"] >= GOAL_SPEEDUP_VS_REGIONS:
                speed[r["instance"]] = True
            else:  # Sage timed out too early to tell
                undetermined.append(r["instance"])
    out["speedup_vs_sage_regions"] = {"target": GOAL_SPEEDUP_VS_REGIONS, "met_per_instance": speed,
                                      "undetermined": undetermined,
                                      "met_all_compared": bool(speed) and all(speed.values())}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small instances only (smoke run, < 1 minute)")
    ap.add_argument("--no-sage", action="store_true", help="skip the SageMath comparison")
    ap.add_argument("--timeout", type=float, default=None,
                    help="per-call limit for each Sage call, seconds (default 120; 20 with --quick)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON output (default {DEFAULT_OUT})")
    ap.add_argument("--baseline", metavar="REV",
                    help="also time the enumeration of commit REV (its own tree, same run) and report ours/base")
    ap.add_argument("--baseline-timeout", type=float, default=OURS_TIMEOUT_S,
                    help=f"per-instance limit for the baseline's run, seconds (default {OURS_TIMEOUT_S:g})")
    ap.add_argument("--no-sampling", action="store_true", help="skip the Gaussian sampling recall runs")
    ap.add_argument("--instances", help="comma-separated instance names (default: all of the mode)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--instance", help=argparse.SUPPRESS)
    ap.add_argument("--save", help=argparse.SUPPRESS)
    ap.add_argument("--exact", help=argparse.SUPPRESS)
    ap.add_argument("--k", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.worker:
        return run_worker(args)

    timeout = args.timeout if args.timeout is not None else (20.0 if args.quick else 120.0)
    samples = [] if args.no_sampling else (QUICK_SAMPLES if args.quick else FULL_SAMPLES)
    if args.no_sage:
        use_sage, sage_ver, sage_reason = False, None, "disabled by --no-sage"
    else:
        use_sage, sage_ver, sage_reason = sage_available()
        if not use_sage:
            print(f"note: SageMath comparison skipped: {sage_reason}", file=sys.stderr)
    info = machine_info(sage_ver)
    t0 = time.perf_counter()
    rows = []
    names = args.instances.split(",") if args.instances else instance_names(args.quick)
    with tempfile.TemporaryDirectory(prefix="bench_patterns_") as tmpdir:
        base = baseline_checkout(args.baseline, tmpdir) if args.baseline else None
        for name in names:
            rows.append(bench_instance(name, samples, use_sage, timeout, tmpdir, base, args.baseline_timeout))
    total = time.perf_counter() - t0
    info["loadavg_at_end"] = list(os.getloadavg())
    info["git_commit_end"] = machine_info(sage_ver)["git_commit"]  # differs if HEAD moved during the run
    notes = check_notes(rows)
    payload = {"benchmark": "patterns", "mode": "quick" if args.quick else "full",
               "command": " ".join([os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT))
                                    else sys.executable, "benchmarks/bench_patterns.py", *(argv or sys.argv[1:])]),
               "machine": info, "baseline": args.baseline, "sage": {"used": use_sage, "reason": sage_reason or None, "timeout_s": timeout},
               "sampling": {"k": samples, "seed": SAMPLE_SEED}, "units": {"seconds": "wall-clock s",
               "peak_rss_mb": "MiB (ru_maxrss of the fresh subprocess)", "ratio": "Sage s / our s"},
               "rows": rows, "goals": goals(rows), "notes": notes, "total_seconds": total}
    write_json(args.out, payload)
    print(f"relu-landscape pattern enumeration benchmark ({payload['mode']}); nproc={info['nproc']}, "
          f"python {info['python']}, numpy {info['numpy']}, commit {info['git_commit'][:10]}"
          f"{' (dirty)' if info['git_dirty'] else ''}, sage: "
          f"{('passagemath-polyhedra ' + str(sage_ver)) if use_sage else sage_reason}")
    print(render_table(rows, samples, timeout))
    g = payload["goals"]
    if "resonance6" in g:
        d6 = g["resonance6"]
        print(f"goal resonance-6 (<= {GOAL_D6_SECONDS:g} s, <= {GOAL_D6_PEAK_MB:g} MB, certified): "
              f"{'MET' if d6['met'] else 'NOT MET'} ({_fmt(d6['seconds'], '.2f')} s, "
              f"{_fmt(d6['peak_rss_mb'], '.0f')} MB, certified={d6['certified']})")
    for name, gi in g["issue9"].items():
        print(f"goal issue 9 {name} {gi['limits']}: {'MET' if gi['met'] else 'NOT MET'} ({gi['checks']})")
    sp = g["speedup_vs_sage_regions"]
    if sp["met_per_instance"]:
        print(f"goal >= {GOAL_SPEEDUP_VS_REGIONS:g}x vs Sage regions(): "
              f"{'MET' if sp['met_all_compared'] else 'NOT MET'} on the compared instances "
              f"({', '.join(f'{k}: {v}' for k, v in sp['met_per_instance'].items())})"
              + (f"; undetermined (Sage timed out before {GOAL_SPEEDUP_VS_REGIONS:g}x our time): "
                 f"{', '.join(sp['undetermined'])}" if sp["undetermined"] else ""))
    for n in notes:
        print("WARNING: " + n)
    print(f"total {total:.0f} s; JSON: {os.path.relpath(args.out, Path.cwd())}")
    return 1 if notes else 0


if __name__ == "__main__":
    sys.exit(main())
