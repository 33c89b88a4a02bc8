"""All the checks of a trained network in one call: scaled, minimal, nearly minimal, Clarke stationary, globally
optimal (docs/theory.md §A.4, §C.3, §F), for one network or a batch (a leading axis of ``U`` and ``alpha``).

Each property is a verdict (``holds``, ``violated``, ``inconclusive``, ``not applicable``) with the figures that
decided it: the balance error, the offending (co-conic, same-sign) pairs, the Clarke residual and multipliers,
the certified gap of :func:`geom.certify_net`.  The exact region enumeration behind the certificate is computed
once per call and shared by every net of a batch.

Examples
--------
>>> import numpy as np, geom
>>> X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 2.0])
>>> r = np.sqrt(1.5)                                              # docs/theory.md §I, I9: a stationary saddle
>>> c = check_nets(geom.Net(np.array([[r], [0.0]]), np.array([r, 0.0])), X, y, 0.5)[0]
>>> c.clarke_stationary, c.globally_optimal
('holds', 'violated')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


import numpy as np

from ._validation import check_positive, check_vector, message
from .arrangements import enumerate_patterns
from .certificate import certify_net
from .exceptions import InvalidInputError, InvalidInputTypeError
from .minimality import minimality
from .nets import Net
from .stationarity import STATIONARITY_TOL, TIE_TOL, clarke_stationarity
from .tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["NetCheck", "check_nets", "check_nets_fast"]


@dataclass(frozen=True)
class NetCheck:
    """The verdicts of one network and the figures behind them."""

    scaled: str
    minimal: str
    nearly_minimal: str
    clarke_stationary: str
    globally_optimal: str
    balance_error: float
    clarke_residual: float
    autodiff_residual: float
    gap: float
    objective: float
    lower_bound: float
    offending_pairs: list
    width: int
    details: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        num = lambda v: float(v) if math.isfinite(v) else None  # noqa: E731
        return {"scaled": self.scaled, "minimal": self.minimal, "nearly_minimal": self.nearly_minimal,
                "clarke_stationary": self.clarke_stationary, "globally_optimal": self.globally_optimal,
                "balance_error": num(self.balance_error), "clarke_residual": num(self.clarke_residual),
                "autodiff_residual": num(self.autodiff_residual), "gap": num(self.gap),
                "objective": num(self.objective), "lower_bound": num(self.lower_bound),
                "offending_pairs": [list(p) for p in self.offending_pairs], "width": self.width,
                "details": self.details}

    def _repr_html_(self) -> str:
        from .display import netcheck_html
        return netcheck_html(self)


def _signed_cones(net: Net, X) -> list:
    """The signed cone of each nonzero neuron (docs/theory.md §F.1): its pattern ``1[x_iᵀu > 0]`` as a bit string
    (tied rows, which put the neuron on the boundary of several cones, listed apart) and the sign of ``α``."""
    from .nets import augment

    Xa = augment(np.asarray(X, float), net.bias)
    out = []
    for u, a in zip(net.U, net.alpha):
        z = Xa @ u
        thr = TIE_TOL * np.linalg.norm(Xa, axis=1) * float(np.linalg.norm(u))
        if not np.any(u) or a == 0:
            out.append(None)
            continue
        out.append({"pattern": "".join("1" if v > t else "0" for v, t in zip(z, thr)), "sign": int(np.sign(a)),
                    "ties": [int(i) for i in np.flatnonzero(np.abs(z) <= thr)]})
    return out


def check_nets(nets: Net, X, y, beta, *, tol: Tolerances = DEFAULT_TOLERANCES, patterns="exact") -> list:
    """Check one network or a batch (``U`` of shape ``(B, m, p)``); returns a list of :class:`NetCheck`.

    ``patterns`` is passed to :func:`geom.certify_net` (``"exact"`` enumerates the regions once here; a
    :class:`~geom.arrangements.Patterns` is used as given; ``"sampled"`` can only refute).
    """
    func = "check_nets"
    if not isinstance(nets, Net):
        raise InvalidInputTypeError(message("nets", func, "a geom.Net (one net or a batch)", type(nets).__name__))
    if nets.U.ndim not in (2, 3):
        raise InvalidInputError(message("nets", func, "U of shape (m, p) or (B, m, p)", f"shape {nets.U.shape}"))
    X = nets.check_data(X, func)
    y = check_vector(y, length=X.shape[0], name="y", func=func)
    beta = check_positive(beta, name="beta", func=func)
    batch = [Net(U, a, bias=nets.bias) for U, a in zip(nets.U, nets.alpha)] if nets.U.ndim == 3 else [nets]
    pool = enumerate_patterns(X, bias=nets.bias, ties="regions") if patterns == "exact" else patterns
    out = []
    for net in batch:
        if net.width == 0:
            na = "not applicable"
            cert = certify_net(net, X, y, beta, patterns=pool, tol=tol)
            out.append(NetCheck(na, na, na, na, cert.verdict, 0.0,
                                math.nan, math.nan, cert.gap, cert.objective, cert.lower_bound, [], 0,
                                {"reason": "empty network (m = 0)"}))
            continue
        mn = minimality(net, X)
        st = clarke_stationarity(net, X, y, beta)
        cert = certify_net(net, X, y, beta, patterns=pool, tol=tol)
        out.append(NetCheck(scaled=mn.scaled, minimal=mn.minimal, nearly_minimal=mn.nearly_minimal,
                            clarke_stationary=st.verdict, globally_optimal=cert.verdict,
                            balance_error=mn.balance_error, clarke_residual=st.residual,
                            autodiff_residual=st.autodiff_residual, gap=cert.gap, objective=cert.objective,
                            lower_bound=cert.lower_bound, offending_pairs=mn.offending_pairs, width=net.width,
                            details={"multipliers": [s.tolist() for s in st.multipliers],
                                     "ties": [t.tolist() for t in st.ties],
                                     "residual_alpha": st.residual_alpha.tolist(),
                                     "residual_u": st.residual_u.tolist(),
                                     "signed_cones": _signed_cones(net, X),
                                     "colinear_pairs": [list(p) for p in mn.colinear_pairs],
                                     "certificate_reason": getattr(cert, "reason", ""),
                                     "tolerances": {"tie": TIE_TOL, "stationarity": STATIONARITY_TOL,
                                                    "certificate": tol.certificate}}))
    return out


def _batched_core(U, A, Xa, y, beta, tie_tol, tol, balance_tol, colinear_tol, zero_tol):
    """Vectorized verdicts for a batch ``U (B, m, p)``, ``A (B, m)`` (NumPy); nets with ties or grey-zone signs
    are flagged for the per-net functions (``fallback``)."""
    from .minimality import SEPARATION

    B, m, p = U.shape
    nx = np.linalg.norm(Xa, axis=1)
    nu = np.linalg.norm(U, axis=-1)                                   # (B, m)
    Z = np.einsum("bmp,np->bmn", U, Xa)                                # (B, m, n)
    thr = nu[:, :, None] * nx[None, None, :]
    aZ = np.abs(Z)
    tied = aZ <= tie_tol * thr
    grey = (aZ > tie_tol * thr) & (aZ <= SEPARATION * tie_tol * thr)
    pos = (Z > 0) & ~tied
    neg = (Z < 0) & ~tied
    H = np.maximum(Z, 0.0)
    g = np.einsum("bm,bmn->bn", A, H) - y[None, :]                     # (B, n)
    r_a = np.abs(np.einsum("bmn,bn->bm", H, g) + beta * A)
    S = pos * g[:, None, :]
    b = A[:, :, None] * np.einsum("bmn,np->bmp", S, Xa) + beta * U
    r_u = np.linalg.norm(b, axis=-1)
    live_t = (nu > 0)[:, :, None]
    has_tie = np.any(tied & live_t, axis=(1, 2)) | np.any(grey, axis=(1, 2))
    xnorm = float(np.linalg.norm(Xa, 2))
    scale = np.maximum.reduce([np.ones(B), xnorm * np.linalg.norm(g, axis=-1) * np.abs(A).max(axis=-1),
                               beta * nu.max(axis=-1)])
    res = np.maximum(r_a.max(axis=-1), r_u.max(axis=-1)) / scale
    stat = np.where(res <= tol, "holds", np.where(res > SEPARATION * tol, "violated", "inconclusive"))
    # minimality
    bal = np.abs(nu - np.abs(A)).max(axis=-1)
    top = np.maximum(1.0, nu.max(axis=-1))
    scaled = np.where(bal <= balance_tol * top, "holds",
                      np.where(bal > SEPARATION * balance_tol * top, "violated", "inconclusive"))
    mass = nu * np.abs(A) * xnorm
    live = mass > zero_tol * np.maximum(1.0, mass.max(axis=-1, keepdims=True))
    Pf, Nf = pos.astype(float), neg.astype(float)
    opp = (np.einsum("bin,bjn->bij", Pf, Nf) + np.einsum("bin,bjn->bij", Nf, Pf)) > 0
    sg = np.sign(A)
    same = (sg[:, :, None] == sg[:, None, :]) & live[:, :, None] & live[:, None, :]
    upper = np.triu(np.ones((m, m), bool), 1)[None]
    coconic = same & ~opp & upper
    D = U / np.where(nu > 0, nu, 1.0)[..., None]
    dist = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * np.einsum("bip,bjp->bij", D, D)))
    colin = coconic & (dist <= colinear_tol)
    n_co, n_col = coconic.sum(axis=(1, 2)), colin.sum(axis=(1, 2))
    bad_scaled = scaled == "violated"
    unsure = scaled == "inconclusive"
    minimal = np.where(bad_scaled, "violated", np.where(unsure, "inconclusive",
                                                        np.where(n_co == 0, "holds", "violated")))
    nearly = np.where(bad_scaled, "violated", np.where(unsure, "inconclusive",
                                                       np.where(n_co == n_col, "holds", "violated")))
    return dict(stat=stat, res=res, r_ad=res, scaled=scaled, bal=bal, minimal=minimal, nearly=nearly,
                coconic=coconic, colin=colin, fallback=has_tie)


def check_nets_fast(nets: Net, X, y, beta, *, tol: Tolerances = DEFAULT_TOLERANCES) -> list:
    """:func:`check_nets` without the certificate, vectorized over the batch (``globally_optimal`` is
    ``"inconclusive"``: not computed).  Nets with tied or grey-zone pre-activations go through the per-net
    functions, so the verdicts equal :func:`check_nets`' on every net.

    >>> import numpy as np, geom
    >>> r = np.sqrt(1.5)
    >>> c = check_nets_fast(geom.Net(np.array([[[r], [0.0]]]), np.array([[r, 0.0]])), [[-1.0], [1.0]], [1.0, 2.0], 0.5)
    >>> c[0].clarke_stationary, c[0].scaled
    ('holds', 'holds')
    """
    from .minimality import BALANCE_TOL, COLINEAR_TOL, ZERO_NEURON_TOL
    from .nets import augment
    from .stationarity import STATIONARITY_TOL, TIE_TOL

    func = "check_nets_fast"
    if not isinstance(nets, Net):
        raise InvalidInputTypeError(message("nets", func, "a geom.Net (one net or a batch)", type(nets).__name__))
    X = nets.check_data(X, func)
    y = check_vector(y, length=X.shape[0], name="y", func=func)
    beta = check_positive(beta, name="beta", func=func)
    U = nets.U if nets.U.ndim == 3 else nets.U[None]
    A = nets.alpha if nets.alpha.ndim == 2 else nets.alpha[None]
    Xa = augment(np.asarray(X, float), nets.bias)
    core = _batched_core(U, A, Xa, np.asarray(y, float), beta, TIE_TOL, STATIONARITY_TOL, BALANCE_TOL,
                         COLINEAR_TOL, ZERO_NEURON_TOL)
    out = []
    for b_ in range(len(U)):
        if core["fallback"][b_] or U.shape[1] == 0:
            net = Net(U[b_], A[b_], bias=nets.bias)
            if net.width == 0:
                na = "not applicable"
                out.append(NetCheck(na, na, na, na, "inconclusive", 0.0, math.nan, math.nan, math.nan, math.nan,
                                    math.nan, [], 0, {"reason": "empty network (m = 0)"}))
                continue
            mn, st = minimality(net, X), clarke_stationarity(net, X, y, beta)
            out.append(NetCheck(mn.scaled, mn.minimal, mn.nearly_minimal, st.verdict, "inconclusive",
                                mn.balance_error, st.residual, st.autodiff_residual, math.nan, math.nan, math.nan,
                                mn.offending_pairs, net.width, {"certificate": "not computed", "path": "per net"}))
            continue
        pairs = [tuple(int(v) for v in ij) for ij in np.argwhere(core["coconic"][b_])]
        out.append(NetCheck(str(core["scaled"][b_]), str(core["minimal"][b_]), str(core["nearly"][b_]),
                            str(core["stat"][b_]), "inconclusive", float(core["bal"][b_]), float(core["res"][b_]),
                            float(core["r_ad"][b_]), math.nan, math.nan, math.nan, pairs, int(U.shape[1]),
                            {"certificate": "not computed", "path": "batched"}))
    return out
