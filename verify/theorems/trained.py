"""Theorems about trained networks and the optimal set of interpolators (docs/theory.md §A.5, §F, §G).

* ``optimal set = splits of ψ`` (Wang et al.; §A.5, §F.1): ψ of every vertex is optimal, minimal and stationary,
  and every trained net certified optimal reads back into the polytope's slot form (the ``nets`` suite);
* ``Clarke stationary ⇒ nearly minimal`` (Wang et al.; §F.2): over the shared batch of trained nets, with the
  trajectories figure (objective gap and distinct patterns against steps);
* ``decreasing path`` (§F.4): from every net that is not nearly minimal, a path that never increases the
  objective and ends nearly minimal;
* ``continuum of interpolators`` (Kim et al. 2025 §3.3; §G): for the interpolation limit, ``dim Q`` against the
  case's value and two vertex interpolators that both fit, are optimal and compute different functions, with the
  1-D figure of the segment between them;
* ``landscape`` (group ``landscape``): :func:`geom.landscape_experiment` over many seeds per width — the fraction
  reaching ``p*`` and the stationary points that are not global, as measurements, and Wang et al.'s statement
  over every run;
* ``pattern alignment`` (group ``scale``): the blog's experiment — nets of ``expected["train_width"]`` neurons
  trained from a small initialization on data too large to enumerate; the distinct patterns in use along
  training, as measurements and a figure.

Examples
--------
>>> import cases
>>> from verify._suite import RunContext
>>> from verify.theorems import theorem_checks
>>> out = list(theorem_checks(cases.get_case("continuum-tail-sum-3-s0"), RunContext(),
...                           names=["continuum of interpolators"]))
>>> {r.check: r.status.value for r in out if hasattr(r, "status")}  # Q from the band test only: dim undecided
{'dim Q': 'inconclusive', 'two optimal interpolators computing different functions': 'holds'}
"""

from __future__ import annotations

import numpy as np

import geom

from .._result import Figure, Measurement, Status, compare
from ..suites.nets import path_checks, split_checks, stationary_checks, vertex_net_checks
from . import enumerable, labelled, register_theorem

__all__ = ["LANDSCAPE_SEEDS", "LANDSCAPE_STEPS", "ALIGNMENT_SEEDS", "ALIGNMENT_STEPS", "ALIGNMENT_INIT", "GRID_POINTS", "MAX_TRAJECTORIES"]

#: Seeds per width of the landscape experiment (offset by the run's seed).
LANDSCAPE_SEEDS = 12
#: Gradient steps of the landscape experiment (the step size is the shared batch's, scaled to the data:
#: ``CaseData.learning_rate``).
LANDSCAPE_STEPS = 2000
#: Seeds, steps and initialization scale of the pattern-alignment runs (step size as above).
ALIGNMENT_SEEDS = 3
ALIGNMENT_STEPS = 3000
ALIGNMENT_INIT = 1e-2
#: Trajectories drawn in the training figure, at most (the first seed's runs).
MAX_TRAJECTORIES = 6
#: Grid points of the 1-D figures.
GRID_POINTS = 201
_STATUS = {"holds": Status.HOLDS, "violated": Status.VIOLATED, "inconclusive": Status.INCONCLUSIVE,
           "not applicable": Status.NOT_APPLICABLE}



def _grid(X, bias):
    lo, hi = float(np.min(X)), float(np.max(X))
    span = max(hi - lo, 1.0)
    return np.linspace(lo - span / 2, hi + span / 2, GRID_POINTS)


@register_theorem("optimal set = splits of ψ", source="Wang–Lacotte–Pilanci 2021; docs/theory.md §A.5, §F.1",
                  applies=labelled)
def optimal_set(data, ctx):
    """ψ of every vertex is optimal and minimal; every trained optimum is a split of ψ(W), W ∈ 𝒫*."""
    yield from vertex_net_checks(data)
    yield from split_checks(data, ctx)


@register_theorem("Clarke stationary ⇒ nearly minimal", source="Wang–Lacotte–Pilanci 2021; docs/theory.md §F.2",
                  applies=labelled)
def clarke_nearly_minimal(data, ctx):
    """Every Clarke stationary trained net is nearly minimal; the trajectories of the shared training batch."""
    yield from stationary_checks(data)
    run, _ = data.training
    series = []
    for b in np.flatnonzero(run.seeds == run.seeds.min())[:MAX_TRAJECTORIES]:  # one seed: every width and init
        series.append({"label": f"m={int(run.widths[b])}, init {run.init_scales[b]:g}",
                       "objective": run.objective[b].tolist(), "patterns": run.patterns_in_use[b].tolist()})
    yield Figure(data.case.name, "trajectories",
                 {"steps": run.record_steps.tolist(), "series": series, "p_star": float(data.solution.p_star)},
                 theorem="docs/theory.md §F.2 (Wang et al.)", title=f"{data.case.name}: gradient descent")


@register_theorem("decreasing path", source="Wang–Lacotte–Pilanci 2021; docs/theory.md §F.4", applies=labelled)
def decreasing_path(data, ctx):
    """From every trained net that is not nearly minimal, the path never increases the objective."""
    yield from path_checks(data)


