"""geom.datafiles: reading .npz/.csv data files with clear errors, atomic writes."""

from __future__ import annotations

import os

import numpy as np
import pytest

from geom.datafiles import Dataset, atomic_write, load_data, save_npz_atomic
from geom.exceptions import DataFileError, GeomError, InvalidInputTypeError

B2 = np.array([[1, 0], [-1, 0], [0, 1]])


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_npz_round_trip_keeps_integers_and_beta(tmp_path):
    p = tmp_path / "b2.npz"
    save_npz_atomic(p, X=B2, y=np.array([1.0, 2.0, 3.0]), beta=0.25)
    D = load_data(p)
    assert isinstance(D, Dataset)
    assert D.X.dtype == np.int64
    np.testing.assert_array_equal(D.X, B2)
    np.testing.assert_array_equal(D.y, [1.0, 2.0, 3.0])
    assert D.beta == 0.25
    assert (D.n, D.d) == (3, 2)
    assert D.path == str(p)


def test_npz_without_beta(tmp_path):
    D = load_data(_npz(tmp_path / "a.npz", X=np.eye(2), y=np.zeros(2)))
    assert D.beta is None
    assert D.X.dtype == np.float64


def test_csv_with_header_comments_and_blank_lines(tmp_path):
    p = _write(tmp_path / "d.csv", "# a comment\nx1, x2, y\n\n1,0,1\n-1,0,2\n0,1,3\n")
    D = load_data(p)
    np.testing.assert_array_equal(D.X, B2.astype(float))
    np.testing.assert_array_equal(D.y, [1.0, 2.0, 3.0])
    assert D.beta is None


def test_csv_without_header_and_upper_case_suffix(tmp_path):
    D = load_data(_write(tmp_path / "d.CSV", "-1,0\n0,1\n1,0\n2,1\n"))
    np.testing.assert_array_equal(D.X[:, 0], [-1.0, 0.0, 1.0, 2.0])
    assert D.X.shape == (4, 1)


@pytest.mark.parametrize("name, content, match", [
    ("a.txt", "1,2\n", r"unsupported extension: expected a \.npz or \.csv file; got '\.txt'"),
    ("a.csv", "", "has no data rows"),
    ("a.csv", "x,y\n", "has no data rows.*only a header"),
    ("a.csv", "1,2\n3,abc\n", r"non-numeric field at line 2, column 2.*got 'abc'"),
    ("a.csv", "x,y\nu,v\n1,2\n", "non-numeric field at line 2, column 1"),
    ("a.csv", "1,2\n3,4,5\n", "ragged row at line 2: expected 2 columns on every line; got 3 columns"),
    ("a.csv", "1\n2\n", "too few columns at line 1"),
    ("a.csv", "1,2\nnan,4\n", r"non-finite value at line 2, column 1.*got 'nan'"),
    ("a.csv", "1,inf\n", "non-finite value at line 1, column 2"),
])
def test_csv_and_extension_errors(tmp_path, name, content, match):
    p = _write(tmp_path / name, content)
    with pytest.raises(DataFileError, match=match) as info:
        load_data(p)
    assert str(p) in str(info.value)
    assert isinstance(info.value, GeomError)


def test_csv_binary_content(tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DataFileError, match="is not a text file"):
        load_data(p)


@pytest.mark.parametrize("arrays, match", [
    ({"X": np.eye(2)}, r"lacks array 'y'.*got arrays \['X'\]"),
    ({"A": np.eye(2)}, "lacks arrays 'X', 'y'"),
    ({"X": np.ones(3), "y": np.ones(3)}, r"array 'X' of the wrong shape.*got shape \(3,\)"),
    ({"X": np.ones((0, 2)), "y": np.ones(0)}, r"array 'X' of the wrong shape.*got shape \(0, 2\)"),
    ({"X": np.ones((3, 2)), "y": np.ones(2)}, r"array 'y' of the wrong shape: expected shape \(n,\) = \(3,\)"),
    ({"X": np.ones((3, 2)), "y": np.ones((3, 1))}, r"'y' of the wrong shape.*got shape \(3, 1\)"),
    ({"X": np.array([[1.0, np.inf]]), "y": np.ones(1)}, r"non-finite values in 'X'.*the first at \(0, 1\)"),
    ({"X": np.ones((2, 1)), "y": np.array([0.0, np.nan])}, "non-finite values in 'y'.*the first at 1"),
    ({"X": np.array([["a", "b"]]), "y": np.ones(1)}, "non-numeric array 'X'.*got dtype <U1"),
    ({"X": np.ones((1, 1)), "y": np.ones(1), "beta": -1.0}, r"invalid 'beta': expected a finite scalar β > 0"),
    ({"X": np.ones((1, 1)), "y": np.ones(1), "beta": np.ones(2)}, "non-scalar 'beta'"),
])
def test_npz_content_errors(tmp_path, arrays, match):
    p = _npz(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataFileError, match=match) as info:
        load_data(p)
    assert str(p) in str(info.value)


def test_npz_unreadable_and_pickled(tmp_path):
    p = tmp_path / "corrupt.npz"
    p.write_bytes(b"this is not a zip archive")
    with pytest.raises(DataFileError, match=r"corrupt\.npz' is not a readable \.npz archive"):
        load_data(p)
    q = tmp_path / "obj.npz"
    np.savez(q, X=np.array([[1, None]], dtype=object), y=np.ones(1))
    with pytest.raises(DataFileError, match="not a readable .npz archive"):
        load_data(q)


def test_missing_file_directory_and_path_type(tmp_path):
    with pytest.raises(DataFileError, match="does not exist: expected an existing .npz or .csv file; got no such"):
        load_data(tmp_path / "nope.npz")
    d = tmp_path / "dir.npz"
    d.mkdir()
    with pytest.raises(DataFileError, match="is a directory"):
        load_data(d)
    with pytest.raises(InvalidInputTypeError, match="The 'path' parameter of load_data must be a str"):
        load_data(3)


def test_save_npz_atomic_errors_and_no_temporaries(tmp_path):
    p = tmp_path / "out.npz"
    save_npz_atomic(p, a=np.arange(3))
    save_npz_atomic(p, a=np.arange(4))  # overwrite
    with np.load(p) as z:
        np.testing.assert_array_equal(z["a"], np.arange(4))
    with pytest.raises(DataFileError, match=r"expected a file name ending in \.npz; got '\.txt'"):
        save_npz_atomic(tmp_path / "out.txt", a=np.arange(3))
    with pytest.raises(DataFileError, match="expected an existing directory"):
        save_npz_atomic(tmp_path / "missing" / "out.npz", a=np.arange(3))
    assert sorted(os.listdir(tmp_path)) == ["out.npz"]


def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch):
    p = tmp_path / "r.json"
    atomic_write(p, "old")

    def boom(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(DataFileError, match="Cannot write .*Permission denied"):
        atomic_write(p, "new")
    monkeypatch.undo()
    assert p.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["r.json"]
