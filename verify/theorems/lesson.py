"""The lesson's claims as empirical checks with figures (docs/theory.md §A.4, §C.1, §G.2).

* ``symmetries`` (§A.4): rescaling a neuron ``(c u, α/c)`` (``c > 0``), permuting the neurons and adding a dead
  neuron (``α = 0``) leave the function unchanged, evaluated at the data and at random points; balancing the
  neurons (``‖u_j‖ = |α_j|``) never increases the penalty (AM–GM).
* ``small initialization → minimum-norm interpolant`` (group ``lesson``, 1-D data with bias): gradient descent
  from a small initialization with a tiny ``β`` ends near the minimum-norm interpolant of (C) in the
  interpolation limit (``solve_convex(..., interpolate=True)``, §G.2).  An empirical claim: ``holds`` when the
  two functions agree on the grid within :data:`GD_MATCH_RTOL`, ``inconclusive`` (never ``violated``) otherwise;
  the 1-D figure shows both.
* ``active groups along the β path`` (the group-lasso picture, §C.1): the zero network is optimal exactly when
  ``β ≥ β_max = φ(y)`` (``ν = y`` is dual feasible), so no group is active just above ``β_max`` and one is just
  below; ``p*(β)`` is nondecreasing; the number of active groups against ``β`` is the figure.
* ``double descent`` (group ``landscape``): ReLU random features with a minimum-norm second layer on half of the
  case's points (labels with Gaussian noise of each level of :data:`DD_NOISE`), tested on the other half; the
  test error against the width peaks near the interpolation threshold ``m = n_train`` for noisy labels (``holds``
  when the peak is within a factor 2 of it, else ``inconclusive``).

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> from verify.theorems import theorem_checks
>>> out = list(theorem_checks(cases.get_case("spec-I2"), RunContext(), names=["symmetries"]))
>>> sorted({r.status.value for r in out if hasattr(r, "status")})
['holds']
"""

from __future__ import annotations

import numpy as np

import geom

from .._result import Figure, Measurement, Status, CheckResult, check_margin, compare
from . import enumerable, register_theorem

__all__ = ["SYMMETRY_RTOL", "SYMMETRY_WIDTH", "GD_BETA", "GD_INIT", "GD_STEPS", "GD_MATCH_RTOL",
           "BETA_PATH", "DD_NOISE", "DD_WIDTHS_FACTOR", "DD_SEEDS", "DD_PEAK_FACTOR", "PATH_RTOL"]

#: Rounding allowance, relative to ``max(1, max|f|)``, for the symmetries (exact in real arithmetic).
SYMMETRY_RTOL = 1e-12
#: Width of the random net the symmetries are applied to.
SYMMETRY_WIDTH = 5
#: Weight decay, initialization scale and steps of the small-initialization run (its step size is the shared
#: batch's, scaled to the data: ``CaseData.learning_rate``).
GD_BETA = 1e-4
GD_INIT = 1e-2
GD_STEPS = 6000
#: The trained function is "near" the minimum-norm interpolant when they differ by at most this on the grid,
#: relative to ``max(1, max|f|)``.
GD_MATCH_RTOL = 0.05
#: The β path, as fractions of ``β_max = φ(y)``.
BETA_PATH = (1.05, 0.95, 0.7, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02)
#: Allowance, relative to ``max(1, p*)``, on the monotonicity of ``p*(β)`` (each ``p*`` is certified to ``tol.gap``).
PATH_RTOL = 1e-6
#: Noise levels (standard deviations) and seeds of the double-descent experiment; widths up to this factor times
#: the number of training points.
DD_NOISE = (0.0, 0.5)
DD_SEEDS = 5
DD_WIDTHS_FACTOR = 4
#: The test-error peak is "near" the interpolation threshold ``n_train`` when within this factor of it.
DD_PEAK_FACTOR = 2.0


def _rng(ctx, salt: int):
    return np.random.default_rng([ctx.seed or 0, salt])


def _max_diff(a, b) -> tuple[float, float]:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b), initial=0.0)), max(1.0, float(np.max(np.abs(a), initial=0.0)))


