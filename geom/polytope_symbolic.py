"""The optimal polytope in exact arithmetic, for small hand-made instances with algebraic data (SPEC.md §C–§E).

Where :mod:`geom.polytope` works in floating point with tolerances, this module proves every step for data
given exactly — integers, fractions, radicals such as ``sqrt(3)/2``, ``cos(2*pi/5)`` — so a textbook example
(SPEC.md §I) is checked with no floating-point decision at all, and the float polytope has an independent
oracle.

Method
------
1. *Exact field.*  Every entry of ``X``, ``y``, ``β`` (and of ``ν*``, step 3) lies in one real number field
   ``K = Q(θ)`` built by :meth:`sympy.polys.domains.QQ.algebraic_field` from the irrationalities met (radicals,
   unevaluated trigonometric values, ``CRootOf``), adjoined one at a time: one already in the field (sympy's
   ``from_sympy``: a field isomorphism found by PSLQ and verified exactly by sympy) is skipped, and the bound
   ``[K:Q]·deg(g)`` on the new degree must stay within ``MAX_FIELD_DEGREE``.  Elements are polynomials in ``θ``
   reduced modulo its minimal polynomial, so sums, products, quotients, ranks and solves are exact, and **zero
   is decided exactly** (an element is zero iff its reduced polynomial is).  Results are returned as sympy
   expressions in the original irrationalities (``K.to_sympy``, expanded).
2. *Signs.*  The sign of a nonzero element is read from a rigorous ball enclosure (python-flint ``arb``): ``θ``
   is enclosed by an isolating ball of a root of its minimal polynomial (``fmpq_poly.complex_roots``), and the
   element's polynomial is evaluated in ball arithmetic, doubling the precision until the ball excludes 0
   (it must, the element being nonzero).  The one non-rigorous step is *which* root of the minimal polynomial
   ``θ`` is: it is the root whose ball lies within ``1e-30`` of sympy's 60-digit ``evalf`` of ``θ``, with every
   other root at least ``1e-20`` away (otherwise :class:`~geom.exceptions.CertificationError`).
3. *ν\\* guessed, then proved.*  A float guide ``ν̂`` comes from :func:`geom.solve_convex` on the rounded data
   (or from ``nu_guess``).  It is refined to ``NEWTON_DIGITS`` digits by Newton's method on the square system
   ``ν + Σ_{k∈S} c_k M_k ν/β = y``, ``νᵀM_kν = β²`` (``S`` a vertex support of the float polytope, ``M_k`` the
   quadratic form of the tight pattern ``k`` on its active cone face, so ``a_k = M_kν/β``), and each entry is
   recognised by integer relations (``mpmath.pslq``): first as an element of the current field (the data's,
   extended by the entries recognised before), then as a root of a quadratic over it, then by its minimal
   polynomial over ``Q`` (``mpmath.findpoly``, degree ≤ 8).  The recognised ``ν*`` is only a *guess*: everything
   below is verified exactly, and a wrong guess fails there (:class:`~geom.exceptions.CertificationError`).
4. *Pool.*  The region patterns of :func:`geom.enumerate_patterns` on the rounded data.  Each is proved to be a
   region of the *exact* data (its witness has the pattern's strict signs, exactly), and their number is
   compared with the exact region count of the exact arrangement, Whitney's ``Σ_S (−1)^{|S|−rank S}`` over the
   subsets of distinct hyperplanes.  Equality proves the pool complete (SPEC.md §B.1).
5. *Dual feasibility and tightness.*  For every pool pattern ``k`` and sign ``σ``, ``Π = Π_{C_k}(σXᵀD_kν*)`` is
   computed on the active face guessed by a float NNLS (SPEC.md §C.2): ``λ_F = −(B_F B_Fᵀ)⁻¹B_F g``,
   ``Π = g + B_Fᵀλ_F``, accepted only when the KKT conditions ``λ_F ≥ 0`` and ``BΠ ≥ 0`` hold exactly (else the
   faces of at most ``rank B`` independent rows are searched exactly).  Then ``‖Π‖² ≤ β²`` is decided exactly;
   equality marks a tight signed pattern with direction ``ū = Π/β`` (SPEC.md §D.1).
6. *Polytope.*  Equal signed directions are merged (SPEC.md §D.3), columns ``a = σ D_kXū = σ(Xū)_+``,
   ``y* = y − ν*``, ``Q = {c ≥ 0 : Ac = y*}``.  Vertices by brute force over independent column subsets
   (SPEC.md §D.4 (1), exact solves and signs); ``Q ≠ ∅`` together with step 5 proves the KKT conditions, so
   ``ν*`` is the dual optimum and ``p* = ½‖ν*‖² + ν*ᵀy*`` (SPEC.md §D.2).  Edges: two vertices are adjacent
   iff no third vertex has its support inside the union of theirs (the smallest face containing both is
   ``{c ∈ Q : supp c ⊆ S ∪ T}``); each edge is confirmed by the exact rank test of SPEC.md §E.3.

Examples
--------
>>> P = symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2")     # SPEC.md §I, I2
>>> P.p_star, list(P.nu_star), P.m_star, P.M_star, len(P.vertices)
(3/4, [1/2, 1/2], 1, 2, 2)
"""

from __future__ import annotations

import itertools
import math
import numbers
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_int, message
from .exceptions import CertificationError, InvalidInputError, InvalidInputTypeError, ProblemTooLargeError
from .tolerances import DEFAULT_TOLERANCES

if TYPE_CHECKING:  # sympy is imported where it is used: `import geom` stays light
    import sympy as sp

__all__ = ["SymbolicPolytope", "symbolic_polytope", "NEWTON_DIGITS", "MAX_FACE_SUBSETS", "MAX_FIELD_DEGREE",
           "MAX_HYPERPLANES"]

#: Decimal digits of the Newton refinement of ``ν*`` before recognition (PSLQ needs roughly the number of terms
#: times the digits of the largest coefficient; 150 covers quadratic relations over fields of degree 8).
NEWTON_DIGITS = 150

#: Most faces tried by the exact active-set search of one cone projection when the float guess fails.
MAX_FACE_SUBSETS = 20000

#: Largest degree of the number field allowed (the bound ``[K:Q]·deg(g)`` is checked before each generator ``g``
#: is adjoined: a primitive element of a large field can take sympy very long).
MAX_FIELD_DEGREE = 32

#: Most distinct hyperplanes for the exact region count (Whitney's formula visits ``2^h`` subsets).
MAX_HYPERPLANES = 16

_FUNC = "symbolic_polytope"
_EXACT_HINT = "an exact real number (int, Fraction, sympy expression, or a string such as 'sqrt(3)/2')"


