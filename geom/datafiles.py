"""Reading data files (``.npz``, ``.csv``) safely, and writing files atomically.

A data file holds the training data of docs/theory.md §A.1: ``X ∈ R^{n×d}`` (rows ``x_i``), labels ``y ∈ R^n`` and,
optionally, the weight decay ``β > 0``.

* ``.npz`` (NumPy archive, no pickles): arrays ``X`` of shape ``(n, d)``, ``y`` of shape ``(n,)`` and an optional
  scalar ``beta``.  Entries are real numbers: booleans, integers and floats.  Integers are kept **exactly**
  (``int64``); an unsigned entry ``≥ 2**63`` does not fit and is refused, as is a ``longdouble`` value that
  ``float64`` cannot hold exactly.  Complex, string, object (pickled), structured and date arrays are refused.
* ``.csv``: comma-separated numbers, one sample per line, the **last column is y**.  A number is a decimal
  literal (``-1``, ``2.5``, ``.5``, ``1e-3``; ``nan``/``inf`` parse but are refused as non-finite); anything
  else, hexadecimal ``0x10`` and ``1_000`` included, is not a number.  One header line is allowed: a first line
  none of whose fields is a number or starts like one (a digit, a sign, a point), so ``x1,x2,y`` is a header and
  ``0x10,0,1`` is a malformed data row, never a header.  Blank lines and lines starting with ``#`` are ignored.
  An integer literal that ``float64`` cannot hold exactly (``|v| > 2**53``) is refused rather than rounded.

Reading is safe on any path: only regular files are opened (a FIFO, a device such as ``/dev/zero``, a socket or a
directory is refused before opening, so nothing hangs or reads forever), files larger than ``max_bytes`` are
refused before reading, the content is recognized by its magic bytes (a ``.npy`` array or a pickle named
``.npz`` gets a clear message), and the arrays of an archive are checked from their headers (dtype and size)
before any is read, so a small compressed file cannot expand into gigabytes.

Every problem is reported as a :class:`~geom.exceptions.DataFileError` whose message names the file, what was
expected and what was received.  Writes go to a temporary file in the target's directory, which is then renamed
over the target (:func:`os.replace`), so a reader never sees a half-written file.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "b2.npz")
>>> save_npz_atomic(p, X=np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]), y=np.ones(3), beta=0.5)
>>> D = load_data(p)
>>> D.n, D.d, D.beta
(3, 2, 0.5)
>>> load_data(os.path.join(d, "missing.csv"))
Traceback (most recent call last):
...
geom.exceptions.DataFileError: Data file '...missing.csv' does not exist: expected an existing ... file; got no such file.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import tempfile
import zipfile
from array import array
from dataclasses import dataclass, field

import numpy as np

from .exceptions import DataFileError, InvalidInputTypeError

__all__ = ["Dataset", "load_data", "save_npz_atomic", "atomic_write", "check_writable", "regular_file",
           "read_npz", "real_array", "DATA_SUFFIXES", "MAX_FILE_BYTES", "NpzStreamWriter"]

DATA_SUFFIXES = (".npz", ".csv")

#: Largest file (and largest uncompressed array of an archive) that the readers accept, in bytes (1 GiB).  A
#: limit of the readers, not a numerical tolerance: larger inputs are refused before anything is read; pass
#: ``max_bytes`` to :func:`load_data` (or :func:`geom.load_net`) to raise it.
MAX_FILE_BYTES = 1 << 30

_NPZ_EXPECTED = "a NumPy .npz archive with arrays X (n×d), y (n,) and an optional scalar beta"
_CSV_EXPECTED = "comma-separated numbers, last column y, at most one header line"
_EXACT_INT = 2**53  # integers up to this are exact in float64
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)\Z", re.IGNORECASE)
_NUMERIC_START = re.compile(r"[+-]?\.?\d")
_MAGIC = ((b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"\x93NUMPY", "npy"), (b"\x80", "pickle"))


@dataclass(frozen=True)
class Dataset:
    """Training data read from a file (docs/theory.md §A.1).

    Attributes
    ----------
    X : ndarray (n, d)
        Data, finite; ``int64`` if the file stores integers (exactly), else ``float64``.
    y : ndarray of float64 (n,)
        Labels, finite.
    beta : float or None
        Weight decay ``β > 0`` if the file gives one (``.npz`` only).
    path : str
        The file it was read from.
    """

    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    beta: float | None
    path: str

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        """Input dimension (without a bias column)."""
        return int(self.X.shape[1])


def _fail(path, problem: str, expected: str, got: str, what: str = "Data file"):
    return DataFileError(f"{what} '{path}' {problem}: expected {expected}; got {got}.")


def _size(nbytes: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} bytes"


def _describe_nonfinite(arr) -> str:
    bad = ~np.isfinite(arr)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    nbad = int(bad.sum())
    where = first if len(first) != 1 else first[0]
    return f"{nbad} non-finite entr{'y' if nbad == 1 else 'ies'} (NaN or inf), the first at {where}"


# ---- files -----------------------------------------------------------------------------------------------------

def regular_file(path, *, what: str = "Data file", kind: str = "file", max_bytes: int = MAX_FILE_BYTES) -> int:
    """Check that ``path`` is an existing regular file of at most ``max_bytes`` bytes; return its size.

    Nothing is opened: a FIFO (which would block), a device (``/dev/zero`` reads forever), a socket or a
    directory is refused from :func:`os.stat` alone.  Symbolic links are followed.

    Raises
    ------
    DataFileError
        Missing, not a regular file, unreadable metadata, or too large.

    Examples
    --------
    >>> regular_file("/dev/null")
    Traceback (most recent call last):
    ...
    geom.exceptions.DataFileError: Data file '/dev/null' is not a regular file: expected a regular file; got a character device.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _fail(path, "does not exist", f"an existing {kind}", "no such file", what) from None
    except OSError as exc:
        raise _fail(path, "cannot be inspected", f"a readable {kind}",
                    f"{type(exc).__name__}: {exc.strerror}", what) from exc
    if not stat.S_ISREG(st.st_mode):
        kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                 (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                 (stat.S_ISSOCK, "a socket"))
        got = next((k for test, k in kinds if test(st.st_mode)), "not a regular file")
        raise _fail(path, "is a directory" if got == "a directory" else "is not a regular file", f"a regular {kind}",
                    got, what)
    if st.st_size > max_bytes:
        raise _fail(path, "is too large", f"at most {_size(max_bytes)} (raise max_bytes to read it)",
                    _size(st.st_size), what)
    return int(st.st_size)