@register_theorem("symmetries", source="the lesson; docs/theory.md §A.4", applies=lambda c: True, group="lesson")
def symmetries(data, ctx):
    """Rescaling, permutation and dead neurons keep the function; balancing never increases the penalty."""
    case, rng = data.case, _rng(ctx, 1)
    p = data.Xa.shape[1]
    net = geom.Net(rng.standard_normal((SYMMETRY_WIDTH, p)), rng.standard_normal(SYMMETRY_WIDTH), bias=data.bias)
    pts = np.vstack([data.X, rng.standard_normal((32, data.X.shape[1])) * max(1.0, float(np.std(data.X)))])
    f = net.output(pts)
    c = np.exp(rng.uniform(-2.0, 2.0, SYMMETRY_WIDTH))
    variants = {"rescaling (c u, α/c)": geom.Net(c[:, None] * net.U, net.alpha / c, bias=data.bias),
                "permutation": geom.permute(net, rng.permutation(SYMMETRY_WIDTH)),
                "dead neuron (α = 0)": geom.Net(np.vstack([net.U, rng.standard_normal((1, p))]),
                                                np.r_[net.alpha, 0.0], bias=data.bias)}
    for label, other in variants.items():
        diff, scale = _max_diff(other.output(pts), f)
        yield compare(f"{label} leaves the function unchanged", diff, 0.0, case=case.name,
                      theorem="docs/theory.md §A.4", tolerance=SYMMETRY_RTOL * scale,
                      details={"points": len(pts), "width": SYMMETRY_WIDTH})
    norms, alphas = np.linalg.norm(net.U, axis=1), np.abs(net.alpha)
    s = np.sqrt(alphas / norms)
    balanced = geom.Net(s[:, None] * net.U, net.alpha / s, bias=data.bias)
    pen = lambda m: 0.5 * float(np.sum(m.U ** 2) + np.sum(m.alpha ** 2))  # noqa: E731
    yield check_margin("balancing never increases the penalty (AM–GM)", pen(net) - pen(balanced)
                       + SYMMETRY_RTOL * pen(net), 0.0, case=case.name, theorem="docs/theory.md §A.4",
                       observed=pen(balanced), expected=pen(net))
    diff, scale = _max_diff(balanced.output(pts), f)
    yield compare("balanced net is scaled, same function", bool(balanced.is_scaled()) and diff <= SYMMETRY_RTOL * scale,
                  True, case=case.name, theorem="docs/theory.md §A.4")


@register_theorem("small initialization → minimum-norm interpolant", source="the lesson; docs/theory.md §G.2",
                  applies=lambda c: (c.y is not None and c.bias and c.X.shape[1] == 1 and c.X.shape[0] <= 6
                                     and float(np.max(np.abs(c.X))) <= 2.0 and enumerable(c)), group="lesson")
def small_init(data, ctx):
    """Gradient descent from a small initialization with a tiny β against the minimum-norm interpolant."""
    case = data.case
    sol = geom.solve_convex(data.X, data.y, 0.0, bias=True, patterns=data.regions, interpolate=True, tol=ctx.tol)
    target = sol.to_net()
    n = len(data.y)
    run = geom.train_nets(data.X, data.y, GD_BETA, widths=[2 * n + 2], seeds=[ctx.seed or 0],
                          init_scales=(GD_INIT,), steps=GD_STEPS, lr=data.learning_rate, bias=True)
    net = run.net(0)
    x = np.linspace(float(data.X.min()), float(data.X.max()), 101)
    ft, fm = net.output(x[:, None]), target.output(x[:, None])
    diff, scale = _max_diff(ft, fm)
    pen_t = 0.5 * float(np.sum(net.U ** 2) + np.sum(net.alpha ** 2))
    yield Measurement(case=case.name, name="trained penalty / minimum-norm penalty",
                      value=pen_t / max(float(sol.p_star), 1e-300), theorem="docs/theory.md §G.2",
                      details={"trained_penalty": pen_t, "min_norm_penalty": float(sol.p_star),
                               "fit_error": float(np.max(np.abs(net.output(data.X) - data.y)))})
    ok = bool(sol.certified) and diff <= GD_MATCH_RTOL * scale  # an uncertified target: inconclusive
    yield CheckResult(case=case.name, check="gradient descent from a small init ends near the min-norm interpolant",
                      theorem="docs/theory.md §G.2 (the lesson)",
                      status=Status.HOLDS if ok else Status.INCONCLUSIVE, observed=diff, expected=0.0,
                      margin=GD_MATCH_RTOL * scale - diff, tolerance=GD_MATCH_RTOL * scale,
                      details={"steps": GD_STEPS, "beta": GD_BETA, "init": GD_INIT, "certified": bool(sol.certified),
                               **({} if ok else {"reason": "an empirical claim: not reached in the step budget" if sol.certified
                                                    else "the minimum-norm interpolant is not certified"})})
    yield Figure(case.name, "fits1d",
                 {"x": x.tolist(), "curves": [{"label": "gradient descent (small init)", "y": ft.tolist()},
                                              {"label": "minimum-norm interpolant (C)", "y": fm.tolist(),
                                               "style": "--"}],
                  "data_x": data.X[:, 0].tolist(), "data_y": data.y.tolist(), "xlabel": "x", "ylabel": "f(x)"},
                 theorem="docs/theory.md §G.2 (the lesson)", title=f"{case.name}: small initialization")


