"""A suite's results as a :class:`pandas.DataFrame`, one row per check, for analysis in a notebook.

:func:`load_results` reads the checks (or, with ``table="measurements"``, the measurements) of a results file
(the ``<suite>.json`` that ``relu-landscape run`` writes), a directory of them, a results dictionary or a
:class:`~verify.SuiteResult` (also :meth:`verify.SuiteResult.to_frame`).  The columns of the checks are :data:`COLUMNS`: ``status`` and ``kind`` are categoricals in report order (``holds``, ``violated``,
``inconclusive``, ``not applicable``, ``error``; ``theorem``, ``consistency``), ``margin`` and ``tolerance`` are
floats (``NaN`` where the check has none, or where the JSON holds ``"nan"``), ``observed``, ``expected``,
``witness`` and ``details`` keep their JSON values, and ``seed``, ``version`` and ``run_id`` come from the
provenance.  pandas is imported only here, when a frame is asked for.

Examples
--------
>>> import verify
>>> df = verify.run_suite("patterns", cases=["spec-I1", "spec-I5"]).to_frame()
>>> sorted(df["case"].unique()), int(df["status"].value_counts()["violated"])
(['spec-I1', 'spec-I5'], 0)
>>> df.groupby("kind", observed=True).size().index.tolist()
['theorem', 'consistency']
"""

from __future__ import annotations

import json
import math
import os

from geom._validation import check_option
from geom.datafiles import regular_file
from geom.exceptions import BackendUnavailableError, DataFileError, InvalidInputTypeError

from ._result import KINDS, THEOREM, Status
from ._suite import check_schema

__all__ = ["load_results", "COLUMNS", "MEASUREMENT_COLUMNS"]

#: Columns of :func:`load_results`, in order.
COLUMNS = ("suite", "case", "check", "theorem", "kind", "status", "observed", "expected", "margin", "tolerance",
           "witness", "details", "elapsed_s", "seed", "version", "run_id")

#: Columns of ``load_results(..., table="measurements")``, in order.
MEASUREMENT_COLUMNS = ("suite", "case", "name", "theorem", "value", "unit", "details", "elapsed_s", "seed", "version",
                       "run_id")

_FUNC = "verify.load_results"


def _pandas():
    try:
        import pandas
    except ImportError as exc:
        raise BackendUnavailableError("Results as a DataFrame need pandas, which is not installed: pip install "
                                      "pandas (or the project's 'test' extra).") from exc
    return pandas


def _float(v) -> float:
    """A margin or tolerance as a float: ``None`` and non-numbers (a list margin) are NaN; "inf"/"nan" strings are
    what :func:`~verify._result.jsonable` made of non-finite floats."""
    if isinstance(v, bool) or v is None:
        return math.nan
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    return math.nan


def _read(path: str) -> dict:
    regular_file(path, what="Results file", kind="<suite>.json results file")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"Results file '{path}' is not readable JSON: expected a <suite>.json results file; got "
                            f"{type(exc).__name__}: {' '.join(str(exc).split())}.") from exc
    return check_schema(data, source=f"'{path}'")


def _reports(source) -> list[dict]:
    """The report dictionaries named by ``source`` (see :func:`load_results`)."""
    if hasattr(source, "to_dict") and hasattr(source, "results"):  # a SuiteResult
        return [check_schema(source.to_dict(), source=f"SuiteResult of {source.suite!r}")]
    if isinstance(source, dict):
        return [check_schema(source)]
    if isinstance(source, (list, tuple)):
        return [r for item in source for r in _reports(item)]
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if os.path.isdir(path):
            found = []
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if name.endswith(".json") and not name.startswith(".") and os.path.isfile(full):
                    try:
                        with open(full, encoding="utf-8") as f:
                            head = json.load(f)
                    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                        continue
                    if isinstance(head, dict) and "schema" in head and "results" in head:
                        found.append(check_schema(head, source=f"'{full}'"))
            if not found:
                raise DataFileError(f"Results directory '{path}' holds no suite results: expected <suite>.json "
                                    "files written by relu-landscape run; got none.")
            return found
        return [_read(path)]
    raise InvalidInputTypeError(f"The 'results' parameter of {_FUNC} must be a results file or directory, a results "
                                f"dictionary, a SuiteResult or a list of them. Got {type(source).__name__} instead.")


def load_results(results, *, table: str = "checks"):
    """The checks (or measurements) of one or more suite runs as a :class:`pandas.DataFrame`, one row each.

    Parameters
    ----------
    results : str, os.PathLike, dict, SuiteResult or list of them
        A results file (``<suite>.json``), a directory (every suite results file in it, by name), a results
        dictionary (:meth:`~verify.SuiteResult.to_dict`) or a :class:`~verify.SuiteResult`.
    table : {"checks", "measurements"}
        One row per check (columns :data:`COLUMNS`), or per measurement (columns
        :data:`MEASUREMENT_COLUMNS`: numbers reported next to the checks, never a pass or a fail).

    Returns
    -------
    pandas.DataFrame
        Rows in the order of the results (suites in the given order, or by file name).

    Raises
    ------
    DataFileError
        A missing or unreadable file, or results of another schema (another version of the toolkit: the message
        says which and how to regenerate them).
    BackendUnavailableError
        pandas is not installed.

    Examples
    --------
    >>> import verify
    >>> r = verify.run_suite("patterns", cases=["spec-I1"], seed=3)
    >>> df = load_results(r.to_dict())
    >>> list(df.columns[:6]), len(df) == len(r.results), set(df["seed"])
    (['suite', 'case', 'check', 'theorem', 'kind', 'status'], True, {3})
    >>> load_results(r, table="measurements")[["case", "name", "unit"]].values.tolist()
    [['spec-I1', 'sampling recall', 'fraction']]
    """
    check_option(table, ("checks", "measurements"), name="table", func=_FUNC)
    pd = _pandas()
    rows = []
    for report in _reports(results):
        prov = report.get("provenance") if isinstance(report.get("provenance"), dict) else {}
        pkg = prov.get("package") if isinstance(prov.get("package"), dict) else {}
        if table == "measurements":
            for m in report.get("measurements") or ():
                rows.append({"suite": report["suite"], "case": m.get("case"), "name": m.get("name"),
                             "theorem": m.get("theorem"), "value": _float(m.get("value")), "unit": m.get("unit"),
                             "details": m.get("details", {}), "elapsed_s": _float(m.get("elapsed_s")),
                             "seed": prov.get("seed"), "version": pkg.get("version"),
                             "run_id": report.get("run_id")})
            continue
        for r in report["results"]:
            rows.append({"suite": report["suite"], "case": r.get("case"), "check": r.get("check"),
                         "theorem": r.get("theorem"), "kind": r.get("kind", THEOREM), "status": r["status"],
                         "observed": r.get("observed"), "expected": r.get("expected"),
                         "margin": _float(r.get("margin")), "tolerance": _float(r.get("tolerance")),
                         "witness": r.get("witness"), "details": r.get("details", {}),
                         "elapsed_s": _float(r.get("elapsed_s")), "seed": prov.get("seed"),
                         "version": pkg.get("version"), "run_id": report.get("run_id")})
    if table == "measurements":
        df = pd.DataFrame(rows, columns=list(MEASUREMENT_COLUMNS))
        for col in ("value", "elapsed_s"):
            df[col] = df[col].astype(float)
        return df
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["status"] = pd.Categorical(df["status"], categories=[s.value for s in Status])
    df["kind"] = pd.Categorical(df["kind"], categories=list(KINDS))
    for col in ("margin", "tolerance", "elapsed_s"):
        df[col] = df[col].astype(float)
    return df
