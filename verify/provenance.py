"""Provenance of a verification run: versions, git commit, platform, backend, seed, tolerances .

Every report carries this dictionary in its header, in the manner of scikit-learn's ``show_versions()``:
versions come from the installed distributions' metadata (``importlib.metadata``), never from imports, so
asking for them loads nothing.

Examples
--------
>>> p = provenance(seed=0)
>>> p["package"]["name"], p["backend"], p["dtype"], p["seed"]
('relu-landscape', 'numpy', 'float64', 0)
>>> "witness_margin" in p["tolerances"]
True
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata

import geom
from geom.tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["provenance", "git_revision", "package_versions", "DEPENDENCIES"]

#: Distributions whose versions are recorded (``"not installed"`` when absent).
DEPENDENCIES = ("numpy", "scipy", "sympy", "networkx", "pycddlib", "python-flint", "array-api-compat", "tqdm",
                "matplotlib", "cvxpy", "torch", "cupy")

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(geom.__file__)))


def package_versions(names=DEPENDENCIES) -> dict:
    """``{distribution: version}`` from the installed metadata, ``"not installed"`` when missing.

    >>> package_versions(["numpy", "no-such-distribution-xyz"])["no-such-distribution-xyz"]
    'not installed'
    """
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git(*args, cwd):
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    res = subprocess.run(["git", "--no-optional-locks", *args], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=10, check=False)
    if res.returncode != 0:
        raise OSError(res.stderr.strip())
    return res.stdout


def git_revision(root: str = _REPO_ROOT) -> dict:
    """``{"commit": sha, "dirty": bool}`` of the git checkout holding the package, read-only.

    ``commit`` is ``"unknown"`` and ``dirty`` is ``None`` when ``root`` is not the top of a git checkout (an
    installed wheel) or git is missing.  ``dirty`` means tracked files differ from the commit or untracked,
    non-ignored files exist.  Git is called with ``--no-optional-locks`` so that it never writes the index.

    >>> sorted(git_revision())
    ['commit', 'dirty']
    """
    try:
        top = _git("rev-parse", "--show-toplevel", cwd=root).strip()
        if os.path.realpath(top) != os.path.realpath(root):
            raise OSError("the package is not at the top of a git checkout")
        commit = _git("rev-parse", "HEAD", cwd=root).strip()
        # generated reports do not make the code dirty (a suite run rewrites reports/ before the next suite)
        dirty = bool(_git("status", "--porcelain", "--untracked-files=normal", "--", ".", ":(exclude)reports",
                          cwd=root).strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    return {"commit": commit, "dirty": dirty}


def provenance(seed: int | None = None, backend: str = "numpy", dtype: str = "float64",
               tolerances: Tolerances = DEFAULT_TOLERANCES) -> dict:
    """Provenance of a run, JSON-ready.

    Parameters
    ----------
    seed : int or None
        Seed of the random parts of the run (sampling); ``None`` if the run is deterministic.
    backend, dtype : str
        Array library and floating dtype of the numeric stages.
    tolerances : Tolerances
        Named tolerances in force (``geom.tolerances``, docs/theory.md §J.5).

    Returns
    -------
    dict
        Keys ``package`` (name, version), ``git`` (commit, dirty), ``python``, ``platform``, ``versions``
        (dependencies), ``timestamp_utc`` (ISO 8601, seconds), ``backend``, ``dtype``, ``seed``,
        ``tolerances``.
    """
    try:
        dist_version = metadata.version("relu-landscape")
    except metadata.PackageNotFoundError:
        dist_version = "not installed"
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return {
        "package": {"name": "relu-landscape", "version": geom.__version__, "distribution_version": dist_version},
        "git": git_revision(),
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "versions": package_versions(),
        "timestamp_utc": now.isoformat().replace("+00:00", "Z"),
        "backend": backend,
        "dtype": dtype,
        "seed": seed,
        "tolerances": tolerances.to_dict(),
    }
