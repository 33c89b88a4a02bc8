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
>>> r = np.sqrt(1.5)                                              # SPEC.md §I, I9: a stationary saddle
>>> c = check_nets(geom.Net(np.array([[r], [0.0]]), np.array([r, 0.0])), X, y, 0.5)[0]
>>> c.clarke_stationary, c.globally_optimal
('holds', 'violated')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


from ._validation import check_positive, check_vector, message
from .arrangements import enumerate_patterns
from .certificate import certify_net
from .exceptions import InvalidInputError, InvalidInputTypeError
from .minimality import minimality
from .nets import Net
from .stationarity import clarke_stationarity
from .tolerances import DEFAULT_TOLERANCES, Tolerances

__all__ = ["NetCheck", "check_nets"]


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
                                     "colinear_pairs": [list(p) for p in mn.colinear_pairs],
                                     "certificate_reason": getattr(cert, "reason", "")}))
    return out
