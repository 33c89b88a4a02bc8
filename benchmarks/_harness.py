"""What the benchmark scripts share: fresh-subprocess workers with their own peak RSS, atomic JSON, progress.

A benchmark script runs itself as a worker (``--worker NAME ...``) in a fresh subprocess per measurement; the
worker prints one line ``RESULT_TAG + json`` with its result.  :func:`run_child` starts it, enforces the time
limit on the child's whole process group and reads the child's own ``ru_maxrss`` from ``os.wait4`` on its pid
(``RUSAGE_CHILDREN`` would be a maximum over every child reaped so far).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_TAG = "BENCH-RESULT "

__all__ = ["ROOT", "RESULT_TAG", "maxrss_mb", "emit", "run_child", "write_json", "progress", "machine_info",
           "package_version", "baseline_checkout"]


def maxrss_mb() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def emit(result: dict) -> None:
    """Worker side: print the result line that :func:`run_child` reads."""
    sys.stdout.write(RESULT_TAG + json.dumps(result) + "\n")
    sys.stdout.flush()


def run_child(script: str, worker_args: list[str], timeout: float, python: str | None = None,
              root: Path | None = None) -> dict:
    """Run ``script`` as a worker; returns ``{"status", "result", "peak_rss_mb", "wall_s", "stderr"}``.

    ``status`` is ``"ok"``, ``"timeout"`` or ``"error"``.  A worker that printed a result and then ran past the
    limit (for example in an optional second measurement) counts as ``"ok"`` with
    ``result["timed_out_after_result"] = True``.
    """
    root = ROOT if root is None else Path(root)  # another checkout (a baseline commit) imports its own code
    cmd = [python or sys.executable, str(Path(script).resolve()), *worker_args]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fout, stderr=ferr, cwd=root, env=env, start_new_session=True)
        status, ru, timed_out = None, None, False
        while True:
            pid, st, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                status, ru = st, usage
                break
            if time.perf_counter() - t0 > timeout:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the child's own process group (start_new_session)
                except ProcessLookupError:
                    pass
                _, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        stdout = fout.read().decode(errors="replace")
        stderr = ferr.read().decode(errors="replace")
    peak = ru.ru_maxrss / 1024.0
    lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_TAG)]
    result = json.loads(lines[-1][len(RESULT_TAG):]) if lines else None
    if timed_out:
        if result is not None:
            result["timed_out_after_result"] = True
            return {"status": "ok", "result": result, "peak_rss_mb": peak, "wall_s": wall, "stderr": ""}
        return {"status": "timeout", "result": None, "peak_rss_mb": peak, "wall_s": wall, "stderr": ""}
    if returncode != 0 or result is None:
        tail = stderr.strip().splitlines()[-5:]
        return {"status": "error", "result": None, "peak_rss_mb": peak, "wall_s": wall,
                "stderr": "\n".join(tail) or f"exit code {returncode}"}
    return {"status": "ok", "result": result, "peak_rss_mb": peak, "wall_s": wall, "stderr": ""}


def write_json(path: Path, payload: dict) -> None:
    """Write ``payload`` (sorted keys) atomically: temporary file in the same folder, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f, indent=2, sort_keys=True)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def progress(msg: str) -> None:
    """A progress line on stderr, only when it is a terminal."""
    if sys.stderr.isatty():
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def package_version(pkg: str) -> str | None:
    """Installed version of a distribution, or ``None``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(pkg)
    except PackageNotFoundError:
        return None


def machine_info(**extra) -> dict:
    """The machine, Python, NumPy, relu-landscape and git state of a run, plus ``extra`` entries."""
    import numpy as np

    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    def first(path, key, parse):
        try:
            with open(path) as f:
                return next((parse(ln) for ln in f if ln.startswith(key)), None)
        except OSError:
            return None

    return {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu_count": os.cpu_count(),
            "cpu_model": first("/proc/cpuinfo", "model name", lambda ln: ln.split(":", 1)[1].strip()) or "",
            "mem_total_mb": first("/proc/meminfo", "MemTotal", lambda ln: int(ln.split()[1]) / 1024.0),
            "loadavg_at_start": list(os.getloadavg()), "platform": platform.platform(),
            "python": platform.python_version(), "numpy": np.__version__,
            "relu_landscape": package_version("relu-landscape"), "git_commit": git("rev-parse", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **extra}


def baseline_checkout(rev: str, into: str) -> Path:
    """The tree of commit ``rev`` extracted into the folder ``into`` (``git archive``): a baseline whose code the
    same benchmark runs in the same session, so that speed is reported as a ratio measured on one machine."""
    dest = Path(into) / f"baseline-{rev}"
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest
