"""Result objects of the verification suites: a status vocabulary, checks, measurements.

A *check* compares something computed with something expected from theory and ends in a :class:`Status`:

* ``HOLDS``: it was compared, and it is true;
* ``VIOLATED``: it was compared, and it is false (the observed value and a witness are kept);
* ``INCONCLUSIVE``: it could not be decided (an uncertified computation, a margin within the tolerance);
* ``NOT_APPLICABLE``: the case has no expected value for it (or a precondition does not hold);
* ``ERROR``: the computation raised.

Nothing is ``HOLDS`` without a comparison: :func:`compare` and :func:`check_margin` are the only helpers that
produce it, and only after comparing.

Every check also has a *kind* (:data:`KINDS`): a ``"theorem"`` check compares a computed quantity with a value
or a property that theory predicts and that was obtained independently of it (a closed form, a second
algorithm, a bound decided against an independent oracle); a ``"consistency"`` check compares a quantity with
something computed *from it* (``p* = L_β(ψ(W))`` when ``p*`` is evaluated as ``L_β(ψ(W))``), so it can catch a
broken pipeline but not a false theorem.  Reports count the two kinds apart (:func:`count_by_kind`); both
decide whether a run passes.  A *measurement* (for example the recall of Gaussian pattern sampling,
docs/theory.md §B.4) is a number reported next to the checks, never a pass or a fail.

Examples
--------
>>> r = compare("regions", 4, 4, case="spec-B2-antiparallel", theorem="docs/theory.md §B.2")
>>> r.status, r.margin
(<Status.HOLDS: 'holds'>, 0)
>>> compare("regions", 4, None, case="c", theorem="docs/theory.md §B.2").status.value
'not applicable'
>>> compare("regions", 3, 4, case="c", theorem="docs/theory.md §B.2", certified=False).status.value
'inconclusive'
>>> compare("y* = fit", 1.0, 1.0, case="c", theorem="docs/theory.md §A.3", kind=CONSISTENCY).kind
'consistency'
"""

from __future__ import annotations

import enum
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from geom._validation import check_option, message
from geom.exceptions import InvalidInputTypeError

__all__ = ["Status", "CheckResult", "Measurement", "Figure", "FIGURE_KINDS", "compare", "check_margin", "error_result", "jsonable", "KINDS",
           "THEOREM", "CONSISTENCY", "count_by_kind"]

#: A check of a theorem against an independently obtained value or oracle.
THEOREM = "theorem"
#: A check that compares a quantity with something computed from it (true by construction if the code is right).
CONSISTENCY = "consistency"
#: The kinds of a check, in report order.
KINDS = (THEOREM, CONSISTENCY)


class Status(enum.Enum):
    """Outcome of one check; ``value`` is the word used in reports."""

    HOLDS = "holds"
    VIOLATED = "violated"
    INCONCLUSIVE = "inconclusive"
    NOT_APPLICABLE = "not applicable"
    ERROR = "error"

    @property
    def is_failure(self) -> bool:
        """``True`` for ``VIOLATED`` and ``ERROR`` (what makes a run fail)."""
        return self in (Status.VIOLATED, Status.ERROR)


