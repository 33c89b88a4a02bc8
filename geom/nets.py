"""Two-layer ReLU networks as values, and the maps between the nonconvex and convex problems (docs/theory.md §A).

A network is ``θ = (U (m×d), α (m,))`` with output ``f_θ(X) = Σ_j (X u_j)_+ α_j`` and objective
``L_β(θ) = ½‖f_θ(X) − y‖² + (β/2)(‖U‖_F² + ‖α‖²)`` (docs/theory.md §A.1).  With a *regularized bias* (§A.6) the first
layer acts on ``X̃ = [X, 1]``: ``U`` has ``d + 1`` columns, the bias last, and the bias is penalized like a weight.
Leading axes of ``U`` and ``α`` are batch axes (many networks at once).

Maps (docs/theory.md §A.5): :func:`psi` (convex → nonconvex, scaled neurons), :func:`phi` (nonconvex → convex),
:func:`split_neuron`, :func:`permute`, :func:`zero_pad`.  Files: :func:`save_net` / :func:`load_net` (``.npz`` with
``U`` and ``alpha``), :func:`net_from_torch` / :func:`net_to_torch` (``nn.Sequential(nn.Linear(d, m), nn.ReLU(),
nn.Linear(m, 1, bias=False))``), and :func:`beta_from_torch` for PyTorch's loss/weight-decay conventions.

Examples
--------
>>> import numpy as np
>>> W = {"u": np.array([[1.5, 0.0]]), "v": np.array([[0.0, 0.0]])}
>>> net = psi(W["u"], W["v"])
>>> np.round(net.U, 12).tolist(), np.round(net.alpha, 12).tolist()    # √1.5 each (docs/theory.md §A.5)
([[1.224744871392, 0.0]], [1.224744871392])
>>> float(net.objective(np.array([[1.0, 0.0]]), np.array([2.0]), 1.0))
1.625
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_matrix, check_vector, message
from .datafiles import MAX_FILE_BYTES, read_npz, real_array, regular_file, save_npz_atomic
from .exceptions import BackendUnavailableError, DataFileError, InvalidInputError, InvalidInputTypeError
from .kernels import relu_forward, relu_objective

__all__ = ["Net", "psi", "phi", "split_neuron", "permute", "zero_pad", "save_net", "load_net",
           "net_from_torch", "net_to_torch", "beta_from_torch", "augment"]


def augment(X, bias: bool):
    """``X`` or ``X̃ = [X, 1]`` (regularized bias, docs/theory.md §A.6)."""
    X = np.asarray(X, dtype=np.float64)
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1) if bias else X


def _real(value, name):
    """``value`` as a float64 array; complex, text and other non-real entries are refused (never truncated)."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biufO" or arr.dtype.fields is not None:
        raise InvalidInputTypeError(message(name, "Net", "a real array (bool, integer or floating point)",
                                            f"dtype {arr.dtype}"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            return np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError, np.exceptions.ComplexWarning):
        raise InvalidInputTypeError(message(name, "Net", "a real array (bool, integer or floating point)",
                                            "entries that are not real numbers")) from None


@dataclass(frozen=True)
class Net:
    """A two-layer ReLU network (or a batch of them).

    Attributes
    ----------
    U : ndarray (..., m, d) or (..., m, d + 1) with ``bias``
    alpha : ndarray (..., m)
    bias : bool
        The last column of ``U`` is a regularized bias.
    """

    U: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    bias: bool = False

    def __post_init__(self):
        U, a = _real(self.U, "U"), _real(self.alpha, "alpha")
        if U.ndim < 2 or a.shape != U.shape[:-1]:
            raise InvalidInputError(message("alpha", "Net", f"of shape U.shape[:-1] = {U.shape[:-1]}",
                                            f"shape {a.shape}"))
        if not (np.all(np.isfinite(U)) and np.all(np.isfinite(a))):
            raise InvalidInputError(message("U/alpha", "Net", "finite (no NaN or inf)", "non-finite weights"))
        object.__setattr__(self, "U", U)
        object.__setattr__(self, "alpha", a)

    @property
    def width(self) -> int:
        """Number of hidden neurons ``m``."""
        return int(self.U.shape[-2])

    @property
    def input_dim(self) -> int:
        """Data dimension ``d`` (without the bias column)."""
        return int(self.U.shape[-1]) - int(self.bias)

    def check_data(self, X, func="Net"):
        X = check_matrix(X, name="X", func=func)
        if X.shape[1] != self.input_dim:
            raise InvalidInputError(message("X", func, f"of shape (n, {self.input_dim}) to match the net "
                                            f"(U has {self.U.shape[-1]} columns{', bias last' if self.bias else ''})",
                                            f"shape {X.shape}"))
        return X

    def output(self, X):
        """``f_θ(X)``, shape ``(..., n)``."""
        X = self.check_data(X, "Net.output")
        return relu_forward(augment(X, self.bias), self.U, self.alpha)

    def objective(self, X, y, beta):
        """``L_β(θ) = ½‖f_θ(X) − y‖² + (β/2)(‖U‖² + ‖α‖²)``."""
        X = self.check_data(X, "Net.objective")
        y = check_vector(y, length=X.shape[0], name="y", func="Net.objective")
        return relu_objective(augment(X, self.bias), y, self.U, self.alpha, float(beta))

    def is_scaled(self, rtol: float = 1e-9) -> bool:
        """``‖u_j‖ = |α_j|`` for every neuron (docs/theory.md §A.4), to relative tolerance ``rtol``."""
        nu, na = np.linalg.norm(self.U, axis=-1), np.abs(self.alpha)
        return bool(np.all(np.abs(nu - na) <= rtol * np.maximum(1.0, np.maximum(nu, na))))


def psi(U_pos, V_neg, *, bias: bool = False, zero_tol: float = 0.0) -> Net:
    """ψ: convex solution ``(u_k, v_k)_k`` to a scaled network (docs/theory.md §A.5).

    Each ``u_k ≠ 0`` becomes ``(u_k/√‖u_k‖, +√‖u_k‖)``, each ``v_k ≠ 0`` becomes ``(v_k/√‖v_k‖, −√‖v_k‖)``;
    output and penalty are preserved and the width is ``card(W)``.  Rows with norm ``≤ zero_tol`` count as zero.
    """
    U_pos, V_neg = np.atleast_2d(np.asarray(U_pos, float)), np.atleast_2d(np.asarray(V_neg, float))
    rows, alphas = [], []
    for M, sign in ((U_pos, 1.0), (V_neg, -1.0)):
        for z in M:
            nz = np.linalg.norm(z)
            if nz > zero_tol:
                rows.append(z / np.sqrt(nz))
                alphas.append(sign * np.sqrt(nz))
    d = U_pos.shape[1]
    return Net(np.array(rows).reshape(len(rows), d), np.array(alphas), bias=bias)


def phi(net: Net, X):
    """φ: a network to a feasible point of the convex program (docs/theory.md §A.5).

    Neuron ``j`` goes to the pattern ``D = diag(1[X̃u_j ≥ 0])``, whose cone contains ``u_j``, as
    ``z_j = |α_j| u_j`` in the ``u`` slot (``α_j > 0``) or ``v`` slot (``α_j < 0``); neurons sharing a signed
    pattern are summed.  The fit is preserved and the convex penalty is ``≤ L_β``'s.

    Returns
    -------
    patterns : ndarray of bool (K, n)
    U_pos, V_neg : ndarray (K, d)
    """
    X = net.check_data(X, "phi")
    Xa = augment(X, net.bias)
    acc = {}
    for u, a in zip(net.U, net.alpha):
        if a == 0 or not np.any(u):
            continue
        key = tuple((Xa @ u >= 0).tolist())
        pos, neg = acc.setdefault(key, [np.zeros(Xa.shape[1]), np.zeros(Xa.shape[1])])
        (pos if a > 0 else neg)[:] += abs(a) * u
    if not acc:
        return np.zeros((0, X.shape[0]), bool), np.zeros((0, Xa.shape[1])), np.zeros((0, Xa.shape[1]))
    keys = sorted(acc)
    return (np.array(keys, dtype=bool), np.array([acc[k][0] for k in keys]), np.array([acc[k][1] for k in keys]))


def split_neuron(net: Net, j: int, gammas) -> Net:
    """Replace neuron ``j`` by ``(√γ_l u_j, √γ_l α_j)``, ``γ ≥ 0, Σγ = 1``: output and penalty unchanged."""
    g = np.asarray(gammas, dtype=float)
    if np.any(g < 0) or not np.isclose(g.sum(), 1.0, rtol=0, atol=1e-12):
        raise InvalidInputError(message("gammas", "split_neuron", "nonnegative weights summing to 1", repr(gammas)))
    s = np.sqrt(g)
    U = np.concatenate([net.U[:j], s[:, None] * net.U[j], net.U[j + 1:]])
    a = np.concatenate([net.alpha[:j], s * net.alpha[j], net.alpha[j + 1:]])
    return Net(U, a, net.bias)


def permute(net: Net, perm) -> Net:
    """Neurons in the order ``perm``."""
    perm = np.asarray(perm)
    return Net(net.U[..., perm, :], net.alpha[..., perm], net.bias)


def zero_pad(net: Net, m: int) -> Net:
    """Width ``m ≥ net.width`` by appending zero neurons."""
    extra = m - net.width
    if extra < 0:
        raise InvalidInputError(message("m", "zero_pad", f"≥ the current width {net.width}", repr(m)))
    U = np.concatenate([net.U, np.zeros(net.U.shape[:-2] + (extra, net.U.shape[-1]))], axis=-2)
    a = np.concatenate([net.alpha, np.zeros(net.alpha.shape[:-1] + (extra,))], axis=-1)
    return Net(U, a, net.bias)


def save_net(net: Net, path) -> None:
    """Write ``U``, ``alpha`` and ``bias`` to an ``.npz`` file atomically (:func:`geom.datafiles.save_npz_atomic`:
    a failure names ``path`` and leaves no partial file)."""
    save_npz_atomic(path, U=net.U, alpha=net.alpha, bias=np.array(net.bias))


_NET_EXPECTED = "a .npz archive with arrays U (m, d), alpha (m,) and an optional scalar bias"


def load_net(path, *, bias: bool | None = None, max_bytes: int = MAX_FILE_BYTES) -> Net:
    """Read a network from ``.npz`` (arrays ``U`` and ``alpha``; ``U`` has the bias last when ``bias``).

    ``bias`` defaults to the file's ``bias`` entry (a scalar ``0``/``1`` or bool), or ``False``.  The file is read
    as :func:`geom.datafiles.read_npz` reads (regular files only, no pickles, sizes checked from the headers);
    weights must be real and finite (huge ones are fine: :func:`geom.certify_net` refutes them).

    Raises
    ------
    DataFileError
        Any problem with the file or its content, naming the file, what was expected and what was received.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "net.npz")
    >>> save_net(Net(np.array([[1.0, 2.0]]), np.array([3.0])), p)
    >>> load_net(p).U.tolist()
    [[1.0, 2.0]]
    >>> np.savez(p, U=np.ones((1, 2)) * 1j, alpha=np.ones(1))
    >>> load_net(p)
    Traceback (most recent call last):
    ...
    geom.exceptions.DataFileError: Net file '...net.npz' has an array 'U' of a non-real dtype: expected a .npz archive with arrays U (m, d), alpha (m,) and an optional scalar bias; got dtype complex128 (complex numbers).
    """
    path = os.fspath(path)
    what = "Net file"
    z = read_npz(path, ["U", "alpha"], optional=["bias"], what=what, expected=_NET_EXPECTED, max_bytes=max_bytes)
    U = real_array(path, "U", z["U"], what=what, expected=_NET_EXPECTED)
    a = real_array(path, "alpha", z["alpha"], what=what, expected=_NET_EXPECTED)
    if U.ndim != 2 or a.ndim != 1 or a.shape[0] != U.shape[0] or U.shape[1] < 1:
        raise DataFileError(f"{what} '{path}' has arrays of the wrong shapes: expected U (m, d) with d ≥ 1 and "
                            f"alpha (m,); got U {U.shape} and alpha {a.shape}.")
    if bias is None and "bias" in z:
        b = z["bias"]
        if b.size != 1 or b.dtype.kind not in "biu" or int(b.reshape(())) not in (0, 1):
            raise DataFileError(f"{what} '{path}' has an invalid 'bias': expected a scalar bool (or 0/1); got "
                                f"dtype {b.dtype}, shape {b.shape}.")
        bias = bool(b.reshape(()))
    for name, w in (("U", U), ("alpha", a)):
        w = w.astype(np.float64)
        if not np.all(np.isfinite(w)):
            raise DataFileError(f"{what} '{path}' has non-finite weights in '{name}': expected finite numbers; got "
                                f"{int(np.sum(~np.isfinite(w)))} NaN or inf.")
    return Net(U, a, bool(bias))


def beta_from_torch(weight_decay: float, n: int, *, reduction: str = "mean") -> float:
    """β of this toolkit for a PyTorch run with ``MSELoss(reduction)`` and optimizer ``weight_decay``.

    PyTorch minimizes ``c‖f − y‖² + (wd/2)‖θ‖²`` with ``c = 1/n`` (``"mean"``) or ``1`` (``"sum"``); multiplying
    by ``1/(2c)`` gives ours, ``½‖f − y‖² + (β/2)‖θ‖²``, with ``β = wd/(2c)``: ``β = n·wd/2`` (mean) or
    ``wd/2`` (sum).  The minimizers agree and ``L_β = L_torch / (2c)``.  (Weight decay on the first layer's bias
    is the regularized bias of docs/theory.md §A.6.)

    >>> beta_from_torch(1e-3, 100), beta_from_torch(1e-3, 100, reduction="sum")
    (0.05, 0.0005)
    """
    if reduction not in ("mean", "sum"):
        raise InvalidInputError(message("reduction", "beta_from_torch", "one of {'mean', 'sum'}", repr(reduction)))
    return weight_decay * n / 2.0 if reduction == "mean" else weight_decay / 2.0


def _import_torch(func: str):
    """PyTorch, or :class:`~geom.exceptions.BackendUnavailableError` naming the extra that installs it."""
    try:
        import torch
    except ImportError as exc:
        raise BackendUnavailableError(f"{func} needs PyTorch, which is not installed: pip install "
                                      "'relu-landscape[torch]'") from exc
    return torch


def net_from_torch(state_dict) -> Net:
    """Network from the ``state_dict`` of ``nn.Sequential(nn.Linear(d, m), nn.ReLU(), nn.Linear(m, 1, bias=False))``.

    A first-layer bias becomes the last column of ``U`` (``bias=True``).  ``state_dict`` may also be a path: a
    regular file read with ``torch.load(..., weights_only=True)`` (tensors only, never arbitrary pickled objects).
    """
    torch = _import_torch("net_from_torch")

    if isinstance(state_dict, (str, os.PathLike)):
        path = os.fspath(state_dict)
        regular_file(path, what="State-dict file", kind="PyTorch file")
        try:
            sd = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises pickle, zip and runtime errors alike on bad files
            raise DataFileError(f"State-dict file '{path}' is not readable with torch.load(weights_only=True): "
                                f"expected a saved state_dict of tensors; got {type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:300]}.") from exc
    else:
        sd = state_dict
    if not isinstance(sd, dict):
        raise DataFileError(f"The state_dict must be a mapping of tensors. Got {type(sd).__name__} instead.")
    keys = list(sd)
    if "0.weight" not in sd or "2.weight" not in sd:
        raise DataFileError(f"The state_dict must have keys '0.weight' and '2.weight' (nn.Sequential(Linear, ReLU, "
                            f"Linear)). Got {keys} instead.")
    if "2.bias" in sd:
        raise InvalidInputError("The state_dict's output layer must have no bias (Linear(m, 1, bias=False)). "
                                "Got key '2.bias' instead.")

    def tensor(key, ndim):
        t = sd[key]
        if not isinstance(t, torch.Tensor) or t.is_complex() or not (t.is_floating_point() or t.dtype in (
                torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)) or t.ndim != ndim:
            got = (f"a {t.ndim}-D tensor of {t.dtype}" if isinstance(t, torch.Tensor) else type(t).__name__)
            raise DataFileError(f"The state_dict's '{key}' must be a real {ndim}-D tensor. Got {got} instead.")
        return t.detach().cpu().double().numpy()

    W1, W2 = tensor("0.weight", 2), tensor("2.weight", 2)
    if W2.shape != (1, W1.shape[0]):
        raise DataFileError(f"The state_dict's output layer must have shape (1, {W1.shape[0]}). Got {W2.shape} instead.")
    if "0.bias" in sd:
        b = tensor("0.bias", 1)
        if b.shape != (W1.shape[0],):
            raise DataFileError(f"The state_dict's '0.bias' must have shape ({W1.shape[0]},). Got {b.shape} instead.")
        return Net(np.concatenate([W1, b[:, None]], axis=1), W2[0], bias=True)
    return Net(W1, W2[0], bias=False)


def net_to_torch(net: Net):
    """``nn.Sequential(nn.Linear(d, m, bias=net.bias), nn.ReLU(), nn.Linear(m, 1, bias=False))`` in float64."""
    torch = _import_torch("net_to_torch")
    nn = torch.nn

    m, d = net.width, net.input_dim
    model = nn.Sequential(nn.Linear(d, m, bias=net.bias), nn.ReLU(), nn.Linear(m, 1, bias=False)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(net.U[:, :d]))
        if net.bias:
            model[0].bias.copy_(torch.from_numpy(net.U[:, d]))
        model[2].weight.copy_(torch.from_numpy(net.alpha[None, :]))
    return model
