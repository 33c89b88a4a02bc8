"""How the result objects show themselves in a notebook (``_repr_html_``).

Each result class of :mod:`geom` has a two-line ``_repr_html_`` that calls one function of this module, so all the
rendering lives here: the key figures in a key/value table, the verdicts as coloured badges with the reason next
to them, and a small hand-written SVG where a picture helps (the pattern matrix of a small
:class:`~geom.Patterns`, the data against the optimal fit of a :class:`~geom.ConvexSolution`, the vertex supports
of the :class:`~geom.OptimalPolytope` against ``m*`` and ``M*`` (docs/theory.md §E.1), the staircase of
connectivity (docs/theory.md §E.2), the objective along a decreasing path (docs/theory.md §F.4)).  No plotting
library is needed and nothing is loaded from outside: the fragment is self-contained.

Two rules hold for every fragment:

* **Escaped.**  Every value goes through :func:`text` (``html.escape`` after removing control characters), so a
  case name or a reason string cannot inject markup.  Only fragments built here (:class:`Fragment`) are inserted
  as they are.  The output is well-formed XML (closed tags, quoted attributes, numeric entities only).
* **Bounded.**  Arrays are summarized (:func:`fmt`), tables stop after :data:`MAX_ROWS` rows, charts after
  :data:`MAX_BARS` categories, the pattern thumbnail is drawn only up to :data:`THUMB_MAX` patterns and rows;
  a larger object shows the same key figures and a histogram instead.

The shared helpers (:func:`badge`, :func:`kv_table`, :func:`table`, :func:`bar_chart_svg`,
:func:`sparkline_svg`, :func:`pattern_matrix_svg`) live in :mod:`geom._html`, are re-exported here, and are used
by :mod:`verify.display` as well.

Examples
--------
>>> import geom
>>> P = geom.enumerate_patterns([[-1.0], [1.0]])          # docs/theory.md §I, I1: 𝒟_≥ = {01, 10, 11}
>>> frag = P._repr_html_()
>>> "<td>3</td>" in frag and "certified" in frag and "<svg" in frag
True
"""

from __future__ import annotations

import numpy as np

from ._html import (_BLUE, _GREY, _ORANGE, _POPCOUNT, MAX_BARS, MAX_ITEMS, MAX_ROWS, MAX_TEXT, THUMB_MAX, Fragment,
                    _cut, badge, bar_chart_svg, card, fmt, kv_table, pattern_matrix_svg, sparkline_svg, table, text)

__all__ = [
    "Fragment",
    "MAX_TEXT",
    "MAX_ITEMS",
    "MAX_ROWS",
    "MAX_BARS",
    "THUMB_MAX",
    "fmt",
    "text",
    "badge",
    "kv_table",
    "table",
    "card",
    "bar_chart_svg",
    "sparkline_svg",
    "pattern_matrix_svg",
    "patterns_html",
    "solution_html",
    "certificate_html",
    "polytope_html",
    "staircase_html",
    "netcheck_html",
    "stationarity_html",
    "minimality_html",
    "decreasing_path_html",
]