def _content_kind(path, what, expected) -> str:
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise _fail(path, "cannot be read", f"a readable {expected}", f"{type(exc).__name__}: {exc.strerror}",
                    what) from exc
    if not head:
        return "empty"
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), "other")


def read_npz(path, names, *, optional=(), what: str = "Data file", expected: str = _NPZ_EXPECTED,
             max_bytes: int = MAX_FILE_BYTES) -> dict:
    """The arrays ``names`` (required) and ``optional`` of a ``.npz`` archive, read without pickles.

    The file must be a regular file of at most ``max_bytes`` bytes holding a zip archive.  Each array's header is
    read first: its dtype must be real (bool, integer or floating point) and its size at most ``max_bytes``; only
    then is it read.  Arrays are returned with their stored dtype (see :func:`real_array` for conversions).

    Raises
    ------
    DataFileError
        Not a regular file, too large, empty, not a zip archive (a ``.npy`` array, a pickle, anything else),
        damaged, a required array missing, or an array of a non-real dtype (complex, strings, objects, ...).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
    >>> np.savez(p, U=np.eye(2), c=np.array([1 + 2j]))
    >>> read_npz(p, ["U"])["U"].shape
    (2, 2)
    >>> read_npz(p, ["c"], what="Net file", expected="real arrays")
    Traceback (most recent call last):
    ...
    geom.exceptions.DataFileError: Net file '...a.npz' has an array 'c' of a non-real dtype: expected real arrays; got dtype complex128 (complex numbers).
    """
    path = os.fspath(path)
    regular_file(path, what=what, kind=".npz file", max_bytes=max_bytes)
    kind = _content_kind(path, what, expected)
    if kind != "zip":
        got = {"empty": "an empty file (0 bytes)",
               "npy": "a single NumPy .npy array (write the arrays with numpy.savez)",
               "pickle": "a Python pickle (never loaded)",
               "other": "content that is not a zip archive"}[kind]
        raise _fail(path, "is not a .npz archive", expected, got, what)
    wanted = list(dict.fromkeys([*names, *optional]))
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            members = {m[:-4]: m for m in zf.namelist() if m.endswith(".npy")}
            missing = [k for k in names if k not in members]
            if missing:
                raise _fail(path, f"lacks array{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                            expected, f"arrays {sorted(members)}", what)
            for name in wanted:
                if name not in members:
                    continue
                with zf.open(members[name]) as fp:
                    version = np.lib.format.read_magic(fp)
                    header = (np.lib.format.read_array_header_1_0 if version == (1, 0) else
                              np.lib.format.read_array_header_2_0)
                    shape, _, dtype = header(fp)
                _check_dtype(path, name, dtype, expected, what)
                nbytes = math.prod(shape) * dtype.itemsize
                if nbytes > max_bytes:
                    raise _fail(path, f"has an array '{name}' too large to read",
                                f"at most {_size(max_bytes)} per array (raise max_bytes to read it)",
                                f"shape {tuple(shape)} of {dtype} ({_size(nbytes)})", what)
                with zf.open(members[name]) as fp:
                    out[name] = np.lib.format.read_array(fp, allow_pickle=False)
    except DataFileError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise _fail(path, "is not a readable .npz archive", expected,
                    f"{type(exc).__name__}: {' '.join(str(exc).split())}", what) from exc
    return out


def _check_dtype(path, name, dtype, expected, what):
    if dtype.kind in "biuf" and dtype.fields is None and not dtype.subdtype:
        return
    why = {"c": "complex numbers", "U": "text", "S": "bytes", "O": "Python objects (pickles are never loaded)",
           "V": "a structured or raw dtype", "M": "dates", "m": "time deltas"}.get(dtype.kind, "not real numbers")
    raise _fail(path, f"has an array '{name}' of a non-real dtype", expected, f"dtype {dtype} ({why})", what)


def real_array(path, name, a, *, what: str = "Data file", expected: str = _NPZ_EXPECTED):
    """``a`` (a real array read from ``path``) as ``int64`` (booleans, integers) or ``float64``, exactly.

    An unsigned integer ``≥ 2**63`` (which ``int64`` would wrap to a negative number) and a ``longdouble`` value
    that ``float64`` cannot hold exactly are refused rather than changed.

    >>> real_array("f.npz", "X", np.array([2**63], dtype=np.uint64))
    Traceback (most recent call last):
    ...
    geom.exceptions.DataFileError: Data file 'f.npz' has integers in 'X' that int64 cannot hold: expected ... got 9223372036854775808 at 0.
    """
    _check_dtype(path, name, a.dtype, expected, what)
    if a.dtype.kind == "b":
        return a.astype(np.int64)
    if a.dtype.kind in "iu":
        if a.dtype.kind == "u" and a.dtype.itemsize == 8 and a.size and int(a.max()) >= 2**63:
            first = np.unravel_index(int(np.argmax(a >= np.uint64(2**63))), a.shape)
            where = tuple(int(i) for i in first) if a.ndim > 1 else int(first[0]) if a.ndim else "()"
            raise _fail(path, f"has integers in '{name}' that int64 cannot hold",
                        "integers in [-2**63, 2**63) (they are read exactly; scale them down or store floats)",
                        f"{int(a[first])} at {where}", what)
        return a.astype(np.int64)
    if a.dtype.itemsize > 8:  # longdouble: keep only what float64 holds exactly
        b = a.astype(np.float64)
        finite = np.isfinite(a)
        if np.any(b[finite].astype(a.dtype) != a[finite]):
            raise _fail(path, f"has values in '{name}' that float64 cannot hold exactly", "float64 values",
                        f"dtype {a.dtype} with extra precision", what)
        return b
    return a.astype(np.float64)


def _finite(path, name, a):
    if np.issubdtype(a.dtype, np.floating) and not np.all(np.isfinite(a)):
        raise _fail(path, f"has non-finite values in '{name}'", "finite numbers (no NaN or inf)",
                    _describe_nonfinite(a))


def _validated(path, X, y, beta, expected) -> Dataset:
    X = real_array(path, "X", X, expected=expected)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise _fail(path, "has an array 'X' of the wrong shape", "a 2-D array (n, d) with n ≥ 1 and d ≥ 1",
                    f"shape {X.shape}")
    _finite(path, "X", X)
    y = real_array(path, "y", y, expected=expected)
    if y.shape != (X.shape[0],):
        raise _fail(path, "has an array 'y' of the wrong shape", f"shape (n,) = ({X.shape[0]},), one label per "
                    "row of X", f"shape {y.shape}")
    y = y.astype(np.float64)
    _finite(path, "y", y)
    if beta is not None:
        b = real_array(path, "beta", beta, expected=expected)
        if b.size != 1:
            raise _fail(path, "has a non-scalar 'beta'", "a scalar β > 0", f"shape {b.shape}")
        b = float(b.reshape(()))
        if not math.isfinite(b) or not b > 0:
            raise _fail(path, "has an invalid 'beta'", "a finite scalar β > 0", repr(b))
        beta = b
    return Dataset(X=X, y=y, beta=beta, path=str(path))


def _load_npz(path, max_bytes) -> Dataset:
    z = read_npz(path, ["X", "y"], optional=["beta"], max_bytes=max_bytes)
    return _validated(path, z["X"], z["y"], z.get("beta"), _NPZ_EXPECTED)


def _csv_number(token):
    """``float`` of a CSV field, or ``None`` if it is not a number (module notes); raises ``OverflowError`` for an
    integer literal that float64 cannot hold exactly."""
    if _NUMBER.match(token):
        if _INTEGER.match(token) and abs(int(token)) > _EXACT_INT and float(int(token)) != int(token):
            raise OverflowError(token)
        return float(token)
    if _NONFINITE.match(token):
        return float(token)
    return None


def _is_header(fields) -> bool:
    return all(f and _csv_number(f) is None and not _NUMERIC_START.match(f) for f in fields)


def _load_csv(path) -> Dataset:
    values, rows, width, header_seen, anything = array("d"), 0, None, False, False
    try:
        with open(path, encoding="utf-8-sig", newline=None) as f:
            for lineno, line in enumerate(f, start=1):
                s = line.strip()
                anything |= bool(s)
                if not s or s.startswith("#"):
                    continue
                fields = [t.strip() for t in s.split(",")]
                try:
                    vals = [_csv_number(t) for t in fields]
                except OverflowError as exc:
                    col = next(j for j, t in enumerate(fields) if t == str(exc)) + 1
                    raise _fail(path, f"has an integer that float64 cannot hold exactly at line {lineno}, column "
                                f"{col}", "integers of magnitude ≤ 2**53 (or an .npz with int64)",
                                repr(str(exc))) from None
                if any(v is None for v in vals):
                    if not rows and not header_seen and _is_header(fields):
                        header_seen = True
                        continue
                    col = next(j for j, v in enumerate(vals) if v is None) + 1
                    raise _fail(path, f"has a non-numeric field at line {lineno}, column {col}",
                                _CSV_EXPECTED + " (decimal numbers only)", repr(fields[col - 1]))
                if width is None:
                    width = len(vals)
                    if width < 2:
                        raise _fail(path, f"has too few columns at line {lineno}", "at least 2 columns (X then y)",
                                    f"{width} column")
                elif len(vals) != width:
                    raise _fail(path, f"has a ragged row at line {lineno}", f"{width} columns on every line",
                                f"{len(vals)} columns")
                if not all(math.isfinite(v) for v in vals):
                    col = next(j for j, v in enumerate(vals) if not math.isfinite(v)) + 1
                    raise _fail(path, f"has a non-finite value at line {lineno}, column {col}",
                                "finite numbers (no NaN or inf)", repr(fields[col - 1]))
                values.extend(vals)
                rows += 1
    except UnicodeDecodeError as exc:
        raise _fail(path, "is not a text file", _CSV_EXPECTED, f"undecodable bytes at offset {exc.start}") from exc
    except OSError as exc:
        if isinstance(exc, DataFileError):
            raise
        raise _fail(path, "cannot be read", "a readable file", f"{type(exc).__name__}: {exc.strerror}") from exc
    if not rows:
        raise _fail(path, "has no data rows", _CSV_EXPECTED, "only a header or comments" if anything else
                    "an empty file")
    A = np.frombuffer(values, dtype=np.float64).reshape(rows, width)
    return _validated(path, A[:, :-1], A[:, -1].copy(), None, _CSV_EXPECTED)


def load_data(path, *, max_bytes: int = MAX_FILE_BYTES) -> Dataset:
    """Read ``X``, ``y`` and the optional ``β`` from a ``.npz`` or ``.csv`` file (format in the module notes).

    Parameters
    ----------
    path : str or os.PathLike
        A regular file ending in ``.npz`` or ``.csv`` (case-insensitive).
    max_bytes : int
        Largest file (and largest array of an archive) read, default :data:`MAX_FILE_BYTES`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataFileError
        Missing, unreadable or non-regular file (directory, FIFO, device), too large, wrong extension or content
        (a ``.npy`` array named ``.npz``), missing arrays, wrong shapes, non-real content (complex, text,
        objects), integers that cannot be held exactly, NaN or inf, or an invalid ``beta``.
    InvalidInputTypeError
        ``path`` is not a string or path.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "line.csv")
    >>> with open(p, "w") as f:
    ...     _ = f.write("x,y\\n-1,0\\n0,1\\n1,0\\n")
    >>> D = load_data(p)
    >>> D.X.tolist(), D.y.tolist(), D.beta
    ([[-1.0], [0.0], [1.0]], [0.0, 1.0, 0.0], None)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidInputTypeError(f"The 'path' parameter of load_data must be a str or os.PathLike. "
                                    f"Got {type(path).__name__} instead.")
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in DATA_SUFFIXES:
        raise _fail(path, "has an unsupported extension", "a .npz or .csv file", repr(suffix or "no extension"))
    regular_file(path, kind=".npz or .csv file", max_bytes=max_bytes)
    if suffix == ".npz":
        return _load_npz(path, max_bytes)
    kind = _content_kind(path, "Data file", _CSV_EXPECTED)
    if kind in ("zip", "npy", "pickle"):
        raise _fail(path, "is not a text file", _CSV_EXPECTED,
                    {"zip": "a zip archive (a .npz? name it .npz)", "npy": "a NumPy .npy array",
                     "pickle": "a Python pickle (never loaded)"}[kind])
    return _load_csv(path)


# ---- writing ---------------------------------------------------------------------------------------------------

def check_writable(path, *, option: str | None = None, suffix: str | None = None) -> str:
    """Check, before any work, that :func:`atomic_write` can create ``path``; return it.

    The directory must exist and accept a new file (probed by creating and removing a temporary file, which
    also works for root and read-only file systems); ``path`` must not be a directory or another non-regular
    file.  Messages name ``option`` (a command-line option) when given.

    Raises
    ------
    DataFileError

    Examples
    --------
    >>> check_writable("/no/such/dir/net.npz", option="--save-net")
    Traceback (most recent call last):
    ...
    geom.exceptions.DataFileError: Cannot write '/no/such/dir/net.npz' (--save-net): expected an existing directory; got no directory '/no/such/dir'.
    """
    path = os.fspath(path)
    tag = f" ({option})" if option else ""

    def fail(expected, got):
        return DataFileError(f"Cannot write '{path}'{tag}: expected {expected}; got {got}.")

    if suffix is not None and not path.lower().endswith(suffix):
        raise fail(f"a file name ending in {suffix}", repr(os.path.splitext(path)[1] or "no extension"))
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise fail("an existing directory", f"no directory '{directory}'")
    if os.path.lexists(path):
        try:
            st = os.stat(path)
        except OSError as exc:
            raise fail("a writable file", f"{type(exc).__name__}: {exc.strerror}") from exc
        if not stat.S_ISREG(st.st_mode):
            raise fail("a regular file or a new name", "a directory" if stat.S_ISDIR(st.st_mode) else
                       "an existing non-regular file")
    try:
        fd, probe = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".probe")
    except OSError as exc:
        raise fail("a writable directory", f"{type(exc).__name__}: {exc.strerror} in '{directory}'") from exc
    os.close(fd)
    os.unlink(probe)
    return path


def atomic_write(path, data: bytes | str) -> str:
    """Write ``data`` to ``path`` atomically: a temporary file in the same directory, then :func:`os.replace`.

    The temporary file is ``.<name>.<random>.tmp``; it is removed if anything fails, and errors name ``path``
    (never the temporary file).  Text is encoded as UTF-8.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> atomic_write(p, "hello") == p, open(p).read()
    (True, 'hello')
    """
    path = os.fspath(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise DataFileError(f"Cannot write '{path}': expected an existing directory; got no directory "
                            f"'{directory}'.")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as exc:
        raise DataFileError(f"Cannot write '{path}': expected a writable directory; got "
                            f"{type(exc).__name__}: {exc.strerror}.") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise DataFileError(f"Cannot write '{path}': expected a writable file; got "
                                f"{type(exc).__name__}: {exc.strerror}.") from exc
        raise
    return path


def save_npz_atomic(path, **arrays) -> None:
    """Save ``arrays`` to an uncompressed ``.npz`` at ``path`` atomically (see :func:`atomic_write`).

    Raises :class:`~geom.exceptions.DataFileError` if ``path`` does not end in ``.npz`` or cannot be written.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "p.npz")
    >>> save_npz_atomic(p, patterns=np.eye(2, dtype=bool))
    >>> np.load(p)["patterns"].tolist()
    [[True, False], [False, True]]
    """
    path = os.fspath(path)
    if not path.lower().endswith(".npz"):
        raise DataFileError(f"Cannot write '{path}': expected a file name ending in .npz; got "
                            f"{os.path.splitext(path)[1] or 'no extension'!r}.")
    buf = io.BytesIO()
    np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})
    atomic_write(path, buf.getvalue())


_COPY_BLOCK = 1 << 22
"""Bytes copied at a time when a streamed column is moved into the archive."""


class NpzStreamWriter:
    """Write an uncompressed ``.npz`` whose arrays arrive row block by row block, atomically, in bounded memory.

    ``append(name, rows)`` adds rows to the array ``name`` (same dtype and row shape each time); ``put(name,
    value)`` sets a small array.  Appended rows go to temporary files next to ``path``; :meth:`close` writes the
    archive (each column's ``.npy`` header, then its rows copied a block at a time) to a temporary file and
    renames it over ``path`` (:func:`os.replace`).  Used as a context manager, an exception discards everything
    and leaves ``path`` untouched.  The result reads like :func:`save_npz_atomic`'s (``np.load``).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "s.npz")
    >>> with NpzStreamWriter(p) as w:
    ...     w.append("packed", np.array([[1, 2]], np.uint8))
    ...     w.append("packed", np.array([[3, 4], [5, 6]], np.uint8))
    ...     w.put("count", 3)
    >>> z = np.load(p)
    >>> z["packed"].tolist(), int(z["count"])
    ([[1, 2], [3, 4], [5, 6]], 3)
    """

    def __init__(self, path):
        self.path = check_writable(path, suffix=".npz")
        self._dir = os.path.dirname(os.path.abspath(self.path))
        self._cols: dict = {}  # name -> [tmp path, file, dtype, row shape, rows]
        self._small: dict = {}

    def _tmp(self):
        fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=f".{os.path.basename(self.path)}.", suffix=".tmp")
        return tmp, os.fdopen(fd, "wb")

    def append(self, name: str, rows) -> None:
        rows = np.ascontiguousarray(rows)
        col = self._cols.get(name)
        if col is None:
            tmp, f = self._tmp()
            col = self._cols[name] = [tmp, f, rows.dtype, rows.shape[1:], 0]
        elif rows.dtype != col[2] or rows.shape[1:] != col[3]:
            raise ValueError(f"NpzStreamWriter.append: '{name}' rows are {col[2]} {col[3]}; got {rows.dtype} "
                             f"{rows.shape[1:]}")
        try:
            col[1].write(rows.tobytes())
        except OSError as exc:
            raise DataFileError(f"Cannot write '{self.path}': expected a writable file; got "
                                f"{type(exc).__name__}: {exc.strerror}.") from exc
        col[4] += rows.shape[0]

    def put(self, name: str, value) -> None:
        self._small[name] = np.asarray(value)

    def close(self) -> str:
        """Assemble the archive and rename it over ``path``; returns ``path``."""
        from numpy.lib import format as npy

        tmp, f = self._tmp()
        f.close()
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                for name, (ctmp, cf, dtype, shape, nrows) in self._cols.items():
                    cf.close()
                    with zf.open(name + ".npy", "w", force_zip64=True) as out, open(ctmp, "rb") as src:
                        npy.write_array_header_2_0(out, {"descr": npy.dtype_to_descr(dtype), "fortran_order": False,
                                                         "shape": (nrows, *shape)})
                        while block := src.read(_COPY_BLOCK):
                            out.write(block)
                for name, value in self._small.items():
                    with zf.open(name + ".npy", "w", force_zip64=True) as out:
                        npy.write_array(out, value, allow_pickle=False)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise DataFileError(f"Cannot write '{self.path}': expected a writable file; got "
                                f"{type(exc).__name__}: {exc.strerror}.") from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
            self.discard()
        return self.path

    def discard(self) -> None:
        """Remove the temporary files (``path`` is left as it was)."""
        for ctmp, cf, *_ in self._cols.values():
            cf.close()
            if os.path.exists(ctmp):
                os.unlink(ctmp)
        self._cols.clear()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.discard()
        return False
