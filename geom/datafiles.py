"""Reading data files (``.npz``, ``.csv``) and writing files atomically.

A data file holds the training data of SPEC.md §A.1: ``X ∈ R^{n×d}`` (rows ``x_i``), labels ``y ∈ R^n`` and,
optionally, the weight decay ``β > 0``.

* ``.npz`` (NumPy archive, no pickles): arrays ``X`` of shape ``(n, d)``, ``y`` of shape ``(n,)`` and an optional
  scalar ``beta``.
* ``.csv``: comma-separated numbers, one sample per line, the **last column is y**.  One header line is allowed
  (it is recognized by a non-numeric field).  Blank lines and lines starting with ``#`` are ignored.

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
import os
import tempfile
import zipfile
from dataclasses import dataclass, field

import numpy as np

from .exceptions import DataFileError, InvalidInputTypeError

__all__ = ["Dataset", "load_data", "save_npz_atomic", "atomic_write", "DATA_SUFFIXES"]

DATA_SUFFIXES = (".npz", ".csv")
_NPZ_EXPECTED = "a NumPy .npz archive with arrays X (n×d), y (n,) and an optional scalar beta"
_CSV_EXPECTED = "comma-separated numbers, last column y, at most one header line"


@dataclass(frozen=True)
class Dataset:
    """Training data read from a file (SPEC.md §A.1).

    Attributes
    ----------
    X : ndarray (n, d)
        Data, finite; ``int64`` if the file stores integers, else ``float64``.
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


def _fail(path, problem: str, expected: str, got: str):
    return DataFileError(f"Data file '{path}' {problem}: expected {expected}; got {got}.")


def _describe_nonfinite(arr) -> str:
    bad = ~np.isfinite(arr)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    nbad = int(bad.sum())
    where = first if len(first) != 1 else first[0]
    return f"{nbad} non-finite entr{'y' if nbad == 1 else 'ies'} (NaN or inf), the first at {where}"


def _numeric_array(path, name, a, expected):
    """``a`` as int64 or float64, or raise naming the array."""
    if a.dtype == bool:
        return a.astype(np.int64)
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64)
    if np.issubdtype(a.dtype, np.floating):
        return a.astype(np.float64)
    raise _fail(path, f"has a non-numeric array '{name}'", expected, f"dtype {a.dtype}")


def _finite(path, name, a):
    if np.issubdtype(a.dtype, np.floating) and not np.all(np.isfinite(a)):
        raise _fail(path, f"has non-finite values in '{name}'", "finite numbers (no NaN or inf)",
                    _describe_nonfinite(a))


def _validated(path, X, y, beta, expected) -> Dataset:
    X = _numeric_array(path, "X", X, expected)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise _fail(path, "has an array 'X' of the wrong shape", "a 2-D array (n, d) with n ≥ 1 and d ≥ 1",
                    f"shape {X.shape}")
    _finite(path, "X", X)
    y = _numeric_array(path, "y", y, expected)
    if y.shape != (X.shape[0],):
        raise _fail(path, "has an array 'y' of the wrong shape", f"shape (n,) = ({X.shape[0]},), one label per "
                    "row of X", f"shape {y.shape}")
    y = y.astype(np.float64)
    _finite(path, "y", y)
    if beta is not None:
        b = _numeric_array(path, "beta", beta, expected)
        if b.size != 1:
            raise _fail(path, "has a non-scalar 'beta'", "a scalar β > 0", f"shape {b.shape}")
        b = float(b.reshape(()))
        if not np.isfinite(b) or b <= 0:
            raise _fail(path, "has an invalid 'beta'", "a finite scalar β > 0", repr(b))
        beta = b
    return Dataset(X=X, y=y, beta=beta, path=str(path))


def _load_npz(path) -> Dataset:
    try:
        with np.load(path, allow_pickle=False) as z:
            names = sorted(z.files)
            missing = [k for k in ("X", "y") if k not in names]
            if missing:
                raise _fail(path, f"lacks array{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                            _NPZ_EXPECTED, f"arrays {names}")
            X, y = z["X"], z["y"]
            beta = z["beta"] if "beta" in names else None
    except DataFileError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise _fail(path, "is not a readable .npz archive", _NPZ_EXPECTED,
                    f"{type(exc).__name__}: {' '.join(str(exc).split())}") from exc
    return _validated(path, X, y, beta, _NPZ_EXPECTED)


def _parse_float(s):
    try:
        return float(s)
    except ValueError:
        return None


def _load_csv(path) -> Dataset:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise _fail(path, "cannot be read", "a readable file", f"{type(exc).__name__}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, "is not a text file", _CSV_EXPECTED, f"undecodable bytes at offset {exc.start}") from exc
    rows, width, header_seen = [], None, False
    for lineno, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        fields = [t.strip() for t in s.split(",")]
        vals = [_parse_float(t) for t in fields]
        if any(v is None for v in vals):
            if not rows and not header_seen:
                header_seen = True
                continue
            col = next(j for j, v in enumerate(vals) if v is None) + 1
            raise _fail(path, f"has a non-numeric field at line {lineno}, column {col}", _CSV_EXPECTED,
                        repr(fields[col - 1]))
        if width is None:
            width = len(vals)
            if width < 2:
                raise _fail(path, f"has too few columns at line {lineno}", "at least 2 columns (X then y)",
                            f"{width} column")
        elif len(vals) != width:
            raise _fail(path, f"has a ragged row at line {lineno}", f"{width} columns on every line",
                        f"{len(vals)} columns")
        if not all(np.isfinite(vals)):
            col = next(j for j, v in enumerate(vals) if not np.isfinite(v)) + 1
            raise _fail(path, f"has a non-finite value at line {lineno}, column {col}",
                        "finite numbers (no NaN or inf)", repr(fields[col - 1]))
        rows.append(vals)
    if not rows:
        raise _fail(path, "has no data rows", _CSV_EXPECTED, "an empty file" if not text.strip() else
                    "only a header or comments")
    A = np.array(rows, dtype=np.float64)
    return _validated(path, A[:, :-1], A[:, -1], None, _CSV_EXPECTED)


def load_data(path) -> Dataset:
    """Read ``X``, ``y`` and the optional ``β`` from a ``.npz`` or ``.csv`` file (format in the module notes).

    Parameters
    ----------
    path : str or os.PathLike
        File ending in ``.npz`` or ``.csv`` (case-insensitive).

    Returns
    -------
    Dataset

    Raises
    ------
    DataFileError
        Missing or unreadable file, wrong extension, missing arrays, wrong shapes, non-numeric content,
        NaN or inf, or an invalid ``beta``.
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
    if not os.path.exists(path):
        raise _fail(path, "does not exist", "an existing .npz or .csv file", "no such file")
    if os.path.isdir(path):
        raise _fail(path, "is a directory", "a .npz or .csv file", "a directory")
    return _load_npz(path) if suffix == ".npz" else _load_csv(path)


def atomic_write(path, data: bytes | str) -> str:
    """Write ``data`` to ``path`` atomically: a temporary file in the same directory, then :func:`os.replace`.

    The temporary file is ``.<name>.<random>.tmp``; it is removed if anything fails.  Text is encoded as UTF-8.

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