def patterns_html(P) -> str:
    """The display of a :class:`~geom.Patterns` (docs/theory.md §B): the counts, the certificate, and the pattern
    matrix (tie-only patterns in orange) when small, else the histogram of active rows per pattern.

    >>> import geom
    >>> frag = patterns_html(geom.enumerate_patterns([[1.0, 0.0], [0.0, 1.0]]))
    >>> "<td>4</td>" in frag, "cover" in frag
    (True, True)
    """
    # the boolean matrix is read only when small: a bit-packed pattern set (``packed``, ``n_data``) is
    # histogrammed from its bytes (popcount: the padding bits of np.packbits are zero), never unpacked here
    packed = getattr(P, "packed", None)
    M = np.asarray(P.patterns, dtype=bool) if packed is None or P.count <= THUMB_MAX else None
    n = int(getattr(P, "n_data", None) or (M.shape[1] if M is not None and M.ndim == 2 else 0))
    is_region = None if P.is_region is None else np.asarray(P.is_region, bool)
    tie_only = None if is_region is None else int(P.count - np.count_nonzero(is_region))
    if P.certified:
        reason = f"every pattern verified exactly; the region count is proved by {P.count_certificate}"
    else:
        reason = "not proved complete" + (f" (count certificate: {P.count_certificate})" if P.count_certificate
                                          else "")
    rows = [("patterns", P.count), ("region patterns found", P.n_regions),
            ("exact region count", P.exact_regions if P.exact_regions is not None else "not computed"),
            ("tie-only patterns", tie_only if tie_only is not None else ...), ("data rows n", n), ("rank", P.rank),
            ("general position", P.general_position), ("ties", P.ties), ("bias", P.bias),
            ("count certificate", P.count_certificate), ("entries decided exactly", P.n_exact_checks),
            ("integer witnesses", len(P.integer_witnesses)), ("exact fallback", P.exact_fallback),
            ("seconds", P.seconds)]
    thumb = None if M is None else pattern_matrix_svg(M, highlight=None if is_region is None else ~is_region,
                                                      title=f"{P.count} patterns × {n} rows (dark: active; "
                                                      "orange: tie-only)")
    if thumb is not None:
        plot = Fragment(f'<div style="color:#555">patterns (rows) × data rows</div>{thumb}')
    elif P.count > 0 and n > 0:
        per_row = (M.sum(axis=1) if M is not None
                   else _POPCOUNT[np.asarray(packed, dtype=np.uint8)].sum(axis=1, dtype=np.int64))
        active = np.bincount(per_row, minlength=n + 1)
        labels, counts = _binned(list(range(n + 1)), active.tolist())
        plot = bar_chart_svg(labels, [("patterns", counts, _BLUE)], title="patterns by number of active rows")
        plot = Fragment(f'<div style="color:#555">patterns by number of active rows</div>{plot}')
    else:
        plot = None
    return card("Patterns", badge("certified" if P.certified else "uncertified"), reason, [kv_table(rows), plot])


