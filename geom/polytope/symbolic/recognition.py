"""The exact guess of ``ν*`` for :func:`~geom.polytope.symbolic.symbolic_polytope`: a float guide, Newton's method
to ``NEWTON_DIGITS`` digits on the square system of a float vertex support, and recognition of each entry by
integer relations (docs/theory.md §C.4, §D.1, §D.4; step 3 of :mod:`geom.polytope.symbolic`).  The result is only
a guess: the package verifies it exactly.

Examples
--------
>>> import mpmath
>>> from geom.polytope.symbolic.number_field import _Field
>>> with mpmath.workdps(80):
...     _recognise(1 + mpmath.sqrt(3) / 2, _Field([]), 60)
sqrt(3)/2 + 1
"""

from __future__ import annotations

import numpy as np

from ...exceptions import CertificationError
from ...tolerances import DEFAULT_TOLERANCES
from .number_field import _Field, _irrational_atoms
from .projection import _float_structure

#: Decimal digits of the Newton refinement of ``ν*`` before recognition (PSLQ needs roughly the number of terms
#: times the digits of the largest coefficient; 150 covers quadratic relations over fields of degree 8).
NEWTON_DIGITS = 150

def _float_vertex(A, ystar):
    """Support and coefficients of a vertex of ``{c ≥ 0 : Ac = y*}`` (float): NNLS, then pruning along null
    vectors (docs/theory.md §D.4 (3))."""
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


def _recognise(v, F0, digits):
    """An exact sympy expression for the high-precision real ``v`` (:mod:`geom.polytope.symbolic`, step 3), or ``None``.

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


def _guess_nu(Xe, ye, be, Xf, yf, bf, X0f, bias, pats, pool, F0):
    """Exact guess of ``ν*`` and a field holding it and the data: float solve, Newton refinement, recognition
    (:mod:`geom.polytope.symbolic`, step 3)."""
    import sympy as sp
    import mpmath

    from ...convex import solve_convex

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
