"""The regression cases of exact enumeration (``cases/regressions.py``) against the independent oracle.

For every case tagged ``regression``: the stored expected values equal what the oracle computes now (so a typo
in the registry cannot hide a bug), and :func:`geom.enumerate_patterns` (both ``ties``) raises nothing, is
certified, returns exactly the oracle's set with exact witnesses, and the right region count, rank and general
position; :func:`geom.count_regions` agrees.  Cases tagged ``abort`` (they once killed the interpreter) are
enumerated in a child process, so that a relapse fails one test instead of ending the session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from _oracle_independent import oracle, realizes

import cases
import geom

REGRESSIONS = [c.name for c in cases.list_cases("regression")]


def _bits(ps) -> list[str]:
    return sorted("".join(str(int(b)) for b in p) for p in ps)


def test_regression_cases_are_registered():
    assert len(REGRESSIONS) >= 20
    for name in REGRESSIONS:
        c = cases.get_case(name)
        assert c.source.startswith("independent brute force (tests/_oracle_independent.py)"), name
        assert {"patterns", "regions", "rank", "general_position", "pattern_set", "region_set"} <= set(c.expected)


@pytest.mark.parametrize("name", REGRESSIONS)
def test_stored_expectations_equal_the_oracle(name):
    c = cases.get_case(name)
    ref = oracle(c.X, c.bias)
    e = c.expected
    assert _bits(ref.geq) == e["pattern_set"] and ref.n_geq == e["patterns"]
    assert _bits(ref.regions) == e["region_set"] and ref.n_regions == e["regions"]
    assert (ref.rank, ref.general_position) == (e["rank"], e["general_position"])


def _enumerate(name, ties) -> dict:
    """``enumerate_patterns`` on a case, as plain data (bit strings, witnesses as float lists)."""
    c = cases.get_case(name)
    P = geom.enumerate_patterns(c.X, bias=c.bias, ties=ties)
    W = np.asarray(P.witnesses, dtype=np.float64).tolist()
    for i, u in P.integer_witnesses:  # regions too thin for any float64 point: exact integer witnesses
        W[i] = [int(v) for v in u]
    return {"patterns": ["".join(str(int(b)) for b in p) for p in np.asarray(P.patterns, dtype=bool)],
            "witnesses": W, "certified": bool(P.certified),
            "count": int(P.count), "n_regions": int(P.n_regions), "rank": int(P.rank),
            "general_position": bool(P.general_position)}


_CHILD = ("import json, sys, warnings; sys.path.insert(0, sys.argv[1]); warnings.simplefilter('ignore'); "
          "import test_regressions as t; print(json.dumps(t._enumerate(sys.argv[2], sys.argv[3])))")


def _enumerate_isolated(name, ties) -> dict:
    """:func:`_enumerate` in a child interpreter (cases tagged ``abort`` once killed it)."""
    here = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.run([sys.executable, "-c", _CHILD, here, name, ties], capture_output=True, text=True,
                          cwd=os.path.dirname(here), check=False)
    err = proc.stderr.strip().splitlines()
    err = err if len(err) <= 5 else err[:2] + ["…"] + err[-3:]
    assert proc.returncode == 0, (f"{name} (ties={ties}): the interpreter died or raised (exit status "
                                  f"{proc.returncode}): {' | '.join(err)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("ties", ["geq", "regions"])
@pytest.mark.parametrize("name", REGRESSIONS)
def test_enumerate_patterns_on_regression_case(name, ties):
    c = cases.get_case(name)
    e = c.expected
    want = e["pattern_set"] if ties == "geq" else e["region_set"]
    r = _enumerate_isolated(name, ties) if "abort" in c.tags else _enumerate(name, ties)
    got = r["patterns"]
    assert got == want, (f"{name} (ties={ties}, certified={r['certified']}): missing "
                         f"{sorted(set(want) - set(got))}, extra {sorted(set(got) - set(want))}")
    assert r["certified"], f"{name} (ties={ties}): right set but certified=False"
    assert r["count"] == len(want) and r["n_regions"] == e["regions"]
    assert (r["rank"], r["general_position"]) == (e["rank"], e["general_position"])
    Xq = oracle(c.X, c.bias).Xq
    assert len(r["witnesses"]) == len(want) and all(len(w) == len(Xq[0]) for w in r["witnesses"])
    for p, w in zip(got, r["witnesses"]):
        assert realizes(Xq, w, tuple(int(b) for b in p), strict=ties == "regions"), (name, ties, p, w)


@pytest.mark.parametrize("name", REGRESSIONS)
def test_count_regions_on_regression_case(name):
    c = cases.get_case(name)
    Xa = np.c_[c.X, np.ones(len(c.X), dtype=c.X.dtype)] if c.bias else c.X
    assert geom.count_regions(Xa) == c.expected["regions"]
