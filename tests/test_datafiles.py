"""geom.datafiles: reading .npz/.csv data files with clear errors, atomic writes."""

from __future__ import annotations

import os

import numpy as np
import pytest

from geom.datafiles import Dataset, atomic_write, check_writable, load_data, read_npz, save_npz_atomic
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
    ({"X": np.array([["a", "b"]]), "y": np.ones(1)}, r"array 'X' of a non-real dtype.*got dtype <U1 \(text\)"),
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
    with pytest.raises(DataFileError, match=r"corrupt\.npz' is not a \.npz archive.*got content that is not a zip"):
        load_data(p)
    q = tmp_path / "obj.npz"
    np.savez(q, X=np.array([[1, None]], dtype=object), y=np.ones(1))
    with pytest.raises(DataFileError, match=r"array 'X' of a non-real dtype.*Python objects \(pickles are never"):
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


# ---- regressions of the CLI fuzz (each named after the defect) -------------------------------------------------

def test_npy_named_npz_gets_a_clear_message(tmp_path):
    p = tmp_path / "x.npz"
    with open(p, "wb") as f:
        np.save(f, np.eye(2))
    with pytest.raises(DataFileError, match=r"is not a \.npz archive.*got a single NumPy \.npy array"):
        load_data(p)


@pytest.mark.parametrize("content, got", [
    (b"", r"an empty file \(0 bytes\)"),
    (b"\x80\x04\x95pickled", r"a Python pickle \(never loaded\)"),
    (b"PK\x03\x04truncated", r"not a readable \.npz archive.*BadZipFile"),
])
def test_empty_pickled_and_truncated_npz(tmp_path, content, got):
    p = tmp_path / "d.npz"
    p.write_bytes(content)
    with pytest.raises(DataFileError, match=got):
        load_data(p)


