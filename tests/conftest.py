"""Shared fixtures: array backends (NumPy, array-api-strict, PyTorch, CuPy), ``--runslow``, ``gpu`` marker."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

BACKENDS = ["numpy", "array_api_strict", "torch", "torch-cuda", "cupy"]


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="run tests marked slow")
    parser.addoption("--fuzz-seed", default=None,
                     help="seed of the pattern fuzzer (tests/test_fuzz_patterns.py): an integer, or 'random'")
    parser.addoption("--fuzz-n", type=int, default=None,
                     help="total number of fuzz inputs (default 500, 20000 with --runslow)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: use --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


class Backend:
    """A backend under test: its namespace and a converter from NumPy arrays."""

    def __init__(self, name):
        self.name = name
        if name == "numpy":
            import array_api_compat.numpy as xp

            self.xp, self.device = xp, "cpu"
        elif name == "array_api_strict":
            xp = pytest.importorskip("array_api_strict")
            self.xp, self.device = xp, None
        elif name.startswith("torch"):
            torch = pytest.importorskip("torch")
            import array_api_compat.torch as xp

            if name == "torch-cuda" and not torch.cuda.is_available():
                pytest.skip("no CUDA device")
            self.xp, self.device = xp, ("cuda" if name == "torch-cuda" else "cpu")
        elif name == "cupy":
            cp = pytest.importorskip("cupy")
            try:
                cp.cuda.runtime.getDeviceCount()
            except Exception:  # pragma: no cover
                pytest.skip("no CUDA device")
            self.xp, self.device = importlib.import_module("array_api_compat.cupy"), None
        self.library = name.split("-")[0]

    def asarray(self, a, dtype=None):
        a = np.asarray(a)
        if self.name == "numpy":
            return a if dtype is None else a.astype(dtype)
        dt = None
        if dtype is not None:
            dt = getattr(self.xp, np.dtype(dtype).name)
        if self.device is None:
            return self.xp.asarray(a, dtype=dt)
        return self.xp.asarray(a, dtype=dt, device=self.device)


@pytest.fixture(params=BACKENDS)
def backend(request):
    if request.param in ("torch-cuda", "cupy"):
        request.applymarker(pytest.mark.gpu)
    return Backend(request.param)


@pytest.fixture
def cli_json(capsys):
    """Run the CLI with ``argv``; assert exit status 0 and a silent stderr; return the parsed JSON of stdout."""
    import json

    from verify.cli import main

    def run(argv):
        rc = main(argv)
        out, err = capsys.readouterr()
        assert (rc, err) == (0, "")
        return json.loads(out)

    return run


@pytest.fixture
def cli_error(capsys):
    """Run the CLI with ``argv``; assert exit status 2, nothing on stdout and exactly one stderr line starting
    with ``relu-landscape: error: ``; return that line."""
    from verify.cli import main

    def run(argv):
        rc = main(argv)
        out, err = capsys.readouterr()
        assert rc == 2
        assert out == ""
        assert len(err.splitlines()) == 1, err
        assert err.startswith("relu-landscape: error: ") and err.endswith("\n")
        return err

    return run
