"""Benchmark of the trained-net core (issue 8): checking and training many nets, batched vs a per-net PyTorch loop.

* **Checks**: ``B`` nets of width 20 on Gaussian (n, d) = (100, 10): ``geom.check_nets_fast`` (scaled, minimal,
  nearly minimal, Clarke stationarity; every check but the exact certificate) against a per-net PyTorch loop that
  computes the same kind of figures the way a user would (autograd gradient norm, balance error, the pairwise
  co-conic test).  The per-net loop runs on a subset and its throughput is reported per net.
* **Training**: ``B`` nets of width 20 for ``T`` steps of full-batch gradient descent: ``geom.train_nets``
  (NumPy, and torch when installed) against a per-net PyTorch loop (``nn.Sequential``, autograd, SGD), timed on a
  subset of nets; throughput in net-steps per second.

Prints a table and writes JSON (``benchmarks/results/nets.json``; ``--out``).  ``--quick`` uses small sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import geom  # noqa: E402
from geom.datafiles import atomic_write  # noqa: E402


def _torch_check_loop(torch, X, y, beta, U, A):
    """Per-net PyTorch loop: gradient norm by autograd, balance error, co-conic pairs (what a user would write)."""
    Xt, yt = torch.tensor(X), torch.tensor(y)
    out = []
    for b in range(len(U)):
        u = torch.tensor(U[b], requires_grad=True)
        a = torch.tensor(A[b], requires_grad=True)
        f = torch.relu(Xt @ u.T) @ a
        loss = 0.5 * ((f - yt) ** 2).sum() + 0.5 * beta * ((u ** 2).sum() + (a ** 2).sum())
        gu, ga = torch.autograd.grad(loss, (u, a))
        gnorm = float(torch.sqrt((gu ** 2).sum() + (ga ** 2).sum()))
        with torch.no_grad():
            bal = float((u.norm(dim=1) - a.abs()).abs().max())
            s = torch.sign(Xt @ u.T)                       # (n, m)
            opp = ((s[:, :, None] * s[:, None, :]) < 0).any(dim=0)
            same = torch.sign(a)[:, None] == torch.sign(a)[None, :]
            pairs = int((same & ~opp).triu(1).sum())
        out.append((gnorm, bal, pairs))
    return out


def _torch_train_loop(torch, X, y, beta, U, A, steps, lr):
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for b in range(len(U)):
        u = torch.tensor(U[b], requires_grad=True)
        a = torch.tensor(A[b], requires_grad=True)
        opt = torch.optim.SGD([u, a], lr=lr)
        for _ in range(steps):
            opt.zero_grad()
            f = torch.relu(Xt @ u.T) @ a
            loss = 0.5 * ((f - yt) ** 2).sum() + 0.5 * beta * ((u ** 2).sum() + (a ** 2).sum())
            loss.backward()
            opt.step()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "nets.json"))
    args = ap.parse_args(argv)
    n, d, m, beta = 100, 10, 20, 0.05
    B_check, B_check_loop = (1000, 100) if args.quick else (10_000, 500)
    B_train, B_train_loop, T = (100, 5, 200) if args.quick else (1000, 10, 1000)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    rows = []
    try:
        import torch

        torch.set_num_threads(max(1, os.cpu_count() or 1))
    except ImportError:
        torch = None
    # ---- checks
    U = rng.standard_normal((B_check, m, d)) / np.sqrt(d)
    A = rng.standard_normal((B_check, m)) / np.sqrt(m)
    t0 = time.perf_counter()
    res = geom.check_nets_fast(geom.Net(U, A), X, y, beta)
    t_fast = time.perf_counter() - t0
    row = {"task": "check", "nets": B_check, "width": m, "n": n, "d": d, "batched_s": t_fast,
           "batched_nets_per_s": B_check / t_fast, "fallback_nets": sum(r.details.get("path") == "per net"
                                                                        for r in res)}
    if torch is not None:
        t0 = time.perf_counter()
        _torch_check_loop(torch, X, y, beta, U[:B_check_loop], A[:B_check_loop])
        t_loop = time.perf_counter() - t0
        row.update({"torch_loop_nets": B_check_loop, "torch_loop_s": t_loop,
                    "torch_loop_nets_per_s": B_check_loop / t_loop,
                    "ratio": (B_check / t_fast) / (B_check_loop / t_loop)})
    rows.append(row)
    # ---- training
    for backend in ("numpy", "torch"):
        if backend == "torch" and torch is None:
            continue
        t0 = time.perf_counter()
        geom.train_nets(X, y, beta, widths=[m], seeds=range(B_train), steps=T, lr=1e-3, record_every=T,
                        backend=None if backend == "numpy" else "torch")
        t_b = time.perf_counter() - t0
        row = {"task": f"train ({backend})", "nets": B_train, "width": m, "steps": T, "batched_s": t_b,
               "batched_net_steps_per_s": B_train * T / t_b}
        if torch is not None:
            U0, A0, _ = geom.training.initial_nets(d, [m], range(B_train_loop), [1.0])
            t0 = time.perf_counter()
            _torch_train_loop(torch, X, y, beta, U0, A0, T, 1e-3)
            t_l = time.perf_counter() - t0
            row.update({"torch_loop_nets": B_train_loop, "torch_loop_s": t_l,
                        "torch_loop_net_steps_per_s": B_train_loop * T / t_l,
                        "ratio": (B_train * T / t_b) / (B_train_loop * T / t_l)})
        rows.append(row)
    print(f"trained-net core benchmark ({'quick' if args.quick else 'full'}); nproc={os.cpu_count()}, "
          f"numpy {np.__version__}{', torch ' + torch.__version__ if torch else ''}")
    print(f"{'task':<16} {'nets':>6} {'batched s':>10} {'throughput':>14} {'torch loop s':>13} {'loop throughput':>16}"
          f" {'ratio':>7}")
    for r in rows:
        thr = r.get("batched_nets_per_s", r.get("batched_net_steps_per_s"))
        lthr = r.get("torch_loop_nets_per_s", r.get("torch_loop_net_steps_per_s"))
        unit = "nets/s" if r["task"] == "check" else "net-steps/s"
        print(f"{r['task']:<16} {r['nets']:>6} {r['batched_s']:>10.2f} {thr:>10.0f} {unit:<3} "
              f"{r.get('torch_loop_s', float('nan')):>13.2f} {lthr or float('nan'):>12.0f} {unit:<3} "
              f"{r.get('ratio', float('nan')):>6.1f}x")
    doc = {"benchmark": "nets", "mode": "quick" if args.quick else "full", "rows": rows,
           "machine": {"nproc": os.cpu_count(), "python": platform.python_version()},
           "command": "python benchmarks/bench_nets.py" + (" --quick" if args.quick else "")}
    atomic_write(args.out, json.dumps(doc, indent=1))
    print(f"JSON: {args.out}")


if __name__ == "__main__":
    main()