def jsonable(value):
    """``value`` with NumPy scalars and arrays, tuples, sets, enums and paths turned into JSON types.

    Non-finite floats become the strings ``"nan"``, ``"inf"``, ``"-inf"``; dictionary keys become strings.

    >>> jsonable({"a": np.array([1, 2]), "b": np.float32(0.5), "c": float("inf"), 1: (True, None)})
    {'a': [1, 2], 'b': 0.5, 'c': 'inf', '1': [True, None]}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isfinite(v):
            return v
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "__fspath__"):
        return str(value)
    if hasattr(value, "tolist"):  # other array libraries
        return jsonable(value.tolist())
    return str(value)


@dataclass(frozen=True)
class CheckResult:
    """One named check on one case (: a fixed schema, whatever the check).

    Attributes
    ----------
    case : str
        Name of the case (``cases.get_case``) or data file.
    check : str
        Name of the check, unique within a case and suite.
    theorem : str
        What is being verified, as a docs/theory.md section (``"docs/theory.md §B.2"``).
    status : Status
    observed, expected
        The computed and the theory-derived value (JSON-able after :func:`jsonable`).
    margin : float or int or None
        Signed margin of the decision (``observed − expected`` for numbers; the quantity decided against the
        tolerance for :func:`check_margin`); ``None`` when it has no meaning.
    tolerance : float or None
        Tolerance the margin was decided against (``None``: exact comparison).
    witness
        Evidence for a violation (an offending pattern, the missing patterns, ...), else ``None``.
    details : dict
        Anything else worth keeping (certificates, sources, timings).
    elapsed_s : float
        Time spent computing this check.
    kind : {"theorem", "consistency"}
        See the module notes: ``"consistency"`` when the comparison is true by construction of the compared
        quantities (reports count it apart from the theorem checks).
    """

    case: str
    check: str
    theorem: str
    status: Status
    observed: object = None
    expected: object = None
    margin: object = None
    tolerance: float | None = None
    witness: object = None
    details: dict = field(default_factory=dict)
    elapsed_s: float = 0.0
    kind: str = THEOREM

    def __post_init__(self):
        if not isinstance(self.status, Status):
            raise InvalidInputTypeError(message("status", "CheckResult", "a verify.Status",
                                                f"{type(self.status).__name__} {self.status!r}"))
        check_option(self.kind, KINDS, name="kind", func="CheckResult")

    def to_dict(self) -> dict:
        """JSON-safe dictionary (sorted keys; NumPy values as lists and floats; elapsed time in µs)."""
        d = {"case": self.case, "check": self.check, "theorem": self.theorem, "status": self.status.value,
             "kind": self.kind, "observed": self.observed, "expected": self.expected, "margin": self.margin,
             "tolerance": self.tolerance, "witness": self.witness, "details": self.details,
             "elapsed_s": round(float(self.elapsed_s), 6)}
        return dict(sorted(jsonable(d).items()))

    def _repr_html_(self) -> str:
        from .display import check_result_html
        return check_result_html(self)


def count_by_kind(results) -> dict:
    """``{kind: {status value: count}}`` over :data:`KINDS` and all five statuses (zeros included).

    ``results`` are :class:`CheckResult` objects or their ``to_dict()`` dictionaries (a dictionary without a
    ``"kind"``, from a report written before kinds existed, counts as a theorem check).

    >>> r = [compare("a", 1, 1, case="c", theorem="§"), compare("b", 1, 2, case="c", theorem="§", kind=CONSISTENCY)]
    >>> c = count_by_kind(r)
    >>> c["theorem"]["holds"], c["consistency"]["violated"], sum(c["consistency"].values())
    (1, 1, 1)
    """
    out = {k: {s.value: 0 for s in Status} for k in KINDS}
    for r in results:
        if isinstance(r, CheckResult):
            kind, status = r.kind, r.status.value
        else:
            kind, status = r.get("kind", THEOREM), r["status"]
        out[kind][status] += 1
    return out


@dataclass(frozen=True)
class Measurement:
    """A number reported next to the checks (never a pass or a fail), e.g. a sampling recall (docs/theory.md §B.4).

    >>> Measurement("spec-I1", "sampling recall", 2 / 3, theorem="docs/theory.md §B.4").to_dict()["value"]
    0.6666666666666666
    """

    case: str
    name: str
    value: float
    theorem: str = ""
    unit: str = ""
    details: dict = field(default_factory=dict)
    elapsed_s: float = 0.0

    def to_dict(self) -> dict:
        """JSON-safe dictionary with sorted keys."""
        d = {"case": self.case, "name": self.name, "value": self.value, "theorem": self.theorem,
             "unit": self.unit, "details": self.details, "elapsed_s": round(float(self.elapsed_s), 6)}
        return dict(sorted(jsonable(d).items()))


#: Figure kinds a report knows how to draw (:mod:`verify.figures`); a :class:`Figure` of another kind is listed
#: in the report without a drawing.
FIGURE_KINDS = ("arrangement2d", "staircase", "polytope", "fits1d", "trajectories", "ellipsoid", "series")


@dataclass(frozen=True)
class Figure:
    """The data of one report figure, yielded by a suite next to its checks (drawn later from the JSON only).

    ``kind`` is one of :data:`FIGURE_KINDS`; ``data`` is a JSON-safe dictionary whose keys the drawing function
    of that kind documents (:mod:`verify.figures`); ``theorem`` is the section the figure illustrates.

    >>> Figure("spec-I2", "staircase", {"staircase": [], "m_star": 1, "M_star": 2, "n": 2},
    ...        theorem="docs/theory.md §E.2").to_dict()["kind"]
    'staircase'
    """

    case: str
    kind: str
    data: dict
    theorem: str = ""
    title: str = ""

    def to_dict(self) -> dict:
        """JSON-safe dictionary with sorted keys."""
        d = {"case": self.case, "kind": self.kind, "data": self.data, "theorem": self.theorem, "title": self.title}
        return dict(sorted(jsonable(d).items()))


def _has_nan(value) -> bool:
    """Whether a number, array or (nested) list/tuple/dict holds a NaN (which :func:`jsonable` turns into the
    string ``"nan"``, equal to itself: NaN must never compare equal)."""
    if value is None or isinstance(value, (bool, str, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return math.isnan(float(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return bool(np.isnan(value).any())
        return value.dtype == object and any(_has_nan(v) for v in value.ravel())
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_nan(v) for v in value)
    return False


def _same(observed, expected, tolerance):
    """``(equal, margin)`` after normalizing both sides to JSON types (never equal when either holds a NaN)."""
    if _has_nan(observed) or _has_nan(expected):
        return False, None
    o, e = jsonable(observed), jsonable(expected)
    if isinstance(o, (bool, str)) or isinstance(e, (bool, str)):
        return type(o) is type(e) and o == e, None
    if isinstance(o, (int, float)) and isinstance(e, (int, float)):
        diff = o - e
        if tolerance is None:
            return o == e, diff
        return abs(diff) <= tolerance, diff
    if isinstance(o, list) and isinstance(e, list):
        if tolerance is None:
            return o == e, None
        try:
            a, b = np.asarray(o, dtype=float), np.asarray(e, dtype=float)
        except (TypeError, ValueError):
            return o == e, None
        if a.shape != b.shape:
            return False, None
        err = float(np.max(np.abs(a - b))) if a.size else 0.0
        return err <= tolerance, err
    return o == e, None


def compare(name: str, observed, expected, *, case: str, theorem: str, certified: bool = True,
            tolerance: float | None = None, witness=None, details: dict | None = None,
            elapsed_s: float = 0.0, kind: str = THEOREM) -> CheckResult:
    """Compare an observed value with an expected one and return the :class:`CheckResult`.

    Parameters
    ----------
    name : str
        Name of the check.
    observed, expected
        Numbers, booleans, strings or (nested) lists/arrays.  ``expected=None`` means the case states no
        expected value: ``NOT_APPLICABLE``.  ``observed=None`` means nothing was computed: ``INCONCLUSIVE``.
    case, theorem : str
        Case name and docs/theory.md section.
    certified : bool
        Whether the computation of ``observed`` is certified; if not, the result is ``INCONCLUSIVE`` (it is
        still compared, and the comparison is kept in ``details["agrees"]``).
    tolerance : float or None
        Absolute tolerance on ``|observed − expected|`` (elementwise maximum for lists); ``None`` compares
        exactly.
    witness, details, elapsed_s
        Stored as given (``witness`` only when the check is violated or inconclusive).
    kind : {"theorem", "consistency"}
        See :class:`CheckResult`.

    Returns
    -------
    CheckResult
        ``HOLDS`` or ``VIOLATED`` only when a comparison was actually made.

    Examples
    --------
    >>> compare("charpoly", [1, -2, 1], np.array([1, -2, 1]), case="c", theorem="docs/theory.md §B.2").status.value
    'holds'
    >>> r = compare("rank", 2, 3, case="c", theorem="docs/theory.md §B.2")
    >>> r.status.value, r.margin
    ('violated', -1)
    >>> compare("p", 1.0 + 1e-12, 1.0, case="c", theorem="§I", tolerance=1e-9).status.value
    'holds'
    """
    details = dict(details or {})
    kw = dict(case=case, check=name, theorem=theorem, observed=observed, expected=expected,
              tolerance=tolerance, elapsed_s=elapsed_s, kind=kind)
    if expected is None:
        return CheckResult(status=Status.NOT_APPLICABLE, details={**details, "reason": "no expected value"}, **kw)
    if observed is None:
        return CheckResult(status=Status.INCONCLUSIVE, witness=witness,
                           details={**details, "reason": "no observed value"}, **kw)
    equal, margin = _same(observed, expected, tolerance)
    if not certified:
        return CheckResult(status=Status.INCONCLUSIVE, margin=margin, witness=witness,
                           details={**details, "reason": "computation not certified", "agrees": bool(equal)},
                           **kw)
    status = Status.HOLDS if equal else Status.VIOLATED
    return CheckResult(status=status, margin=margin, witness=None if equal else witness, details=details, **kw)


def check_margin(name: str, margin: float | None, tolerance: float, *, case: str, theorem: str,
                 observed=None, expected=None, witness=None, details: dict | None = None,
                 elapsed_s: float = 0.0, kind: str = THEOREM) -> CheckResult:
    """Decide a signed margin against a tolerance : a condition holds when ``margin ≥ 0``.

    ``margin > tolerance``: ``HOLDS``; ``margin < −tolerance``: ``VIOLATED``; otherwise (``|margin| ≤
    tolerance``, too close to decide) ``INCONCLUSIVE``; ``margin=None`` (not computed): ``INCONCLUSIVE``.

    >>> check_margin("slack", 0.3, 1e-9, case="c", theorem="docs/theory.md §B.4").status.value
    'holds'
    >>> check_margin("slack", -1e-12, 1e-9, case="c", theorem="docs/theory.md §B.4").status.value
    'inconclusive'
    """
    kw = dict(case=case, check=name, theorem=theorem, observed=observed, expected=expected, margin=margin,
              tolerance=tolerance, details=dict(details or {}), elapsed_s=elapsed_s, kind=kind)
    if margin is None or not math.isfinite(float(margin)):
        return CheckResult(status=Status.INCONCLUSIVE, witness=witness, **kw)
    if margin > tolerance:
        return CheckResult(status=Status.HOLDS, **kw)
    if margin < -tolerance:
        return CheckResult(status=Status.VIOLATED, witness=witness, **kw)
    return CheckResult(status=Status.INCONCLUSIVE, witness=witness, **kw)


def error_result(case: str, check: str, theorem: str, exc: BaseException, elapsed_s: float = 0.0,
                 kind: str = THEOREM) -> CheckResult:
    """An ``ERROR`` result recording an exception (type and one-line message).

    >>> error_result("c", "regions", "docs/theory.md §B.2", ValueError("bad")).details
    {'exception': 'ValueError', 'message': 'bad'}
    """
    return CheckResult(case=case, check=check, theorem=theorem, status=Status.ERROR,
                       details={"exception": type(exc).__name__, "message": " ".join(str(exc).split())},
                       elapsed_s=elapsed_s, kind=kind)
