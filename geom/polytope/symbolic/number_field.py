"""The exact number field of :func:`~geom.polytope.symbolic.symbolic_polytope`: ``Q(θ)`` with exact arithmetic
and rigorous signs, and exact linear algebra over it (docs/theory.md §D; steps 1–2 of
:mod:`geom.polytope.symbolic`).

Every entry of ``X``, ``y``, ``β`` and ``ν*`` lies in one real number field built from the irrationalities met;
zero is decided exactly (an element is zero iff its reduced polynomial is), a nonzero sign by a ball enclosure.
The ranks, reduced row echelon forms and solves here are those behind the vertices (§D.4), the edge rank test
(§E.3) and the exact cone projections (§C.2).

Examples
--------
>>> import sympy as sp
>>> F = _Field([sp.sqrt(2)])
>>> F.degree, F.sign(F.convert(sp.sqrt(2) - sp.Rational(141421, 100000)))
(2, 1)
>>> Q = _Field([])
>>> _rank(Q, [[Q.convert(1), Q.convert(2)], [Q.convert(2), Q.convert(4)]])
1
"""

from __future__ import annotations

from ..._validation import message
from ...exceptions import CertificationError, InvalidInputError, ProblemTooLargeError

#: Largest degree of the number field allowed (the bound ``[K:Q]·deg(g)`` is checked before each generator ``g``
#: is adjoined: a primitive element of a large field can take sympy very long).
MAX_FIELD_DEGREE = 32

#: The public entry point, named in error messages.
_FUNC = "symbolic_polytope"

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


def _independent_solve(F, cols, b):
    """``(independent, c)``: whether the columns are independent, and the unique ``c`` with ``Σ c_j cols_j = b``
    (``None`` when dependent or ``b`` is outside the span)."""
    n, s = len(b), len(cols)
    R, piv = _rref(F, [[cols[j][i] for j in range(s)] + [b[i]] for i in range(n)])
    independent = tuple(p for p in piv if p < s) == tuple(range(s))
    if not independent or s in piv:
        return independent, None
    return True, [R[j][s] for j in range(s)]