def _binned(labels, counts):
    """At most :data:`MAX_BARS` bins: consecutive labels merged (``"a–b"``) and their counts summed."""
    if len(labels) <= MAX_BARS:
        return labels, counts
    w = -(-len(labels) // MAX_BARS)
    out_l, out_c = [], []
    for s in range(0, len(labels), w):
        chunk = labels[s:s + w]
        out_l.append(f"{chunk[0]}–{chunk[-1]}" if len(chunk) > 1 else f"{chunk[0]}")
        out_c.append(sum(counts[s:s + w]))
    return out_l, out_c


def solution_html(S) -> str:
    """The display of a :class:`~geom.ConvexSolution` (docs/theory.md §C): status and certificate, ``p*``, the
    gap, ``φ(ν*)`` against ``β``, the width, and the data ``y`` against the optimal fit ``y*`` (small ``n``).

    >>> import geom
    >>> frag = solution_html(geom.solve_convex([[-1.0], [1.0]], [1.0, 2.0], 0.5))   # docs/theory.md §I, I1
    >>> "1.25" in frag and "optimal" in frag
    True
    """
    stats = dict(S.stats or {})
    reasons = []
    if S.certified:
        reasons.append(f"certified: relative gap {fmt(S.rel_gap, digits=3)} over the complete region set")
    else:
        if not S.pool_certified:
            reasons.append("the pattern pool is not certified complete: the optimum over the pool only")
        if S.status not in ("optimal", "pool_optimal"):
            reasons.append(f"status {S.status}, relative gap {fmt(S.rel_gap, digits=3)}")
        if not reasons:
            reasons.append(f"not certified (status {S.status}, relative gap {fmt(S.rel_gap, digits=3)})")
    pool = None if S.pool is None else int(np.asarray(S.pool).shape[0])
    rows = [("p*", S.p_star), ("lower bound D(ν)", S.lower_bound), ("gap", S.gap), ("relative gap", S.rel_gap),
            ("certified", badge("certified" if S.certified else "uncertified")),
            ("φ(ν*)", f"{fmt(S.phi)} (β = {fmt(S.beta)})"), ("neurons card(W)", S.neurons),
            ("pool patterns", pool if pool is not None else stats.get("pool", ...)),
            ("pattern source", S.pattern_source), ("pool certified", S.pool_certified), ("β", S.beta),
            ("bias", S.bias), ("interpolate", S.interpolate), ("loss", S.loss),
            ("y*", S.y_star), ("ν*", S.nu_star),
            ("rounds", stats.get("rounds", ...)), ("seconds", stats.get("seconds", ...))]
    plot = None
    if S.y is not None and 0 < len(S.y) <= MAX_BARS:
        plot = bar_chart_svg(range(1, len(S.y) + 1), [("y", np.asarray(S.y, float).tolist(), _GREY),
                                                      ("y*", np.asarray(S.y_star, float).tolist(), _BLUE)],
                             title="data y and optimal fit y* per sample")
        plot = Fragment(f'<div style="color:#555">y and y* per sample</div>{plot}')
    return card("ConvexSolution", badge(S.status), "; ".join(reasons), [kv_table(rows), plot])


def _bits(p) -> str:
    return _cut("".join("1" if b else "0" for b in np.asarray(p, bool)), 64)


def certificate_html(C) -> str:
    """The display of a :class:`~geom.Certificate` (docs/theory.md §C.3): the verdict with its reason, the bound
    and the gaps, and the first proven escape directions (a new neuron that decreases the objective).

    >>> import geom
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]                                             # docs/theory.md §I, I9
    >>> net = geom.Net(np.array([[np.sqrt(1.5)], [0.0]]), np.array([np.sqrt(1.5), 0.0]))
    >>> frag = certificate_html(geom.certify_net(net, X, y, 0.5))
    >>> "violated" in frag and "1.375" in frag and ">10</td>" in frag   # the escape pattern 10
    True
    """
    E = int(np.asarray(C.escape_values).size)
    rows = [("objective L_β(θ)", C.objective), ("lower bound", C.lower_bound), ("gap", C.gap),
            ("relative gap", C.rel_gap), ("pairing gap", C.pairing_gap), ("rounding", C.rounding),
            ("φ(ν̂)", C.phi), ("φ(ν̂) upper bound", C.phi_upper), ("tolerance", C.tolerance),
            ("escape directions proven", f"{E} of {fmt(C.escape_candidates)} candidates"),
            ("pattern source", C.pattern_source), ("pool certified", C.pool_certified),
            ("patterns", C.n_patterns), ("loss", C.loss), ("seconds", C.seconds)]
    parts = [kv_table(rows)]
    if E:
        esc = [[_bits(p), "+" if s > 0 else "−", v] for p, s, v in
               zip(C.escape_patterns[:MAX_ROWS], C.escape_signs[:MAX_ROWS], C.escape_values[:MAX_ROWS])]
        parts.append(table(["pattern", "sign", "±νᵀ(Xu)₊/‖u‖"], esc, total=E, caption="escape directions"))
    return card("Certificate", badge(C.verdict), C.reason, parts)


def polytope_html(Q) -> str:
    """The display of an :class:`~geom.OptimalPolytope` (docs/theory.md §D, §E.1): status with its reason,
    ``p*``, the tight directions, the vertices and edges, ``m*`` and ``M*``, the vertex supports as a bar chart,
    and the first vertices.

    >>> import geom
    >>> Q = geom.optimal_polytope(geom.solve_convex([[1.0, 0.0], [-0.5, 0.75 ** 0.5]], [1.0, 1.0], 0.5))
    >>> frag = polytope_html(Q)                                                         # docs/theory.md §I, I2
    >>> "certified" in frag and "0.75" in frag and "m*" in frag
    True
    """
    V = tuple(Q.vertices)
    rows = [("p*", Q.p_star), ("β", Q.beta), ("samples n", Q.n), ("tight directions K", Q.K), ("rank A", Q.rank),
            ("dim Q", Q.dim), ("vertices", len(V)), ("edges", len(Q.edges)), ("m*", Q.m_star), ("M*", Q.M_star),
            ("tightness margin", Q.tightness_margin), ("vertex margin", Q.vertex_margin), ("bias", Q.bias),
            ("interpolate", Q.interpolate)]
    parts = [kv_table(rows)]
    if Q.support_counts:
        sizes = sorted(Q.support_counts)
        lo, hi = sizes[0], sizes[-1]
        labels = list(range(lo, min(hi, lo + MAX_BARS - 1) + 1))
        chart = bar_chart_svg(labels, [("vertices", [Q.support_counts.get(s, 0) for s in labels], _BLUE)],
                              marks=[("m*", Q.m_star, "#1a7f37"), ("M*", Q.M_star, "#b42318")],
                              title="vertices by support size |supp|")
        parts.append(Fragment(f'<div style="color:#555">vertices by support size</div>{chart}'))
    if V:
        vt = [[i, len(v.support), fmt(list(v.support), limit=60), np.asarray(v.coefficients)[list(v.support)]]
              for i, v in enumerate(V[:MAX_ROWS])]
        parts.append(table(["vertex", "|supp|", "support", "coefficients on supp"], vt, total=len(V),
                           caption="vertices"))
    status = badge(Q.status)
    return card("OptimalPolytope", status, Q.reason, parts)


def staircase_html(S) -> str:
    """The display of a :class:`~geom.connectivity.Staircase` (docs/theory.md §E.2–E.3): the verdict of each
    statement, the counts per width as an inline bar chart (components and isolated points of ``Θ*_m`` on a
    ``log10(1 + ·)`` axis, ``m*``, ``M*`` and ``n + 1`` marked), and the table of counts.

    >>> import geom
    >>> from geom.connectivity import staircase
    >>> S = staircase(geom.optimal_polytope(geom.solve_convex([[-1.0], [1.0]], [1.0, 2.0], 0.5)))  # §I, I1
    >>> frag = staircase_html(S)
    >>> "finite_at_m_star" in frag and frag.count("rl-good") >= 6
    True
    """
    from .connectivity.staircase import CLAIMS

    verdicts = S.verdicts()
    vt = [[Fragment(f"<code>{text(k)}</code>"), CLAIMS.get(k, ""), badge(v)] for k, v in verdicts.items()]
    rows = [("m*", S.m_star), ("M*", S.M_star), ("n", S.n), ("n + 1", S.n + 1), ("widths", len(S.steps))]
    parts = [kv_table(rows)]
    steps = list(S.steps)
    if steps:
        ms = [s.m for s in steps][:MAX_BARS]
        chart = bar_chart_svg(ms, [("components", [s.components for s in steps], _BLUE),
                                   ("isolated", [s.isolated for s in steps], _ORANGE)], log=True,
                              marks=[("m*", S.m_star, "#1a7f37"), ("M*", S.M_star, "#b42318"),
                                     ("n+1", S.n + 1, _GREY)],
                              title="staircase: components and isolated points of Θ*_m against m (log10(1 + ·))")
        parts.append(Fragment(f'<div style="color:#555">components / isolated points against m</div>{chart}'))
    parts.append(table(["key", "statement", "verdict"], vt, caption="statements"))
    if steps:
        st = [[s.m, s.components, s.isolated, s.connected, s.N_m,
               "—" if s.lifted is None else f"{fmt(s.lifted[0])} / {fmt(s.lifted[1])}"] for s in steps]
        parts.append(table(["m", "components", "isolated", "connected", "N_m", "lifted"], st, caption="counts"))
    return card("Staircase", badge(S.status), S.reason, parts)


_NET_VERDICTS = (("scaled", "scaled"), ("minimal", "minimal"), ("nearly minimal", "nearly_minimal"),
                 ("Clarke stationary", "clarke_stationary"), ("globally optimal", "globally_optimal"))


def netcheck_html(N) -> str:
    """The display of a :class:`~geom.checks.NetCheck` (docs/theory.md §A.4, §C.3, §F): the five verdicts and the
    figures behind them.

    >>> import geom
    >>> from geom.checks import check_nets
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]
    >>> N = check_nets(geom.solve_convex(X, y, 0.5).to_net(), X, y, 0.5)[0]
    >>> netcheck_html(N).count("rl-good")
    6
    """
    rows = [(label, badge(getattr(N, key))) for label, key in _NET_VERDICTS]
    rows += [("width", N.width), ("objective", N.objective), ("lower bound", N.lower_bound), ("gap", N.gap),
             ("balance error", N.balance_error), ("Clarke residual", N.clarke_residual),
             ("autodiff residual", N.autodiff_residual), ("offending pairs", N.offending_pairs)]
    return card("NetCheck", badge(N.globally_optimal), "global optimality; the other verdicts below",
                [kv_table(rows)])


def stationarity_html(S) -> str:
    """The display of a :class:`~geom.stationarity.Stationarity` (docs/theory.md §F.2): the verdict, the residual
    against its tolerance, the autodiff residual, the ties.

    >>> import geom
    >>> from geom.stationarity import clarke_stationarity
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]
    >>> frag = stationarity_html(clarke_stationarity(geom.solve_convex(X, y, 0.5).to_net(), X, y, 0.5))
    >>> "holds" in frag and "residual" in frag
    True
    """
    tied = sum(1 for t in S.ties if np.asarray(t).size)
    rows = [("residual (relative)", S.residual), ("tolerance", S.tolerance), ("scale", S.scale),
            ("autodiff residual", S.autodiff_residual), ("neurons", int(np.asarray(S.residual_u).size)),
            ("neurons with ties", tied), ("dependent ties", int(np.count_nonzero(S.dependent_ties))),
            ("ambiguous ties", S.ambiguous_ties)]
    reason = f"residual {fmt(S.residual, digits=3)} against tolerance {fmt(S.tolerance, digits=3)}"
    return card("Stationarity", badge(S.verdict), reason, [kv_table(rows)])


def minimality_html(M) -> str:
    """The display of a :class:`~geom.minimality.Minimality` (docs/theory.md §A.4, §F.1).

    >>> import geom
    >>> from geom.minimality import minimality
    >>> minimality_html(minimality(geom.solve_convex([[-1.0], [1.0]], [1.0, 2.0], 0.5).to_net(),
    ...                            [[-1.0], [1.0]])).count("rl-good")
    4
    """
    rows = [("scaled", badge(M.scaled)), ("minimal", badge(M.minimal)), ("nearly minimal", badge(M.nearly_minimal)),
            ("balance error", M.balance_error), ("offending pairs", M.offending_pairs),
            ("co-linear pairs", M.colinear_pairs), ("ambiguous pairs", M.ambiguous_pairs)]
    return card("Minimality", badge(M.nearly_minimal), "nearly minimal; the other verdicts below", [kv_table(rows)])


def decreasing_path_html(D) -> str:
    """The display of a :class:`~geom.minimality.DecreasingPath` (docs/theory.md §F.4): monotone or not, the
    moves, and the objective along the path as a sparkline.

    >>> import geom
    >>> from geom.minimality import decreasing_path
    >>> X, y = [[-1.0], [1.0]], [1.0, 2.0]
    >>> net = geom.Net(np.array([[1.0], [2.0], [-1.0]]), np.array([1.0, 0.5, 0.5]))
    >>> "<svg" in decreasing_path_html(decreasing_path(net, X, y, 0.5))
    True
    """
    obj = np.asarray(D.objective, dtype=float)
    first = obj[0].item() if obj.size else None
    last = obj[-1].item() if obj.size else None
    rows = [("moves", D.moves), ("points", int(obj.size)), ("objective at start", first),
            ("objective at end", last), ("strictly decreased", D.strictly_decreased)]
    spark = sparkline_svg(obj, title="objective along the path") if obj.size else None
    word = "monotone" if D.monotone else "not monotone"
    reason = ("no sampled objective exceeds the previous one" if D.monotone
              else "some sampled objective exceeds the previous one")
    return card("DecreasingPath", badge(word), reason, [kv_table(rows), spark])
