"""Benchmark: streaming count (``geom.count_patterns``) against ``geom.enumerate_patterns`` (``ties="regions"``).

Each measurement runs in a fresh subprocess (:func:`_harness.run_child`); the peak resident set size is that
child's own ``ru_maxrss`` (from ``os.wait4``), and ``import_rss_mb`` is the child's peak after its imports and a
warm-up call, so ``peak − import`` is what the enumeration itself added.  Instances are Gaussian data (general
position with probability 1: Cover's count ``C(n, d)`` is the expected region count, checked).

* **enumerate**: ``P = enumerate_patterns(X, ties="regions")``, then ``P.count`` (the whole set is held).
* **stream**: ``count_patterns(X, chunk=CHUNK)`` -- every chunk is produced and dropped; the summary holds the
  count and the certificate.  Spill files go to a temporary directory (their size is reported).

A plain-text table goes to stdout; JSON to ``benchmarks/results/stream.json`` (written atomically).

Usage::

    .venv/bin/python benchmarks/bench_stream.py [--instances 800x3,200x4] [--chunk 65536] [--timeout 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, emit, machine_info, maxrss_mb, progress, run_child, write_json  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "results" / "stream.json"
DEFAULT_INSTANCES = "800x3,200x4"


def build(name: str):
    import numpy as np

    n, d = map(int, name.split("x"))
    seed = 2026 + 10 * n + d  # the seeds of bench_patterns.py
    return np.random.default_rng(seed).standard_normal((n, d)), 2 * sum(comb(n - 1, k) for k in range(d))


def worker(mode: str, name: str, chunk: int) -> dict:
    import geom

    X, _ = build(name)
    geom.enumerate_patterns([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], ties="regions")  # warm lazy imports
    geom.count_patterns([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    import_rss = maxrss_mb()
    t0 = time.perf_counter()
    if mode == "enumerate":
        P = geom.enumerate_patterns(X, ties="regions")
        out = {"count": P.count, "certified": P.certified, "count_certificate": P.count_certificate}
    else:
        S = geom.count_patterns(X, chunk=chunk)
        out = {"count": S.count, "certified": S.certified, "count_certificate": S.count_certificate,
               "n_chunks": S.n_chunks, "max_chunk": S.max_chunk, "n_buckets": S.n_buckets,
               "spilled_mb": S.spilled_bytes / 2**20}
    return {**out, "seconds": time.perf_counter() - t0, "import_rss_mb": import_rss}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", nargs=3, metavar=("MODE", "NAME", "CHUNK"), help=argparse.SUPPRESS)
    ap.add_argument("--instances", default=DEFAULT_INSTANCES, help="comma-separated NxD (Gaussian data)")
    ap.add_argument("--chunk", type=int, default=65536, help="chunk size of the stream")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per subprocess")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="JSON output path")
    args = ap.parse_args(argv)
    if args.worker:
        mode, name, chunk = args.worker
        emit(worker(mode, name, int(chunk)))
        return 0
    rows = []
    for name in args.instances.split(","):
        _, expected = build(name)
        row = {"instance": f"gaussian-{name}", "expected_regions": expected, "chunk": args.chunk}
        for mode in ("enumerate", "stream"):
            progress(f"{name} {mode}")
            r = run_child(__file__, ["--worker", mode, name, str(args.chunk)], args.timeout)
            res = r["result"] or {}
            row[mode] = {"status": r["status"], "peak_rss_mb": r["peak_rss_mb"], "stderr": r["stderr"], **res}
            if res:
                row[mode]["added_rss_mb"] = r["peak_rss_mb"] - res["import_rss_mb"]
                row[mode]["count_ok"] = res["count"] == expected
        e, s = row["enumerate"], row["stream"]
        if e.get("seconds") and s.get("seconds"):
            row["time_ratio_stream_over_enumerate"] = s["seconds"] / e["seconds"]
            row["added_rss_ratio_stream_over_enumerate"] = s["added_rss_mb"] / max(e["added_rss_mb"], 1e-9)
        rows.append(row)
    head = f"{'instance':<16} {'mode':<10} {'status':<8} {'count':>9} {'cert':>5} {'sec':>8} {'peak MiB':>9} " \
           f"{'added MiB':>10} {'chunks':>7} {'max chunk':>9} {'spill MiB':>9}"
    print(head)
    print("-" * len(head))
    for row in rows:
        for mode in ("enumerate", "stream"):
            m = row[mode]
            print(f"{row['instance']:<16} {mode:<10} {m['status']:<8} {m.get('count', '-'):>9} "
                  f"{str(m.get('certified', '-')):>5} {m.get('seconds', float('nan')):>8.2f} {m['peak_rss_mb']:>9.1f} "
                  f"{m.get('added_rss_mb', float('nan')):>10.1f} {m.get('n_chunks', '-'):>7} "
                  f"{m.get('max_chunk', '-'):>9} {m.get('spilled_mb', float('nan')):>9.1f}")
    payload = {"benchmark": "stream", "command": " ".join([sys.executable, *sys.argv]), "results": rows,
               "machine": machine_info()}
    write_json(Path(args.out), payload)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