def test_truncated_real_archive(tmp_path):
    full = _npz(tmp_path / "full.npz", X=np.ones((50, 3)), y=np.ones(50)).read_bytes()
    p = tmp_path / "cut.npz"
    p.write_bytes(full[: len(full) // 2])
    with pytest.raises(DataFileError, match=r"cut\.npz' is not a readable \.npz archive"):
        load_data(p)


def test_non_regular_files_are_refused_before_opening(tmp_path):
    link = tmp_path / "zero.npz"
    os.symlink("/dev/zero", link)  # would read forever
    with pytest.raises(DataFileError, match=r"zero\.npz' is not a regular file: expected a regular \.npz or \.csv "
                                            r"file; got a character device"):
        load_data(link)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading would block until a writer appears
    with pytest.raises(DataFileError, match="got a FIFO"):
        load_data(fifo)
    with pytest.raises(DataFileError, match="got a FIFO"):
        read_npz(fifo, ["X"])


def test_file_and_array_sizes_are_checked_before_reading(tmp_path):
    p = _npz(tmp_path / "d.npz", X=np.ones((100, 2)), y=np.ones(100))
    with pytest.raises(DataFileError, match=r"is too large: expected at most 1 KiB .*got 2\.\d+ KiB"):
        load_data(p, max_bytes=1024)
    # a compressed archive whose array would expand far beyond the limit: refused from the header alone
    q = tmp_path / "bomb.npz"
    np.savez_compressed(q, X=np.zeros((4000, 500)), y=np.zeros(4000))
    assert q.stat().st_size < 100_000
    with pytest.raises(DataFileError, match=r"array 'X' too large to read.*shape \(4000, 500\) of float64 "
                                            r"\(15\.3 MiB\)"):
        load_data(q, max_bytes=1 << 20)


@pytest.mark.parametrize("X, why", [
    (np.ones((2, 2)) * (1 + 1j), r"complex128 \(complex numbers\)"),
    (np.ones((2, 2)) + 0j, r"complex128 \(complex numbers\)"),  # a zero imaginary part is refused too
    (np.array([[b"1", b"2"], [b"3", b"4"]]), r"\|S1 \(bytes\)"),
    (np.zeros((2, 2), dtype="datetime64[s]"), r"datetime64\[s\] \(dates\)"),
    (np.zeros(2, dtype=[("a", "f8"), ("b", "f8")]), r"a structured or raw dtype"),
])
def test_non_real_arrays_are_refused(tmp_path, X, why):
    p = _npz(tmp_path / "d.npz", X=X, y=np.ones(2))
    with pytest.raises(DataFileError, match=r"array 'X' of a non-real dtype.*" + why):
        load_data(p)


def test_uint64_beyond_int64_is_refused_not_wrapped(tmp_path):
    """Regression: 2**63 was wrapped to -2**63 by astype(int64), and the wrong arrangement was certified."""
    big = np.array([[2**63, 1], [1, 2**64 - 1], [3, 1]], dtype=np.uint64)
    p = _npz(tmp_path / "u.npz", X=big, y=np.ones(3))
    with pytest.raises(DataFileError, match=r"integers in 'X' that int64 cannot hold.*got 9223372036854775808 at "
                                            r"\(0, 0\)"):
        load_data(p)
    ok = np.array([[2**63 - 1, 1], [0, 5]], dtype=np.uint64)
    D = load_data(_npz(tmp_path / "ok.npz", X=ok, y=np.ones(2)))
    assert D.X.dtype == np.int64 and D.X.tolist() == [[2**63 - 1, 1], [0, 5]]  # exact, no float rounding


def test_longdouble_kept_only_when_exact(tmp_path):
    X = np.array([[1.5, 2.0]], dtype=np.longdouble)
    assert load_data(_npz(tmp_path / "a.npz", X=X, y=np.ones(1))).X.tolist() == [[1.5, 2.0]]
    if np.finfo(np.longdouble).nmant > 52:  # x86: 64-bit mantissa
        fine = np.array([[1.0 + np.finfo(np.longdouble).eps, 2.0]], dtype=np.longdouble)
        with pytest.raises(DataFileError, match="float64 cannot hold exactly"):
            load_data(_npz(tmp_path / "b.npz", X=fine, y=np.ones(1)))


def test_csv_hex_first_row_is_data_not_a_header(tmp_path):
    """Regression: '0x10,0,1' was silently taken as a header (float('0x10') fails) and the row dropped."""
    p = _write(tmp_path / "h.csv", "0x10,0,1\n1,2,3\n-1,1,0\n")
    with pytest.raises(DataFileError, match=r"non-numeric field at line 1, column 1.*decimal numbers only.*got "
                                            r"'0x10'"):
        load_data(p)


@pytest.mark.parametrize("content, match", [
    ("x1,2,y\n1,2,3\n", "non-numeric field at line 1, column 1"),  # a numeric field: not a header
    ("-a,b\n1,2\n", None),  # a header (nothing numeric)
    ("1_000,2\n", r"non-numeric field at line 1, column 1.*got '1_000'"),
    (f"{2**53 + 1},1\n", r"integer that float64 cannot hold exactly at line 1, column 1"),
    (f"{2**53},1\n-{2**60},2\n", None),  # exactly representable
    ("1e3,.5\n+2,-3.\n", None),
])
def test_csv_number_and_header_rules(tmp_path, content, match):
    p = _write(tmp_path / "r.csv", content)
    if match is None:
        D = load_data(p)
        assert D.n >= 1
        return
    with pytest.raises(DataFileError, match=match):
        load_data(p)


def test_csv_numbers_are_read_exactly(tmp_path):
    D = load_data(_write(tmp_path / "e.csv", f"1e3,.5,7\n+2,-3.,{2**53}\n"))
    np.testing.assert_array_equal(D.X, [[1000.0, 0.5], [2.0, -3.0]])
    assert D.y.tolist() == [7.0, float(2**53)]


def test_zip_named_csv(tmp_path):
    p = tmp_path / "d.csv"
    with open(p, "wb") as f:
        np.savez(f, X=np.eye(2), y=np.ones(2))
    with pytest.raises(DataFileError, match=r"is not a text file.*a zip archive \(a \.npz\? name it \.npz\)"):
        load_data(p)


def test_check_writable_names_the_option_and_probes_the_directory(tmp_path):
    assert check_writable(tmp_path / "a.npz", option="--save", suffix=".npz") == str(tmp_path / "a.npz")
    assert os.listdir(tmp_path) == []  # the probe is gone
    with pytest.raises(DataFileError, match=r"Cannot write '.*' \(--save-net\): expected an existing directory"):
        check_writable(tmp_path / "no" / "a.npz", option="--save-net")
    (tmp_path / "d.npz").mkdir()
    with pytest.raises(DataFileError, match="expected a regular file or a new name; got a directory"):
        check_writable(tmp_path / "d.npz")
    with pytest.raises(DataFileError, match=r"expected a file name ending in \.npz; got '\.txt'"):
        check_writable(tmp_path / "a.txt", suffix=".npz")
    if os.path.isdir("/proc/self"):  # not writable even by root
        with pytest.raises(DataFileError, match=r"\(--out\): expected a writable directory"):
            check_writable("/proc/self/x.npz", option="--out")