# --------------------------------------------------------------------------------------------------------------
# Input


def _exact_scalar(v, name, where=""):
    """One exact real algebraic number as a sympy expression, or raise naming the parameter."""
    import sympy as sp
    got = f"{v!r}{where}"
    if isinstance(v, (bool, np.bool_)):
        raise InvalidInputTypeError(message(name, _FUNC, _EXACT_HINT, got))
    if isinstance(v, (float, np.floating, sp.Float)):
        raise InvalidInputTypeError(message(name, _FUNC, _EXACT_HINT + " (a float is not exact)", got))
    if isinstance(v, (numbers.Integral, np.integer)):
        e = sp.Integer(int(v))
    elif isinstance(v, Fraction):
        e = sp.Rational(v.numerator, v.denominator)
    elif isinstance(v, str):
        try:
            e = sp.sympify(v, rational=True)
        except (sp.SympifyError, SyntaxError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidInputError(message(name, _FUNC, _EXACT_HINT, got)) from exc
    elif isinstance(v, sp.Basic):
        e = v
    else:
        raise InvalidInputTypeError(message(name, _FUNC, _EXACT_HINT, f"{type(v).__name__} {got}"))
    if (not isinstance(e, sp.Expr) or e.free_symbols or e.has(sp.nan, sp.zoo, sp.oo, -sp.oo)
            or e.has(sp.Float) or not e.is_number):
        raise InvalidInputError(message(name, _FUNC, "a finite real algebraic number", got))
    if e.is_real is False or e.is_finite is False or e.is_algebraic is False:
        raise InvalidInputError(message(name, _FUNC, "a finite real algebraic number", got))
    z = complex(sp.N(e, 30))
    if not (math.isfinite(z.real) and abs(z.imag) <= 1e-25 * max(1.0, abs(z.real))):
        raise InvalidInputError(message(name, _FUNC, "a finite real algebraic number", got))
    return e


def _rows_of(a, name):
    import sympy as sp
    if isinstance(a, sp.MatrixBase):
        return a.tolist()
    if isinstance(a, np.ndarray):
        if np.issubdtype(a.dtype, np.floating):
            raise InvalidInputTypeError(message(name, _FUNC, "exact entries (a float array is not exact)",
                                                f"dtype {a.dtype}"))
        return a.tolist()
    if isinstance(a, (str, bytes)) or not hasattr(a, "__len__"):
        raise InvalidInputTypeError(message(name, _FUNC, "a sequence", type(a).__name__))
    return list(a)


def _exact_matrix(X):
    rows = _rows_of(X, "X")
    if not rows or any(isinstance(r, (str, bytes)) or not hasattr(r, "__len__") for r in rows):
        raise InvalidInputError(message("X", _FUNC, "a non-empty 2-D array of shape (n, d)", repr(X)))
    d = len(rows[0])
    if d == 0 or any(len(r) != d for r in rows):
        raise InvalidInputError(message("X", _FUNC, "a non-empty rectangular 2-D array (n ≥ 1, d ≥ 1)",
                                        f"row lengths {[len(r) for r in rows]}"))
    return [[_exact_scalar(v, "X", f" at ({i}, {j})") for j, v in enumerate(r)] for i, r in enumerate(rows)]


def _exact_vector(y, n, name):
    import sympy as sp
    if isinstance(y, sp.MatrixBase):
        if min(y.shape) != 1 and y.shape != (0, 0):
            raise InvalidInputError(message(name, _FUNC, "a 1-D array", f"a matrix of shape {y.shape}"))
        vals = list(y)
    else:
        vals = _rows_of(y, name)
        if isinstance(y, np.ndarray) and y.ndim != 1:
            raise InvalidInputError(message(name, _FUNC, "a 1-D array", f"an array of shape {y.shape}"))
        if any(hasattr(v, "__len__") and not isinstance(v, str) for v in vals):
            raise InvalidInputError(message(name, _FUNC, "a 1-D array", repr(y)))
    if len(vals) != n:
        raise InvalidInputError(message(name, _FUNC, f"of length n = {n} (one entry per row of X)",
                                        f"length {len(vals)}"))
    return [_exact_scalar(v, name, f" at {i}") for i, v in enumerate(vals)]


def _irrational_atoms(exprs):
    """The algebraic irrationalities the expressions are built from (radicals, unevaluated trig, roots)."""
    import sympy as sp
    gens = set()
    for e in exprs:
        if e.is_Rational:
            continue
        for p in e.atoms(sp.Pow):
            if p.exp.is_Rational and not p.exp.is_Integer:
                gens.add(p)
        for f in e.atoms(sp.Function, sp.CRootOf):
            gens.add(f)
        for a in e.atoms(sp.AlgebraicNumber):
            gens.add(a)
    return sorted(gens, key=sp.default_sort_key)


# --------------------------------------------------------------------------------------------------------------
# The exact field with rigorous signs


class _Field:
    """``Q`` or ``Q(θ)`` with exact arithmetic (sympy domains) and rigorous signs (flint balls), see the module
    docstring, steps 1–2."""

    def __init__(self, gens):
        import sympy as sp
        import flint

        self._flint = flint
        self.gens = list(gens)
        self._atoms = {}
        if not self.gens:
            self.K = sp.QQ
            return
        x = sp.Dummy("x")
        K, degree, kept = sp.QQ, 1, []
        for g in self.gens:  # one generator at a time, refusing before a primitive element could blow up
            if K != sp.QQ:
                try:
                    K.from_sympy(g)
                    continue  # already in the field
                except Exception:  # not a member, or sympy could not tell: adjoin it
                    pass
            try:
                dg = sp.degree(sp.minimal_polynomial(g, x), x)
                if degree * dg > MAX_FIELD_DEGREE:
                    raise ProblemTooLargeError(
                        f"The number field of {_FUNC} could reach degree {degree * dg} > MAX_FIELD_DEGREE = "
                        f"{MAX_FIELD_DEGREE} (irrationalities {str(self.gens)[:300]}); pass nu_guess, or use the "
                        "float polytope.")
                kept.append(g)
                # built from the original generators in one go (extending K itself would nest its primitive
                # element as an AlgebraicNumber inside the new one, and to_sympy would print unsimplified forms)
                K = sp.QQ.algebraic_field(*kept)
            except ProblemTooLargeError:
                raise
            except Exception as exc:  # NotAlgebraic, CoercionFailed, ...
                raise InvalidInputError(message("X", _FUNC, "built (with y, beta) from real algebraic numbers",
                                                f"irrationalities {str(self.gens)[:300]} that sympy cannot put "
                                                "in one number field")) from exc
            degree = int(K.mod.degree())
        self.K = K
        low = list(reversed(self.K.mod.to_list()))
        self._poly = flint.fmpq_poly([flint.fmpq(int(c.numerator), int(c.denominator)) for c in low])
        self._theta_num = sp.N(self.K.ext.as_expr(), 60)
        if abs(sp.im(self._theta_num)) > sp.Float(10) ** -40:
            raise InvalidInputError(message("X", _FUNC, "real", f"a complex primitive element {self.K.ext}"))
        self._theta_num = sp.re(self._theta_num)
        self._balls = {}

    @property
    def degree(self):
        import sympy as sp
        return 1 if self.K == sp.QQ else int(self._poly.degree())

    def describe(self):
        import sympy as sp
        if self.K == sp.QQ:
            return "QQ"
        x = sp.Symbol("x")
        poly = str(sp.Poly(self.K.mod.to_list(), x).as_expr())
        if len(poly) > 300:
            poly = f"{poly[:120]} … {poly[-60:]}"
        return f"QQ(θ) of degree {self.degree}, θ = {self.K.ext.as_expr()}, minimal polynomial {poly}"

    def theta(self, prec):
        """An arb ball around ``θ`` at ``prec`` bits."""
        if prec in self._balls:
            return self._balls[prec]
        flint = self._flint
        old = flint.ctx.prec
        try:
            flint.ctx.prec = prec
            target = flint.arb(str(self._theta_num))
            dist = []
            for root, _mult in self._poly.complex_roots():
                gap = abs(root - flint.acb(target))
                dist.append((float(gap.mid()), root))
            dist.sort(key=lambda t: t[0])
            if not (dist[0][0] < 1e-30 and (len(dist) == 1 or dist[1][0] > 1e-20)):
                raise CertificationError(f"The primitive element θ = {self.K.ext.as_expr()} could not be matched "
                                         "to a unique root of its minimal polynomial.")
            root = dist[0][1]
            if not root.imag.contains(0):
                raise CertificationError(f"The primitive element θ = {self.K.ext.as_expr()} is not real.")
            ball = flint.arb(root.real)
        finally:
            flint.ctx.prec = old
        self._balls[prec] = ball
        return ball

    def convert(self, e):
        """sympy expression → field element (exact): sums, products and integer powers are evaluated in the
        field; only the remaining atoms (radicals, roots) go through sympy's ``from_sympy`` (cached)."""
        import sympy as sp

        e = sp.sympify(e)
        if e.is_Add or e.is_Mul:
            parts = [self.convert(a) for a in e.args]
            out = parts[0]
            for q in parts[1:]:
                out = out + q if e.is_Add else out * q
            return out
        if e.is_Pow and e.exp.is_Integer:
            b = self.convert(e.base) ** abs(int(e.exp))
            return b if e.exp > 0 else self.K.one / b
        if e in self._atoms:
            return self._atoms[e]
        try:
            self._atoms[e] = self.K.from_sympy(e)
            return self._atoms[e]
        except Exception as exc:
            raise CertificationError(f"sympy could not express {str(e)[:200]} in the field {self.describe()} "
                                     f"({type(exc).__name__}).") from exc

    def to_sympy(self, a):
        import sympy as sp
        e = self.K.to_sympy(a)  # a polynomial in the generators: expanding it introduces no new radical
        return e if e.is_Rational else sp.expand(e)

    def is_zero(self, a):
        return a == self.K.zero

    def sign(self, a):
        """Exact sign of a field element: 0 decided exactly, ±1 by a ball excluding 0."""
        import sympy as sp
        if a == self.K.zero:
            return 0
        if self.K == sp.QQ:
            return 1 if a > 0 else -1
        flint = self._flint
        coeffs = [flint.fmpq(int(c.numerator), int(c.denominator)) for c in a.to_list()]
        old = flint.ctx.prec
        try:
            for prec in (128, 256, 512, 1024, 2048, 4096):
                flint.ctx.prec = prec
                t = self.theta(prec)
                flint.ctx.prec = prec
                v = flint.arb(0)
                for c in coeffs:
                    v = v * t + flint.arb(c)
                if v > 0:
                    return 1
                if v < 0:
                    return -1
        finally:
            flint.ctx.prec = old
        raise CertificationError(f"The sign of the nonzero number {self.K.to_sympy(a)} was not decided at 4096 bits.")

    def to_float(self, a):
        import sympy as sp
        return float(sp.N(self.K.to_sympy(a), 30))


def _rref(F, rows):
    """Exact ``(R, pivots)`` of a list-of-rows matrix over ``F.K``."""
    from sympy.polys.matrices import DomainMatrix

    if not rows or not rows[0]:
        return [], ()
    M = DomainMatrix([list(r) for r in rows], (len(rows), len(rows[0])), F.K)
    R, piv = M.rref()
    return R.to_list(), tuple(piv)


def _rank(F, rows):
    return len(_rref(F, rows)[1]) if rows and rows[0] else 0


def _solve_columns(F, cols, b):
    """The unique ``c`` with ``Σ c_j cols[j] = b`` when the columns are independent and ``b`` is in their span;
    ``None`` if dependent or inconsistent."""
    n, s = len(b), len(cols)
    aug = [[cols[j][i] for j in range(s)] + [b[i]] for i in range(n)]
    R, piv = _rref(F, aug)
    if piv != tuple(range(s)):  # dependent columns, or b outside the span (pivot in the last column)
        return None
    return [R[j][s] for j in range(s)]


def _dot(F, a, b):
    s = F.K.zero
    for x, z in zip(a, b):
        s = s + x * z
    return s


# --------------------------------------------------------------------------------------------------------------
# Float guide and high-precision refinement of ν*


def _float_projection(B, g):
    from scipy.optimize import nnls

    if B.shape[0] == 0:
        return g.copy(), np.zeros(0)
    lam, _ = nnls(-B.T, g)
    return g + B.T @ lam, lam


def _face_rows(B, lam):
    """Rows with a positive NNLS multiplier, reduced greedily to a linearly independent set (float guess)."""
    tol = DEFAULT_TOLERANCES.support
    if lam.size == 0:
        return []
    big = lam > tol * max(1.0, float(lam.max()))
    chosen = []
    for i in np.flatnonzero(big):
        trial = B[chosen + [int(i)]]
        tol_rank = DEFAULT_TOLERANCES.rank * max(1.0, float(np.abs(trial).max()))
        if np.linalg.matrix_rank(trial, tol=tol_rank) == len(chosen) + 1:
            chosen.append(int(i))
    return chosen


def _float_structure(Xf, nu, beta, pool):
    """Float guess of the tight signed patterns at ``ν`` with their active faces, grouped by float direction:
    a list of ``(σ, unit direction, [(k, σ, face rows), ...])``."""
    groups = []
    for k, D in enumerate(pool):
        B = np.where(D, 1.0, -1.0)[:, None] * Xf
        for sigma in (1, -1):
            g = sigma * (Xf.T @ (D * nu))
            Pi, lam = _float_projection(B, g)
            nrm = float(np.linalg.norm(Pi))
            if not (nrm >= beta * (1 - 100 * DEFAULT_TOLERANCES.tight)):
                continue
            u = Pi / nrm
            for gsig, gu, members in groups:
                if gsig == sigma and np.linalg.norm(gu - u) <= 100 * DEFAULT_TOLERANCES.dedup:
                    members.append((k, sigma, _face_rows(B, lam)))
                    break
            else:
                groups.append((sigma, u, [(k, sigma, _face_rows(B, lam))]))
    return groups


def _float_vertex(A, ystar):
    """Support and coefficients of a vertex of ``{c ≥ 0 : Ac = y*}`` (float): NNLS, then pruning along null
    vectors (SPEC.md §D.4 (3))."""
    from scipy.optimize import nnls

    if A.shape[1] == 0:
        return [], np.zeros(0)
    c, _ = nnls(A, ystar)
    for _ in range(A.shape[1] + 1):
        supp = np.flatnonzero(c > DEFAULT_TOLERANCES.vertex * float(c.max(initial=0.0)))
        c[np.setdiff1d(np.arange(c.size), supp)] = 0.0
        if supp.size == 0:
            return [], c
        sub = A[:, supp]
        _, sv, vt = np.linalg.svd(sub)
        if sv.size == supp.size and sv[-1] > DEFAULT_TOLERANCES.rank * sv[0]:
            return [int(i) for i in supp], c
        xi = vt[-1] if vt[-1].max() > 0 else -vt[-1]
        pos = np.flatnonzero(xi > 0)
        ratios = c[supp][pos] / xi[pos]
        j = int(np.argmin(ratios))
        c[supp] = c[supp] - ratios[j] * xi
        c[supp[pos[j]]] = 0.0
    return [int(i) for i in np.flatnonzero(c > 0)], c


def _newton(y_mp, beta_mp, forms, nu0, c0, digits):
    """Newton on ``ν + Σ_k c_k M_kν/β = y``, ``νᵀM_kν = β²`` (unknowns ``ν``, ``c``) at the current mpmath
    precision; the refined ``ν``, or ``None`` if it does not converge to ``10^-(digits-15)``."""
    import mpmath

    n, s = len(y_mp), len(forms)
    nu = [mpmath.mpf(float(v)) for v in nu0]
    c = [mpmath.mpf(float(v)) for v in c0]
    tol = mpmath.mpf(10) ** (-(digits - 15))
    for _ in range(60):
        Mnu = [[mpmath.fsum(M[i, j] * nu[j] for j in range(n)) for i in range(n)] for M in forms]
        F = [nu[i] + mpmath.fsum(c[k] * Mnu[k][i] for k in range(s)) / beta_mp - y_mp[i] for i in range(n)]
        F += [mpmath.fsum(nu[i] * Mnu[k][i] for i in range(n)) - beta_mp ** 2 for k in range(s)]
        J = mpmath.zeros(n + s, n + s)
        for i in range(n):
            J[i, i] += 1
            for j in range(n):
                J[i, j] += mpmath.fsum(c[k] * forms[k][i, j] for k in range(s)) / beta_mp
            for k in range(s):
                J[i, n + k] = Mnu[k][i] / beta_mp
                J[n + k, i] = 2 * Mnu[k][i]
        try:
            step = mpmath.lu_solve(J, mpmath.matrix([-f for f in F]))
        except (ZeroDivisionError, ValueError):
            return None
        nu = [nu[i] + step[i] for i in range(n)]
        c = [c[k] + step[n + k] for k in range(s)]
        if mpmath.norm(step) < tol:
            return nu
    return None


def _quadratic_forms(Xmp, pool, members):
    """``M_k = D_k X P_F Xᵀ D_k`` (``P_F`` the projector onto the null space of the active face rows), one per
    representative ``(k, σ, face)``, at the current mpmath precision."""
    import mpmath

    n, d = len(Xmp), len(Xmp[0])
    X = mpmath.matrix(Xmp)
    out = []
    for k, _sigma, face in members:
        D = pool[k]
        if face:
            BF = mpmath.matrix([[(1 if D[i] else -1) * X[i, j] for j in range(d)] for i in face])
            G = BF * BF.T
            P = mpmath.eye(d) - BF.T * mpmath.inverse(G) * BF
        else:
            P = mpmath.eye(d)
        Dm = mpmath.diag([1 if D[i] else 0 for i in range(n)])
        out.append(Dm * X * P * X.T * Dm)
    return out


# --------------------------------------------------------------------------------------------------------------
# Recognition of the refined ν* entries


def _recognise(v, F0, digits):
    """An exact sympy expression for the high-precision real ``v`` (module docstring, step 3), or ``None``.

    Tries, in order: an element of ``F0`` (``Σ_j q_j θ^j``), a root of a quadratic over ``F0``, a root of an
    integer polynomial of degree ≤ 8.  A candidate is returned only if it matches ``v`` to ``digits // 2``
    digits; it remains a guess until the exact verification."""
    import sympy as sp
    import mpmath

    D0 = F0.degree
    if D0 > 1:
        theta = mpmath.mpf(mpmath.nstr(mpmath.mpf(str(sp.N(F0.K.ext.as_expr(), digits + 10))), digits + 5))
        basis = [theta ** j for j in range(D0)]
    else:
        basis = [mpmath.mpf(1)]
    target = sp.Float(mpmath.nstr(v, digits + 5), digits)
    close = sp.Float(10) ** (-(digits // 2))

    def matches(cand):
        return abs(sp.N(cand, digits) - target) < close

    def elem(coeffs):  # integer coefficients on the power basis θ^0, θ^1, ... → field element
        if D0 == 1:
            return F0.K.convert(sp.Integer(int(coeffs[0])))
        return F0.K.new([F0.K.dom.convert(sp.Integer(int(x))) for x in reversed(coeffs)])

    for e in (1, 2):
        vec = [v ** i * b for i in range(e + 1) for b in basis]
        try:
            rel = mpmath.pslq(vec, maxcoeff=10 ** 12, maxsteps=50000)
        except (ValueError, ZeroDivisionError):
            rel = None
        if rel is None:
            continue
        a = [elem(rel[i * D0:(i + 1) * D0]) for i in range(e + 1)]
        if a[e] == F0.K.zero:
            continue
        if e == 1:
            cands = [F0.to_sympy(F0.K.zero - a[0] / a[1])]
        else:
            inv = F0.K.one / (F0.K.convert(2) * a[2])  # roots (−a₁ ± √disc)/(2a₂), with 1/(2a₂) in the field
            disc = F0.to_sympy(a[1] * a[1] - F0.K.convert(4) * a[2] * a[0])
            lin, scale = F0.to_sympy(F0.K.zero - a[1] * inv), F0.to_sympy(inv)
            cands = [sp.expand(lin + sgn * scale * sp.sqrt(disc)) for sgn in (1, -1)]
        for cand in cands:
            if matches(cand):
                return cand
    x = sp.Symbol("x")
    for deg in range(2, 9):
        try:
            coeffs = mpmath.findpoly(v, deg, maxcoeff=10 ** 10, maxsteps=50000)
        except (ValueError, ZeroDivisionError):
            coeffs = None
        if not coeffs:
            continue
        p = sp.Poly([int(q) for q in coeffs], x)
        roots = sp.roots(p, x, multiple=True) if p.degree() <= 2 else list(p.real_roots())
        for cand in roots:
            if cand.is_real and matches(cand):
                return cand
    return None


# --------------------------------------------------------------------------------------------------------------
# Exact cone projection, pool completeness, vertices


def _project_exact(F, B, g, face_guess):
    """``Π_C(g)`` for ``C = {u : Bu ≥ 0}``, proved by its KKT conditions (module docstring, step 5)."""
    neg = F.K.zero

    def attempt(face):
        if face:
            BF = [B[i] for i in face]
            G = [[_dot(F, r1, r2) for r2 in BF] for r1 in BF]
            lam = _solve_columns(F, G, [neg - _dot(F, r, g) for r in BF])
            if lam is None or any(F.sign(v) < 0 for v in lam):
                return None
            Pi = [g[j] + _dot(F, lam, [r[j] for r in BF]) for j in range(len(g))]
        else:
            Pi = list(g)
        if any(F.sign(_dot(F, r, Pi)) < 0 for r in B):
            return None
        return Pi

    if face_guess:  # an exactly independent subset of the guessed rows
        _, piv = _rref(F, [[B[i][j] for i in face_guess] for j in range(len(g))])
        face_guess = [face_guess[p] for p in piv]
    Pi = attempt(face_guess)
    if Pi is not None:
        return Pi
    rank = _rank(F, B)
    tried = 0
    for size in range(rank + 1):
        for face in itertools.combinations(range(len(B)), size):
            tried += 1
            if tried > MAX_FACE_SUBSETS:
                raise ProblemTooLargeError(f"The exact active-set search of a cone projection in {_FUNC} exceeded "
                                           f"MAX_FACE_SUBSETS = {MAX_FACE_SUBSETS} faces.")
            Pi = attempt(list(face))
            if Pi is not None:
                return Pi
    raise CertificationError("No face of the cone satisfied the exact KKT conditions of the projection "
                             "(impossible for exact arithmetic: please report).")


def _region_count(F, rows):
    """Exact number of regions of the central arrangement of the nonzero rows (Whitney's formula over the
    distinct hyperplanes), and the number of distinct hyperplanes."""
    normals = []
    for r in rows:
        nz = next((j for j, v in enumerate(r) if not F.is_zero(v)), None)
        if nz is None:
            continue
        canon = [v / r[nz] for v in r]
        if canon not in normals:
            normals.append(canon)
    h = len(normals)
    if h > MAX_HYPERPLANES:
        raise ProblemTooLargeError(message("X", _FUNC, f"at most MAX_HYPERPLANES = {MAX_HYPERPLANES} distinct "
                                           "hyperplanes (exact region count by Whitney's formula)",
                                           f"{h} hyperplanes"))

    def reduce(r, basis):
        r = list(r)
        for pc, b in basis:
            if not F.is_zero(r[pc]):
                f = r[pc]
                r = [x - f * y for x, y in zip(r, b)]
        pc = next((j for j, v in enumerate(r) if not F.is_zero(v)), None)
        if pc is None:
            return None
        return pc, [x / r[pc] for x in r]

    total = 0
    stack = [(0, [], 0)]
    while stack:
        start, basis, size = stack.pop()
        total += (-1) ** ((size - len(basis)) % 2)
        for i in range(start, h):
            red = reduce(normals[i], basis)
            stack.append((i + 1, basis + [red] if red is not None else basis, size + 1))
    return total, h


def _lp_witness(Xf, D):
    """A float point deep inside the region of pattern ``D`` (max-margin LP), or ``None``."""
    from scipy.optimize import linprog

    n, d = Xf.shape
    S = np.where(D, 1.0, -1.0)[:, None] * Xf
    cost = np.zeros(d + 1)
    cost[-1] = -1.0
    A_ub = np.hstack([-S, np.ones((n, 1))])
    res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * d + [(None, 1)], method="highs")
    if res.status != 0 or not (res.x[-1] > 0):
        return None
    return res.x[:d]


def _is_exact_region(F, Xk, D, w):
    """``w`` (rationals) has exactly the strict signs of pattern ``D`` on the nonzero rows (zero rows active)."""
    import sympy as sp
    wk = [F.convert(sp.Rational(Fraction(v).numerator, Fraction(v).denominator)) if not isinstance(v, int)
          else F.convert(sp.Integer(v)) for v in w]
    for row, act in zip(Xk, D):
        if all(F.is_zero(x) for x in row):
            if not act:
                return False
            continue
        if F.sign(_dot(F, row, wk)) != (1 if act else -1):
            return False
    return True


def _independent_solve(F, cols, b):
    """``(independent, c)``: whether the columns are independent, and the unique ``c`` with ``Σ c_j cols_j = b``
    (``None`` when dependent or ``b`` is outside the span)."""
    n, s = len(b), len(cols)
    R, piv = _rref(F, [[cols[j][i] for j in range(s)] + [b[i]] for i in range(n)])
    independent = tuple(p for p in piv if p < s) == tuple(range(s))
    if not independent or s in piv:
        return independent, None
    return True, [R[j][s] for j in range(s)]


# --------------------------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class SymbolicPolytope:
    """The optimal polytope of SPEC.md §D, proved in exact arithmetic by :func:`symbolic_polytope`.

    Attributes
    ----------
    nu_star, y_star : sympy.ImmutableMatrix (n, 1)
        The dual optimum ``ν* = Π_{𝒦_β}(y)`` and the optimal fit ``y* = y − ν*`` (convention R, SPEC.md §C.1).
    p_star : sympy.Expr
        ``p* = ½‖ν*‖² + ν*ᵀy*`` (SPEC.md §D.2), exact.
    directions : tuple of sympy.ImmutableMatrix (d, 1)
        The distinct tight unit directions ``ū_j = Π_{C_k}(σ_j Xᵀ D_k ν*)/β`` (``d`` counts the bias column).
    signs : tuple of int
        ``σ_j = ±1`` (the sign of the output weight).
    groups : tuple of tuple of (int, int)
        For each column, the ``(pool index, σ)`` whose tight direction it is (several after deduplication,
        SPEC.md §D.3).
    pool : tuple of str
        The pattern pool (region patterns of the exact data, as 0/1 strings), indexed by ``groups``.
    A : sympy.ImmutableMatrix (n, K)
        Columns ``a_j = σ_j (X ū_j)_+``.
    rank : int
        ``rank A``.
    vertices : tuple of (tuple of int, tuple of sympy.Expr)
        Every vertex of ``Q = {c ≥ 0 : Ac = y*}``: its support and the (positive) coefficients on it, sorted by
        support size, then support.
    edges : tuple of (int, int)
        Pairs of indices into ``vertices`` joined by an edge of ``Q``: no third vertex has its support inside
        ``S ∪ T``, confirmed by ``rank A_{S∪T} = |S∪T| − 1`` (SPEC.md §E.3).
    m_star, M_star : int
        Smallest and largest vertex support (SPEC.md §E.1).
    support_counts : dict
        ``{s: number of vertices with |supp| = s}`` (``N_s`` of SPEC.md §E.3).
    dim : int
        ``dim Q = |U| − rank A_U`` with ``U`` the union of the vertex supports (``K − rank A`` when every column
        is used by some optimal solution).
    beta : sympy.Expr
    bias : bool
    number_field : str
        The number field of the computation (``"QQ"`` for rational instances).
    n_regions : int
        Exact region count of the exact arrangement (Whitney), equal to ``len(pool)``.
    seconds : float
    """

    nu_star: sp.ImmutableMatrix
    y_star: sp.ImmutableMatrix
    p_star: sp.Expr
    directions: tuple
    signs: tuple
    groups: tuple
    pool: tuple
    A: sp.ImmutableMatrix
    rank: int
    vertices: tuple
    edges: tuple
    m_star: int
    M_star: int
    support_counts: dict = field(repr=False)
    dim: int = 0
    beta: sp.Expr = None
    bias: bool = False
    number_field: str = "QQ"
    n_regions: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def n_columns(self) -> int:
        """``K``: the number of (deduplicated) columns."""
        return len(self.directions)

    def to_dict(self) -> dict:
        """JSON-ready summary: exact values as strings (``str``), with their floats alongside."""
        import sympy as sp

        def s(e):
            return str(e)

        def f(e):
            return float(sp.N(e, 30))

        return {
            "nu_star": [s(v) for v in self.nu_star], "nu_star_float": [f(v) for v in self.nu_star],
            "y_star": [s(v) for v in self.y_star], "y_star_float": [f(v) for v in self.y_star],
            "p_star": s(self.p_star), "p_star_float": f(self.p_star),
            "beta": s(self.beta), "bias": self.bias,
            "directions": [[s(v) for v in u] for u in self.directions],
            "directions_float": [[f(v) for v in u] for u in self.directions],
            "signs": list(self.signs), "groups": [[list(m) for m in g] for g in self.groups],
            "pool": list(self.pool),
            "A": [[s(v) for v in self.A.row(i)] for i in range(self.A.rows)],
            "rank": self.rank, "n_columns": self.n_columns,
            "vertices": [{"support": list(S), "coefficients": [s(v) for v in c],
                          "coefficients_float": [f(v) for v in c]} for S, c in self.vertices],
            "edges": [list(e) for e in self.edges],
            "m_star": self.m_star, "M_star": self.M_star,
            "support_counts": {str(k): v for k, v in sorted(self.support_counts.items())},
            "dim": self.dim, "number_field": self.number_field, "n_regions": self.n_regions, "seconds": self.seconds,
        }


# --------------------------------------------------------------------------------------------------------------
# The entry point


def symbolic_polytope(X, y, beta, *, bias=False, nu_guess=None, max_columns=24) -> SymbolicPolytope:
    """The optimal polytope ``Q`` of SPEC.md §D, with ``ν*``, ``y*``, ``p*``, vertices and edges, proved exactly.

    Parameters
    ----------
    X : array_like (n, d) of exact numbers
        Data: ints, :class:`fractions.Fraction`, sympy expressions, or strings sympy parses (``"sqrt(3)/2"``,
        ``"cos(2*pi/5)"``); every entry a real algebraic number.  Floats are refused (not exact).
    y : array_like (n,) of exact numbers
        Labels.
    beta : exact number
        Weight decay ``β > 0``.
    bias : bool, default False
        Regularized bias (SPEC.md §A.6): work with ``X̃ = [X, 1]``.
    nu_guess : array_like (n,) of exact numbers, optional
        A candidate ``ν*``; skips the float solve and the recognition.  It is verified like any guess.
    max_columns : int, default 24
        Refuse (:class:`~geom.exceptions.ProblemTooLargeError`) more deduplicated tight directions than this:
        the brute-force vertex search visits up to ``Σ_{s ≤ rank A} binom(K, s)`` column subsets.

    Returns
    -------
    SymbolicPolytope

    Raises
    ------
    InvalidInputError, InvalidInputTypeError
        Bad arguments (the message names the parameter).
    CertificationError
        ``ν*`` was not recognised as an exact number, or the recognised (or given) ``ν*`` fails the exact
        verification (not dual feasible, or ``Q`` empty), or the pattern pool is not proved complete.
    ProblemTooLargeError
        More than ``max_columns`` columns, more than ``MAX_HYPERPLANES`` distinct hyperplanes, or a number field
        that could exceed degree ``MAX_FIELD_DEGREE``.

    Notes
    -----
    The method, and exactly which step is rigorous, is in the module docstring.  Cost: every pattern of the
    pool costs one exact projection per sign; vertices cost up to ``Σ_{s ≤ rank} binom(K, s)`` exact solves,
    edges one exact rank per pair of vertices.  Meant for hand-made instances (``n ≲ 8``).

    Examples
    --------
    SPEC.md §I, I2 (the 120° instance; all three tight neurons positive):

    >>> P = symbolic_polytope([[1, 0], ["-1/2", "sqrt(3)/2"]], [1, 1], "1/2")
    >>> P.p_star, list(P.y_star), P.n_columns, P.rank
    (3/4, [1/2, 1/2], 3, 2)
    >>> P.pool, P.signs
    (('00', '01', '10', '11'), (1, 1, 1))
    >>> [list(u) for u in P.directions]
    [[-1/2, sqrt(3)/2], [1, 0], [1/2, sqrt(3)/2]]
    >>> P.A
    Matrix([
    [0, 1, 1/2],
    [1, 0, 1/2]])
    >>> P.vertices, P.edges, (P.m_star, P.M_star), P.dim
    ((((2,), (1,)), ((0, 1), (1/2, 1/2))), ((0, 1),), (1, 2), 1)
    """
    import sympy as sp
    t0 = time.perf_counter()
    from .arrangements import enumerate_patterns

    Xe = _exact_matrix(X)
    n = len(Xe)
    ye = _exact_vector(y, n, "y")
    be = _exact_scalar(beta, "beta")
    if not (be.is_positive is True or (be.is_positive is None and sp.N(be, 60) > sp.Float(10) ** -50)):
        raise InvalidInputError(message("beta", _FUNC, "a finite number > 0", repr(beta)))
    if not isinstance(bias, (bool, np.bool_)):
        raise InvalidInputTypeError(message("bias", _FUNC, "a bool", repr(bias)))
    bias = bool(bias)
    max_columns = check_int(max_columns, name="max_columns", func=_FUNC, minimum=1)
    nu_given = None if nu_guess is None else _exact_vector(nu_guess, n, "nu_guess")

    def num(e):
        return float(sp.N(e, 30))

    X0f = np.array([[num(v) for v in r] for r in Xe], dtype=np.float64)
    yf = np.array([num(v) for v in ye])
    bf = num(be)
    if bias:
        Xe = [r + [sp.Integer(1)] for r in Xe]
    Xf = np.hstack([X0f, np.ones((n, 1))]) if bias else X0f
    pats = enumerate_patterns(X0f, bias=bias, ties="regions")
    if not pats.certified:
        raise CertificationError("The pattern enumeration of the rounded data is not certified, so the pool "
                                 f"cannot be proved complete ({_FUNC}).")
    region_rows = np.flatnonzero(pats.is_region)
    pool_all = pats.patterns[region_rows]

    # ν*: a guess, proved below
    data_exprs = [v for r in Xe for v in r] + ye + [be]
    F0 = _Field(_irrational_atoms(data_exprs))
    if nu_given is not None:
        nu_exprs = nu_given
        F = _Field(_irrational_atoms(data_exprs + nu_exprs))
    else:
        nu_exprs, F = _guess_nu(Xe, ye, be, Xf, yf, bf, X0f, bias, pats, pool_all, F0)

    Xk = [[F.convert(v) for v in r] for r in Xe]
    yk = [F.convert(v) for v in ye]
    bk = F.convert(be)
    nuk = [F.convert(v) for v in nu_exprs]
    if F.sign(bk) <= 0:
        raise InvalidInputError(message("beta", _FUNC, "a finite number > 0", repr(beta)))
    nuf = np.array([F.to_float(v) for v in nuk])
    d = len(Xk[0])

    # the pool, proved complete for the exact data
    n_regions, _h = _region_count(F, Xk)
    int_w = dict(pats.integer_witnesses)
    pool = []
    for j, row in enumerate(region_rows):
        D = pool_all[j]
        w = int_w.get(int(row), pats.witnesses[row])
        w = [int(v) for v in w] if int(row) in int_w else [float(v) for v in w]
        ok = _is_exact_region(F, Xk, D, w)
        if not ok:
            w2 = _lp_witness(Xf, D)
            ok = w2 is not None and _is_exact_region(F, Xk, D, [float(v) for v in w2])
        if ok:
            pool.append(D)
    if len(pool) != n_regions:
        raise CertificationError(f"Only {len(pool)} of the {n_regions} regions of the exact arrangement were found "
                                 "among the patterns of the rounded data: the pool is not proved complete.")

    # dual feasibility and tight directions, exactly
    groups = []  # [sigma, Pi, members]
    for k, D in enumerate(pool):
        B = [[x if act else F.K.zero - x for x in row] for row, act in zip(Xk, D)]
        Bf = np.where(D, 1.0, -1.0)[:, None] * Xf
        for sigma in (1, -1):
            g = [F.K.zero] * d
            for i in range(n):
                if D[i]:
                    g = [gj + nuk[i] * x for gj, x in zip(g, Xk[i])]
            if sigma < 0:
                g = [F.K.zero - v for v in g]
            gf = sigma * (Xf.T @ (D * nuf))
            _, lam = _float_projection(Bf, gf)
            Pi = _project_exact(F, B, g, _face_rows(Bf, lam))
            excess = _dot(F, Pi, Pi) - bk * bk
            s = F.sign(excess)
            if s > 0:
                raise CertificationError(
                    f"The candidate ν* = {[str(v) for v in nu_exprs]} is not dual feasible: pattern "
                    f"{''.join('1' if a else '0' for a in D)} with sign {sigma:+d} has ‖Π‖² − β² = "
                    f"{F.to_float(excess):.3e} > 0 (ν* was misrecognised, or nu_guess is wrong).")
            if s == 0:
                for gr in groups:
                    if gr[0] == sigma and gr[1] == Pi:
                        gr[2].append((k, sigma))
                        break
                else:
                    groups.append([sigma, Pi, [(k, sigma)]])
    K = len(groups)
    if K > max_columns:
        raise ProblemTooLargeError(message("max_columns", _FUNC, f"at least the number of tight directions ({K})",
                                           repr(max_columns)))
    inv_b = F.K.one / bk
    units = [[v * inv_b for v in Pi] for _, Pi, _ in groups]
    cols = []
    for (sigma, _Pi, members), u in zip(groups, units):
        D = pool[members[0][0]]
        col = []
        for i in range(n):
            v = _dot(F, Xk[i], u) if D[i] else F.K.zero
            col.append(v if sigma > 0 else F.K.zero - v)
        cols.append(col)
    ystar = [a - b for a, b in zip(yk, nuk)]
    rank = _rank(F, [[cols[j][i] for j in range(K)] for i in range(n)]) if K else 0

    vertices = _vertices(F, cols, ystar, rank)
    if not vertices:
        raise CertificationError(f"Q = {{c ≥ 0 : Ac = y*}} is empty: the candidate ν* = {[str(v) for v in nu_exprs]} "
                                 "is dual feasible but not the dual optimum (misrecognised, or nu_guess is wrong).")
    vertices.sort(key=lambda v: (len(v[0]), v[0]))
    edges = _edges(F, cols, [S for S, _ in vertices])
    used = sorted(set().union(*(set(S) for S, _ in vertices)))
    dim = len(used) - (_rank(F, [[cols[c][r] for c in used] for r in range(n)]) if used else 0)
    sizes = [len(S) for S, _ in vertices]
    counts = {s: sizes.count(s) for s in sorted(set(sizes))}

    half = F.K.one / F.K.convert(2)
    p_star = half * _dot(F, nuk, nuk) + _dot(F, nuk, ystar)
    conv = F.to_sympy
    return SymbolicPolytope(
        nu_star=sp.ImmutableMatrix([conv(v) for v in nuk]),
        y_star=sp.ImmutableMatrix([conv(v) for v in ystar]),
        p_star=conv(p_star),
        directions=tuple(sp.ImmutableMatrix([conv(v) for v in u]) for u in units),
        signs=tuple(int(g[0]) for g in groups),
        groups=tuple(tuple(g[2]) for g in groups),
        pool=tuple("".join("1" if a else "0" for a in D) for D in pool),
        A=sp.ImmutableMatrix(n, K, [conv(cols[j][i]) for i in range(n) for j in range(K)]),
        rank=rank,
        vertices=tuple((tuple(S), tuple(conv(v) for v in c)) for S, c in vertices),
        edges=tuple(edges),
        m_star=min(sizes), M_star=max(sizes), support_counts=counts, dim=dim,
        beta=be, bias=bias, number_field=F.describe(), n_regions=n_regions,
        seconds=time.perf_counter() - t0,
    )


def _edges(F, cols, supports):
    """Edges of ``Q`` from its complete vertex list, each confirmed by the exact rank test of SPEC.md §E.3.

    The smallest face containing vertices ``v, w`` is ``{c ∈ Q : supp c ⊆ S ∪ T}``, whose vertices are the
    vertices of ``Q`` with support inside ``S ∪ T``; it is an edge iff it has exactly these two.  That decides
    adjacency combinatorially (bitmasks); each pair found adjacent is then checked to have
    ``rank A_{S∪T} = |S∪T| − 1`` exactly (a disagreement raises :class:`~geom.exceptions.CertificationError`).
    """
    n = len(cols[0]) if cols else 0
    masks = np.array([sum(1 << j for j in S) for S in supports], dtype=np.int64)
    edges = []
    for i in range(len(supports)):
        U = masks[i] | masks[i + 1:]
        inside = (masks[None, :] & ~U[:, None]) == 0  # [pair (i, j), vertex k]: supp k ⊆ S_i ∪ S_j
        for off in np.flatnonzero(inside.sum(axis=1) == 2):
            j = i + 1 + int(off)
            union = sorted(set(supports[i]) | set(supports[j]))
            if _rank(F, [[cols[c][r] for c in union] for r in range(n)]) != len(union) - 1:
                raise CertificationError(f"Vertices {supports[i]} and {supports[j]} span a face with no other vertex "
                                         "but fail the rank test of an edge (please report).")
            edges.append((i, j))
    return edges


def _vertices(F, cols, ystar, rank):
    """Every vertex of ``{c ≥ 0 : Ac = y*}`` as ``(support, coefficients)``: depth-first over independent
    column subsets of size ≤ rank (dependent ones are pruned with their supersets), keeping the exact solutions
    with all coefficients > 0 (SPEC.md §D.4 (1))."""
    if all(F.is_zero(v) for v in ystar):
        return [((), ())]
    out = []
    stack = [((), 0)]
    K = len(cols)
    while stack:
        S, start = stack.pop()
        for j in range(start, K):
            T = S + (j,)
            independent, c = _independent_solve(F, [cols[i] for i in T], ystar)
            if not independent:
                continue
            if c is not None and all(F.sign(v) > 0 for v in c):
                out.append((T, c))
            if len(T) < rank:
                stack.append((T, j + 1))
    return out


def _guess_nu(Xe, ye, be, Xf, yf, bf, X0f, bias, pats, pool, F0):
    """Exact guess of ``ν*`` and a field holding it and the data: float solve, Newton refinement, recognition
    (module docstring, step 3)."""
    import sympy as sp
    import mpmath

    from .convex import solve_convex

    sol = solve_convex(X0f, yf, bf, bias=bias, patterns=pats)
    nu_f = np.asarray(sol.nu_star, dtype=np.float64)
    groups = _float_structure(Xf, nu_f, bf, pool)
    n = len(ye)
    refined = None
    if groups:
        A = np.column_stack([sig * np.maximum(Xf @ u, 0.0) for sig, u, _ in groups])
        S, c = _float_vertex(A, yf - nu_f)
    else:
        S, c = [], np.zeros(0)
    with mpmath.workdps(NEWTON_DIGITS + 10):
        X_mp = [[mpmath.mpf(str(sp.N(v, NEWTON_DIGITS + 20))) for v in r] for r in Xe]
        y_mp = [mpmath.mpf(str(sp.N(v, NEWTON_DIGITS + 20))) for v in ye]
        b_mp = mpmath.mpf(str(sp.N(be, NEWTON_DIGITS + 20)))
        try:
            forms = _quadratic_forms(X_mp, pool, [groups[j][2][0] for j in S])
            refined = _newton(y_mp, b_mp, forms, nu_f, [c[j] for j in S], NEWTON_DIGITS)
        except (ZeroDivisionError, ValueError):  # a singular face Gram matrix: fall back to the float guide
            refined = None
        out, F = [], F0
        for i in range(n):
            if refined is not None:
                e = _recognise(refined[i], F, NEWTON_DIGITS)
            else:  # low-precision fallback: nsimplify with the data's radicals as constants
                e = sp.nsimplify(float(nu_f[i]), F0.gens, tolerance=1e-9, rational=False)
                e = None if e.has(sp.Float) else e
            if e is None:
                raise CertificationError(
                    f"ν*[{i}] ≈ {nu_f[i]!r} was not recognised as an exact number (Newton refinement to "
                    f"{NEWTON_DIGITS} digits {'converged' if refined is not None else 'failed'}; tried the field "
                    f"{F.describe()}, quadratics over it, integer polynomials of degree ≤ 8); pass nu_guess.")
            e = sp.sympify(e)
            new = [g for g in _irrational_atoms([e]) if g not in F.gens]
            if new:
                try:
                    F.convert(e)  # already in the field, written with other radicals
                except CertificationError:
                    F = _Field(F.gens + new)  # later entries are first sought in the extended field
            out.append(e)
    return out, F