@register_theorem("active groups along the β path", source="the lesson (group lasso); docs/theory.md §C.1",
                  applies=lambda c: c.y is not None and c.beta is not None and enumerable(c) and c.X.shape[0] <= 12,
                  group="lesson")
def beta_path(data, ctx):
    """No group is active for β above ``φ(y)``, some just below; ``p*(β)`` nondecreasing; the sparsity figure."""
    case = data.case
    beta_max = float(geom.dual_values(data.Xa, data.y, data.regions.patterns).phi)
    if not beta_max > 0:
        return
    betas = [f * beta_max for f in BETA_PATH]
    path = geom.solve_path(data.X, data.y, betas, bias=data.bias, patterns=data.regions, tol=ctx.tol)
    certified = bool(path.all_certified)
    active = [int(g) for g in path.groups]  # patterns with a slot above the solver's NEURON_RTOL cut
    pstar = [float(p) for p in path.p_star]
    yield compare("no active group for β > φ(y)", active[0], 0, case=case.name, theorem="docs/theory.md §C.1",
                  certified=certified, details={"beta": betas[0], "beta_max": beta_max})
    yield compare("an active group for β < φ(y)", active[1] >= 1, True, case=case.name,
                  theorem="docs/theory.md §C.1", certified=certified, details={"beta": betas[1], "active": active[1]})
    rises = [pstar[i] - pstar[i + 1] for i in range(len(pstar) - 1)]  # betas decrease: p* must not increase
    worst = float(np.min(rises))  # np.min: a NaN p* propagates to an inconclusive margin
    yield check_margin("p*(β) nondecreasing in β", worst + PATH_RTOL * float(np.max([1.0, *pstar])), 0.0, case=case.name,
                       theorem="docs/theory.md §A.3", observed=pstar, details={"betas": betas})
    yield Figure(case.name, "series",
                 {"x": betas, "series": [{"label": "active groups (neurons of the optimum)", "y": active},
                                         {"label": "p*(β)", "y": pstar}],
                  "xlabel": "β", "ylabel": "count / objective", "logx": True,
                  "vlines": [{"x": beta_max, "label": "β_max = φ(y)"}]},
                 theorem="docs/theory.md §C.1", title=f"{case.name}: sparsity along the β path")


def _relu_features(X, W):
    return np.maximum(X @ W.T, 0.0)


@register_theorem("double descent", source="the lesson; Belkin et al. 2019",
                  applies=lambda c: c.y is not None and c.X.shape[0] >= 16, group="landscape")
def double_descent(data, ctx):
    """Random-feature ReLU nets (minimum-norm second layer): test error against width, per noise level."""
    case = data.case
    n = len(data.y)
    half = n // 2
    Xa = data.Xa
    tr, te = np.arange(half), np.arange(half, n)
    widths = sorted({max(1, int(round(half * f))) for f in (0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0)}
                    | {DD_WIDTHS_FACTOR * half})
    series = []
    for k, sigma in enumerate(DD_NOISE):
        errs = np.zeros(len(widths))
        for s in range(DD_SEEDS):
            rng = _rng(ctx, 100 + 10 * k + s)
            ytr = data.y[tr] + sigma * rng.standard_normal(half)
            for i, m in enumerate(widths):
                W = rng.standard_normal((m, Xa.shape[1]))
                a = np.linalg.pinv(_relu_features(Xa[tr], W)) @ ytr
                errs[i] += float(np.mean((_relu_features(Xa[te], W) @ a - data.y[te]) ** 2)) / DD_SEEDS
        series.append({"label": f"noise σ = {sigma:g}", "y": errs.tolist()})
        peak = widths[int(np.argmax(errs))]
        yield Measurement(case=case.name, name=f"double descent: width of the test-error peak (σ = {sigma:g})",
                          value=peak, theorem="the lesson", unit="neurons",
                          details={"widths": widths, "test_mse": errs.tolist(), "n_train": half})
        if sigma > 0:
            ok = bool(np.all(np.isfinite(errs))) and half / DD_PEAK_FACTOR <= peak <= DD_PEAK_FACTOR * half
            yield CheckResult(case=case.name, check=f"test error peaks near the interpolation threshold (σ = {sigma:g})",
                              theorem="the lesson (double descent)", status=Status.HOLDS if ok else Status.INCONCLUSIVE,
                              observed=peak, expected=half, details={"widths": widths, "test_mse": errs.tolist(),
                              **({} if ok else {"reason": "an empirical claim: the peak is elsewhere"})})
    yield Figure(case.name, "series",
                 {"x": widths, "series": series, "xlabel": "width m (random ReLU features)", "ylabel": "test MSE",
                  "logy": True, "vlines": [{"x": half, "label": "interpolation threshold m = n_train"}]},
                 theorem="the lesson (double descent)", title=f"{case.name}: test error against width")
