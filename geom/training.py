"""A batched trainer: full-batch gradient descent on ``L_β`` for many networks at once (docs/theory.md §A.1, §F).

All nets of a run (seeds × widths × initialization scales) are one array ``U (B, M, p)``, ``α (B, M)`` on the
array library of the caller (NumPy by default; PyTorch or CuPy tensors run on their device through
:mod:`geom.kernels`).  Narrower nets are padded with zero neurons, which are exact fixed points of gradient descent
with weight decay (``∂_u = α Xᵀ(D g) + βu = 0`` and ``∂_α = (Xu)_+ᵀg + βα = 0`` when ``u = 0, α = 0``), so a padded
net trains exactly as the narrower one.  Gradients use ``ReLU'(0) = 0``.

Per step and per net the trajectory records the objective, the gap to ``p*`` when it is given, the gradient norm
and the number of distinct activation patterns in use (over the nonzero neurons).  Early stopping: a net stops
(its parameters are frozen) once its gradient norm is below ``stop_tol · max(1, ‖∇ at step 0‖)``.

Examples
--------
>>> import numpy as np
>>> X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])             # docs/theory.md §I, I1: p* = 1.25
>>> run = train_nets(X, y, 0.5, widths=[2, 4], seeds=[0, 1], steps=3000, lr=0.05, init_scales=[0.5],
...                 p_star=1.25)
>>> run.U.shape, bool(np.all(run.final_objective >= 1.25 - 1e-12))
((4, 4, 1), True)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_int, check_matrix, check_positive, check_vector, message
from ._xp import array_namespace, to_numpy
from .exceptions import InvalidInputError
from .kernels import relu_gradients, relu_objective
from .nets import Net, augment

__all__ = ["TrainingRun", "train_nets", "initial_nets", "OPTIMIZERS"]

OPTIMIZERS = ("gd", "momentum", "adam")


@dataclass(frozen=True)
class TrainingRun:
    """Result of :func:`train_nets` (NumPy arrays; ``B`` nets, padded width ``M``, ``R`` recorded steps)."""

    U: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    bias: bool
    widths: np.ndarray = field(repr=False)
    seeds: np.ndarray = field(repr=False)
    init_scales: np.ndarray = field(repr=False)
    steps_taken: np.ndarray = field(repr=False)
    record_steps: np.ndarray = field(repr=False)
    objective: np.ndarray = field(repr=False)
    grad_norm: np.ndarray = field(repr=False)
    patterns_in_use: np.ndarray = field(repr=False)
    gap: np.ndarray | None = field(repr=False, default=None)
    backend: str = "numpy"

    @property
    def final_objective(self) -> np.ndarray:
        return self.objective[:, -1]

    def net(self, b: int) -> Net:
        """Net ``b`` with its padding removed (its first ``widths[b]`` neurons)."""
        m = int(self.widths[b])
        return Net(self.U[b, :m], self.alpha[b, :m], bias=self.bias)

    def nets(self) -> Net:
        """The whole batch as one :class:`~geom.Net` (padded width)."""
        return Net(self.U, self.alpha, bias=self.bias)


def initial_nets(p: int, widths, seeds, init_scales, *, dtype=np.float64):
    """``(U, α, meta)``: Gaussian initial nets, ``U ~ s N(0, 1/p)``, ``α ~ s N(0, 1/m)``, zero-padded to the
    largest width; one net per (width, seed, scale), each drawn from its own ``default_rng(seed)`` so a net does
    not depend on the rest of the batch."""
    combos = list(itertools.product(widths, seeds, init_scales))
    M = max(widths)
    U = np.zeros((len(combos), M, p), dtype=dtype)
    A = np.zeros((len(combos), M), dtype=dtype)
    for b, (m, s, sc) in enumerate(combos):
        rng = np.random.default_rng(s)
        U[b, :m] = sc * rng.standard_normal((m, p)) / np.sqrt(p)
        A[b, :m] = sc * rng.standard_normal(m) / np.sqrt(m)
    meta = np.array(combos, dtype=float).reshape(len(combos), 3)
    return U, A, meta


def _patterns_in_use(Xa, U, alpha):
    """Distinct activation patterns ``1[X u_j ≥ 0]`` over the nonzero neurons of each net (NumPy)."""
    Z = np.einsum("bmp,np->bmn", U, Xa) >= 0
    live = (np.abs(alpha) > 0) & np.any(U != 0, axis=-1)
    out = np.zeros(len(U), dtype=np.int64)
    for b in range(len(U)):
        rows = Z[b][live[b]]
        out[b] = len({r.tobytes() for r in np.packbits(rows, axis=-1)}) if len(rows) else 0
    return out


def train_nets(X, y, beta, *, widths, seeds, init_scales=(1.0,), steps: int = 1000, lr: float = 1e-2,
               optimizer: str = "gd", momentum: float = 0.9, stop_tol: float = 0.0, record_every: int = 10,
               p_star: float | None = None, bias: bool = False, backend=None, progress: bool = False) -> TrainingRun:
    """Train ``len(widths)·len(seeds)·len(init_scales)`` nets at once (module docstring).

    Parameters
    ----------
    X, y : arrays (n, d), (n,)
    beta : float
        ``β > 0``.
    widths, seeds, init_scales : sequences
        The grid of nets (``seeds``: integers ``≥ 0``).
    steps, lr : int, float
    optimizer : {"gd", "momentum", "adam"}
    stop_tol : float
        Freeze a net once ``‖∇L_β‖ ≤ stop_tol · max(1, ‖∇L_β‖ at step 0)`` (``0``: never).
    record_every : int
        Trajectory sampling (the last step is always recorded).
    p_star : float, optional
        Record ``L_β − p*`` as well.
    backend : None, "numpy", "torch" or "cupy"
        Array library of the computation (``None``: NumPy).
    """
    func = "train_nets"
    X = check_matrix(X, name="X", func=func)
    y = check_vector(y, length=X.shape[0], name="y", func=func)
    beta = check_positive(beta, name="beta", func=func)
    steps = check_int(steps, name="steps", func=func, minimum=1)
    record_every = check_int(record_every, name="record_every", func=func, minimum=1)
    lr = check_positive(lr, name="lr", func=func)
    if optimizer not in OPTIMIZERS:
        raise InvalidInputError(message("optimizer", func, f"one of {OPTIMIZERS}", repr(optimizer)))
    widths = [check_int(m, name="widths", func=func, minimum=1) for m in widths]
    seeds = [check_int(s, name="seeds", func=func, minimum=0) for s in seeds]
    init_scales = [check_positive(s, name="init_scales", func=func) for s in init_scales]
    if not widths or not seeds or not init_scales:
        raise InvalidInputError(message("widths/seeds/init_scales", func, "non-empty sequences", "an empty one"))
    Xa_np = augment(np.asarray(X, float), bias)
    U0, A0, meta = initial_nets(Xa_np.shape[1], widths, seeds, init_scales)
    Xa, yv, U, A = _to_backend(backend, Xa_np, np.asarray(y, float), U0, A0)
    xp = array_namespace(Xa, U)
    mU, mA = xp.zeros_like(U), xp.zeros_like(A)
    vU, vA = xp.zeros_like(U), xp.zeros_like(A)
    active = xp.ones((U.shape[0],), dtype=U.dtype)
    B = U.shape[0]
    rec_steps, objs, gnorms, pats = [], [], [], []
    g0 = None
    it = range(steps + 1)
    if progress:
        from tqdm import tqdm

        it = tqdm(it, desc="training", unit="step", leave=False)
    taken = np.zeros(B, dtype=np.int64)
    for t in it:
        gU, gA = relu_gradients(Xa, yv, U, A, beta)
        gn = xp.sqrt(xp.sum(gU * gU, axis=(-2, -1)) + xp.sum(gA * gA, axis=-1))
        if g0 is None:
            g0 = xp.where(gn > 1, gn, xp.ones_like(gn))
        if stop_tol > 0:
            active = active * xp.astype(gn > stop_tol * g0, U.dtype)
        if t % record_every == 0 or t == steps:
            rec_steps.append(t)
            objs.append(to_numpy(relu_objective(Xa, yv, U, A, beta)))
            gnorms.append(to_numpy(gn))
            pats.append(_patterns_in_use(Xa_np, to_numpy(U), to_numpy(A)))
        if t == steps:
            break
        taken += to_numpy(active).astype(bool)
        a3, a2 = active[:, None, None], active[:, None]
        if optimizer == "gd":
            dU, dA = gU, gA
        elif optimizer == "momentum":
            mU, mA = momentum * mU + gU, momentum * mA + gA
            dU, dA = mU, mA
        else:  # Adam (bias-corrected), ε = 1e-8
            b1, b2 = 0.9, 0.999
            mU, mA = b1 * mU + (1 - b1) * gU, b1 * mA + (1 - b1) * gA
            vU, vA = b2 * vU + (1 - b2) * gU * gU, b2 * vA + (1 - b2) * gA * gA
            c1, c2 = 1 - b1 ** (t + 1), 1 - b2 ** (t + 1)
            dU = (mU / c1) / (xp.sqrt(vU / c2) + 1e-8)
            dA = (mA / c1) / (xp.sqrt(vA / c2) + 1e-8)
        U = U - lr * a3 * dU
        A = A - lr * a2 * dA
    obj = np.stack(objs, axis=1)
    return TrainingRun(U=to_numpy(U), alpha=to_numpy(A), bias=bias, widths=meta[:, 0].astype(int),
                       seeds=meta[:, 1].astype(int), init_scales=meta[:, 2], steps_taken=taken,
                       record_steps=np.array(rec_steps), objective=obj, grad_norm=np.stack(gnorms, axis=1),
                       patterns_in_use=np.stack(pats, axis=1), gap=None if p_star is None else obj - p_star,
                       backend=backend or "numpy")


def _to_backend(backend, *arrays):
    if backend in (None, "numpy"):
        return arrays
    if backend == "torch":
        import torch

        dev = "cuda" if torch.cuda.is_available() else "cpu"
        return tuple(torch.as_tensor(a, dtype=torch.float64, device=dev) for a in arrays)
    if backend == "cupy":
        import cupy

        return tuple(cupy.asarray(a) for a in arrays)
    raise InvalidInputError(message("backend", "train_nets", "one of None, 'numpy', 'torch', 'cupy'", repr(backend)))