@register_theorem("continuum of interpolators", source="Kim et al. 2025 §3.3; docs/theory.md §G",
                  applies=lambda c: c.beta is None and c.y is not None and enumerable(c))
def continuum(data, ctx):
    """``dim Q`` and two optimal interpolators computing different functions (1-D figure of the segment)."""
    case, P = data.case, data.polytope
    C = geom.optimal_interpolators(P)
    e = case.expected
    yield compare("dim Q", C.dim, e.get("continuum_dim"), case=case.name, theorem="docs/theory.md §G.2",
                  certified=P.certified, details={"how": case.expected_how.get("continuum_dim")})
    yield compare("two optimal interpolators computing different functions", C.verdict, "holds",
                  case=case.name, theorem="docs/theory.md §G.3 (Kim et al. §3.3)", certified=C.verdict != "inconclusive",
                  details=C.to_dict())
    if len(C.nets) == 2 and data.X.shape[1] == 1:
        x = _grid(data.X, data.bias)
        a, b = (np.asarray(net.output(x[:, None]), float) for net in C.nets)
        curves = [{"label": "vertex interpolator A", "y": a.tolist()},
                  {"label": "vertex interpolator B", "y": b.tolist()},
                  {"label": "midpoint (also optimal)", "y": (0.5 * (a + b)).tolist(), "style": "--"}]
        yield Figure(case.name, "fits1d", {"x": x.tolist(), "curves": curves, "data_x": data.X[:, 0].tolist(),
                                           "data_y": data.y.tolist(), "xlabel": "x", "ylabel": "f(x)"},
                     theorem="docs/theory.md §G.3 (Kim et al. §3.3)", title=f"{case.name}: optimal interpolators")


@register_theorem("landscape: fraction reaching p*", source="Kim et al. 2025; Wang et al. 2021; docs/theory.md §F.4",
                  applies=labelled, group="landscape")
def landscape(data, ctx):
    """Many seeds per width: the fraction of trained nets certified optimal, stationary points not global."""
    case = data.case
    seed0 = ctx.seed or 0
    exp = geom.landscape_experiment(data.X, data.y, data.beta, widths=data.widths,
                                    seeds=range(seed0, seed0 + LANDSCAPE_SEEDS), init_scales=(0.1, 1.0),
                                    steps=LANDSCAPE_STEPS, lr=data.learning_rate, bias=data.bias)
    for row in exp.rows:
        yield Measurement(case=case.name, name=f"fraction reaching p* (m = {row.width})", value=row.fraction,
                          theorem="docs/theory.md §F.4", unit="fraction", details=row.to_dict())
        yield Measurement(case=case.name, name=f"stationary, not global (m = {row.width})",
                          value=row.stationary_not_global, theorem="docs/theory.md §F.4", unit="nets",
                          details=row.to_dict())
    yield from stationary_checks(data, list(exp.checks), widths=data.widths, label="landscape runs")
    yield Figure(case.name, "series",
                 {"x": [r.width for r in exp.rows], "series": [{"label": "fraction certified optimal",
                                                                 "y": [r.fraction for r in exp.rows]}],
                  "xlabel": "width m", "ylabel": "fraction of runs",
                  "vlines": [{"x": v, "label": k} for k, v in (("m*", exp.m_star), ("n + 1", len(data.y) + 1))
                             if v is not None]},
                 theorem="docs/theory.md §F.4", title=f"{case.name}: runs reaching p* against width")


@register_theorem("pattern alignment", source="the blog on Wang et al. (100 points in R^10, 20 neurons)",
                  applies=lambda c: c.y is not None and c.beta is not None and "train_width" in c.expected,
                  group="scale")
def pattern_alignment(data, ctx):
    """Nets of ``train_width`` neurons from a small initialization: distinct patterns in use along training."""
    case = data.case
    m = int(case.expected["train_width"])
    seed0 = ctx.seed or 0
    run = geom.train_nets(data.X, data.y, data.beta, widths=[m], seeds=range(seed0, seed0 + ALIGNMENT_SEEDS),
                          init_scales=(ALIGNMENT_INIT,), steps=ALIGNMENT_STEPS, lr=data.learning_rate, bias=data.bias)
    series = []
    for b in range(len(run.U)):
        series.append({"label": f"seed {int(run.seeds[b])}", "objective": run.objective[b].tolist(),
                       "patterns": run.patterns_in_use[b].tolist()})
        yield Measurement(case=case.name, name=f"distinct patterns in use at the end (seed {int(run.seeds[b])})",
                          value=int(run.patterns_in_use[b, -1]), theorem="the blog (pattern alignment)",
                          unit="patterns", details={"width": m, "start": int(run.patterns_in_use[b, 0])})
    bound = case.expected.get("p_star_at_most")
    best = float(np.min(run.final_objective))
    yield Measurement(case=case.name, name="best trained objective", value=best, theorem="docs/theory.md §A.3",
                      details={"teacher_objective_bound": bound})
    yield Figure(case.name, "trajectories", {"steps": run.record_steps.tolist(), "series": series},
                 theorem="the blog (pattern alignment)", title=f"{case.name}: width {m} from a small initialization")
