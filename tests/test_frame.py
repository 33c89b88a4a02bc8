"""Suite results as a pandas DataFrame (verify.load_results, SuiteResult.to_frame): one row per check, the same
values as the results, from every source (objects, dictionaries, files, directories); other schemas refused."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest

import verify
from geom.exceptions import BackendUnavailableError, DataFileError, InvalidInputError, InvalidInputTypeError
from verify import check_margin, compare
from verify._suite import SUITES
from verify.frame import COLUMNS, MEASUREMENT_COLUMNS, load_results

pd = pytest.importorskip("pandas")


def _toy(case, ctx):
    """Margins of every shape the JSON can hold: int, float, None, non-finite, a list margin."""
    yield compare("count", 4, 4, case=case.name, theorem="docs/theory.md §B.2")
    yield compare("count off", 3, 4, case=case.name, theorem="docs/theory.md §B.2", witness=[1, 0])
    yield compare("p*", 1.0 + 1e-12, 1.0, case=case.name, theorem="docs/theory.md §A.3", tolerance=1e-9,
                  kind=verify.CONSISTENCY)
    yield check_margin("slack", float("inf"), 1e-9, case=case.name, theorem="docs/theory.md §B.4")
    yield check_margin("undecided", float("nan"), 1e-9, case=case.name, theorem="docs/theory.md §B.4")
    yield compare("no value", 1, None, case=case.name, theorem="docs/theory.md §B.2")


@pytest.fixture
def toy_result():
    verify.register_suite("frame-toy-test", tags=("spec",), description="toy")(_toy)
    try:
        yield verify.run_suite("frame-toy-test", cases=["spec-I1", "spec-I2"], seed=4)
    finally:
        SUITES.pop("frame-toy-test")


def test_one_row_per_check_with_its_values(toy_result):
    df = toy_result.to_frame()
    assert tuple(df.columns) == COLUMNS and len(df) == len(toy_result.results) == 12
    assert df["case"].tolist() == ["spec-I1"] * 6 + ["spec-I2"] * 6
    assert df["check"].tolist()[:6] == ["count", "count off", "p*", "slack", "undecided", "no value"]
    assert df["status"].tolist()[:6] == ["holds", "violated", "holds", "inconclusive", "inconclusive",
                                        "not applicable"]  # a non-finite margin decides nothing
    assert df["kind"].tolist()[:3] == ["theorem", "theorem", "consistency"]
    assert list(df["status"].cat.categories) == ["holds", "violated", "inconclusive", "not applicable", "error"]
    assert list(df["kind"].cat.categories) == ["theorem", "consistency"]
    m = df["margin"].to_numpy()[:6]
    assert m.dtype == float and (m[0], m[1], m[3]) == (0.0, -1.0, math.inf)
    np.testing.assert_allclose(m[2], 1e-12, rtol=1e-3)  # 1.0 + 1e-12 − 1.0 in binary64
    assert math.isnan(m[4]) and math.isnan(m[5])  # "nan" from the JSON and no margin at all
    assert df["tolerance"].tolist()[2] == 1e-9 and math.isnan(df["tolerance"].tolist()[0])
    assert df["witness"].tolist()[1] == [1, 0] and df["observed"].tolist()[1] == 3
    assert set(df["suite"]) == {"frame-toy-test"} and set(df["seed"]) == {4}
    assert set(df["version"]) == {toy_result.provenance["package"]["version"]}
    counts = df["status"].value_counts()
    assert {k: int(counts[k]) for k in toy_result.counts} == toy_result.counts  # the same tallies as the report


def test_measurements_table():
    r = verify.run_suite("patterns", cases=["spec-I1", "spec-I2"], seed=1)
    df = load_results(r, table="measurements")
    assert tuple(df.columns) == MEASUREMENT_COLUMNS and len(df) == len(r.measurements) == 2
    assert df["case"].tolist() == ["spec-I1", "spec-I2"] and df["value"].dtype == float
    np.testing.assert_allclose(df["value"].to_numpy(), [m.value for m in r.measurements], rtol=0, atol=0)
    assert set(df["seed"]) == {1}
    with pytest.raises(InvalidInputError, match="The 'table' parameter of verify.load_results must be one of"):
        load_results(r, table="figures")


def test_every_source_gives_the_same_frame(toy_result, tmp_path):
    paths = verify.write_report(toy_result, tmp_path)
    from_file = load_results(paths["json"])
    from_dict = load_results(json.loads(open(paths["json"], encoding="utf-8").read()))
    assert from_file["run_id"].nunique() == 1 and isinstance(from_file["run_id"].iloc[0], str)
    base = toy_result.to_frame().drop(columns=["run_id"])
    for other in (from_file, from_dict, load_results(tmp_path)):
        pd.testing.assert_frame_equal(other.drop(columns=["run_id"]), base)
    both = load_results([toy_result, paths["json"]])
    assert len(both) == 2 * len(base)


def test_a_directory_of_several_suites(tmp_path):
    for name, cases in (("patterns", ["spec-I1"]), ("convex", ["spec-I1"])):
        verify.write_report(verify.run_suite(name, cases=cases), tmp_path)
    (tmp_path / "notes.json").write_text('{"unrelated": true}')  # not a results file: skipped
    df = load_results(tmp_path)
    assert list(dict.fromkeys(df["suite"])) == ["convex", "patterns"]  # by file name
    assert (df["suite"] == "patterns").sum() == len(json.loads((tmp_path / "patterns.json").read_text())["results"])


def test_other_schemas_and_bad_sources_are_refused(tmp_path):
    old = {"schema": "relu-landscape/suite-report/0", "suite": "s", "results": [],
           "provenance": {"package": {"version": "0.0.1"}}}
    with pytest.raises(DataFileError, match=r"Got a report of schema 'relu-landscape/suite-report/0' written by "
                                            r"relu-landscape 0\.0\.1 \(a results dictionary\) instead\. Regenerate it"):
        load_results(old)
    (tmp_path / "old.json").write_text(json.dumps(old))
    with pytest.raises(DataFileError, match=r"written by relu-landscape 0\.0\.1 \('.*old\.json'\) instead"):
        load_results(tmp_path / "old.json")
    with pytest.raises(DataFileError, match=r"Got a JSON list \(a results dictionary\) instead"):
        verify._suite.check_schema([])
    with pytest.raises(DataFileError, match=r"Got a report with a malformed check at results\[0\]"):
        load_results({**old, "schema": verify._suite.REPORT_SCHEMA, "results": [{"check": "x"}]})
    with pytest.raises(DataFileError, match="does not exist"):
        load_results(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(DataFileError, match="is not readable JSON"):
        load_results(tmp_path / "broken.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataFileError, match="holds no suite results"):
        load_results(empty)
    with pytest.raises(InvalidInputTypeError, match="The 'results' parameter of verify.load_results must be"):
        load_results(3)


def test_without_pandas_the_error_says_what_to_install(toy_result, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(BackendUnavailableError, match="Results as a DataFrame need pandas, which is not installed"):
        toy_result.to_frame()
