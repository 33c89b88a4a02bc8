"""Drawers of the curve figures: ``staircase``, ``fits1d``, ``trajectories`` and ``series``.

Each ``draw_<kind>(data, fig) -> list[str]`` draws a :class:`verify.Figure`'s ``data`` (a dictionary read from the
results JSON) onto an empty :class:`matplotlib.figure.Figure` and returns notes on what it skipped (a curve of
the wrong length, points off a log scale).  A missing required key raises
:class:`~geom.exceptions.InvalidInputError` (:mod:`verify._figures_data`).  The keys are documented on each
function and listed in :mod:`verify.figures`.
"""

from __future__ import annotations

import numpy as np

from ._figures_data import bad_entry, finite_mask, floats, optional_floats, require

__all__ = ["draw_staircase", "draw_fits1d", "draw_trajectories", "draw_series"]

#: Staircase counts up to this are drawn on a linear axis with integer ticks; beyond, on a symmetric log axis.
_LINEAR_COUNTS = 30
#: Floor at which a non-positive value is drawn on a log axis (and noted).
_LOG_FLOOR = 1e-17
#: A gap ``objective − p*`` at most this times ``|p*|`` is "p* reached to rounding" (a few float64 ulps).
_ROUNDING = 4 * np.finfo(float).eps
#: A gap below ``−_BELOW · max(1, |p*|)`` is not rounding: an objective below the optimum is noted as such.
_BELOW = 1e-9


def _label(entry: dict, i: int) -> str:
    return str(entry.get("label", f"series {i + 1}")) if isinstance(entry, dict) else f"series {i + 1}"


def _entries(data: dict, key: str, kind: str) -> list:
    entries = require(data, key, kind)
    if not isinstance(entries, list):
        raise bad_entry(kind, key, "a list of {label, y} dictionaries", type(entries).__name__)
    return entries


def draw_staircase(data: dict, fig) -> list[str]:
    """The staircase of connectivity (docs/theory.md §E.2): components and isolated points of ``Θ*_m`` against m.

    Keys: ``staircase`` (required): a list of ``{"m": int, "components": int, "isolated": int}``;
    ``m_star``, ``M_star``, ``n`` (optional numbers): vertical marks at ``m*``, ``M*`` and ``n + 1``.
    Counts above 30 switch the axis to a symmetric log scale (``m!·N_m`` grows fast).

    >>> from matplotlib.figure import Figure
    >>> draw_staircase({"staircase": [{"m": 1, "components": 1, "isolated": 1}], "m_star": 1}, Figure())
    []
    """
    steps = require(data, "staircase", "staircase")
    if not isinstance(steps, list) or not steps:
        raise bad_entry("staircase", "staircase", "a non-empty list of {m, components, isolated}",
                                         repr(steps)[:60])
    notes, rows = [], []
    for s in steps:
        try:
            rows.append((float(s["m"]), float(s["components"]), max(float(s["isolated"]), 0.0)))
        except (KeyError, TypeError, ValueError):
            notes.append(f"skipped a staircase step without numeric m/components/isolated: {str(s)[:60]}")
    if not rows:
        raise bad_entry("staircase", "staircase", "steps with numeric m, components, isolated",
                                         repr(steps)[:60])
    ms, comps, iso = (np.array(c) for c in zip(*sorted(rows)))
    ax = fig.add_subplot()
    ax.plot(ms, comps, "o-", label="components of Θ*_m")
    ax.plot(ms, iso, "s--", label="isolated points")
    if max(comps.max(), iso.max()) > _LINEAR_COUNTS:
        ax.set_yscale("symlog", linthresh=1.0)
    else:
        from matplotlib.ticker import MaxNLocator  # matplotlib is optional: imported where a figure is drawn

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=-0.3)
    ax.set_xlabel("width m")
    ax.set_ylabel("count")
    n = data.get("n")
    marks = (("m*", data.get("m_star"), "tab:green"), ("M*", data.get("M_star"), "tab:red"),
             ("n + 1", n + 1 if isinstance(n, (int, float)) and not isinstance(n, bool) else None, "tab:gray"))
    for i, (label, x, color) in enumerate(marks):
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            ax.axvline(x, color=color, linestyle=":", linewidth=1.2)
            ax.annotate(label, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12 - 11 * i),
                        textcoords="offset points", color=color)  # staggered: m* = M* stays readable
    xs = list(ms) + [x for _, x, _ in marks if isinstance(x, (int, float)) and not isinstance(x, bool)]
    ax.set_xlim(min(xs) - 0.3, max(xs) + 0.6)  # room for the labels of marks at either end
    ax.set_xticks(ms)
    ax.legend(loc="center right")
    return notes


def draw_fits1d(data: dict, fig) -> list[str]:
    """1-D fits: functions on a grid (optimal nets, the continuum of interpolators of docs/theory.md §G) and data.

    Keys: ``x`` (required): the grid; ``curves`` (required): a list of ``{"label": str, "y": list}`` with one
    value per grid point, optionally ``"style"`` (a matplotlib format string such as ``"--"``);
    ``data_x``, ``data_y`` (optional): the training points; ``xlabel``, ``ylabel`` (optional strings).

    >>> from matplotlib.figure import Figure
    >>> draw_fits1d({"x": [0, 1], "curves": [{"label": "f", "y": [0, 1]}, {"label": "g", "y": [1]}]}, Figure())
    ["skipped curve 'g': 'y' has 1 values for 2 grid points"]
    """
    x = floats(data, "x", "fits1d")
    notes = []
    ax = fig.add_subplot()
    for i, c in enumerate(_entries(data, "curves", "fits1d")):
        label = _label(c, i)
        try:
            y = floats(c, "y", "fits1d")
        except Exception as exc:  # one bad curve is skipped, the others drawn
            notes.append(f"skipped curve {label!r}: {exc}")
            continue
        if y.shape != x.shape:
            notes.append(f"skipped curve {label!r}: 'y' has {y.size} values for {x.size} grid points")
            continue
        style = c.get("style", "-") if isinstance(c.get("style"), str) else "-"
        ax.plot(x, y, style, label=label, linewidth=1.4)
    dx, dy = optional_floats(data, "data_x", "fits1d"), optional_floats(data, "data_y", "fits1d")
    if dx is not None and dy is not None and dx.shape == dy.shape:
        ax.scatter(dx, dy, color="k", zorder=3, s=28, label="data")
    elif dx is not None or dy is not None:
        notes.append("data points not drawn: 'data_x' and 'data_y' must both be given, with equal lengths")
    ax.set_xlabel(str(data.get("xlabel", "x")))
    ax.set_ylabel(str(data.get("ylabel", "f(x)")))
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return notes


def draw_trajectories(data: dict, fig) -> list[str]:
    """Trained-net trajectories: the objective gap (log scale) and the number of distinct patterns against steps.

    Keys: ``steps`` (required): the common x values; ``series`` (required): a list of ``{"label": str,
    "objective": list, "patterns": list (optional), "steps": list (optional, overrides the common steps)}``;
    ``p_star`` (optional): the optimal value ``p*`` (docs/theory.md §A.3); with it the top panel shows
    ``objective − p*`` (a gap within rounding of 0, at most ``4ε|p*|``, is drawn at that floor and noted; a gap
    clearly below 0 is noted as an error of p* or of the objective), without it the objective itself.

    >>> from matplotlib.figure import Figure
    >>> draw_trajectories({"steps": [0, 1, 2], "p_star": 1.0,
    ...                    "series": [{"label": "seed 0", "objective": [3, 2, 1], "patterns": [4, 3, 3]}]}, Figure())
    ['seed 0: 1 point(s) with objective − p* ≤ 9e-16 (p* reached to rounding), drawn at 9e-16']
    """
    steps = floats(data, "steps", "trajectories")
    series = _entries(data, "series", "trajectories")
    p_star = data.get("p_star")
    p_star = float(p_star) if isinstance(p_star, (int, float)) and not isinstance(p_star, bool) else None
    with_patterns = any(isinstance(s, dict) and s.get("patterns") is not None for s in series)
    axes = fig.subplots(2, 1, sharex=True) if with_patterns else [fig.add_subplot()]
    notes = []
    for i, s in enumerate(series):
        label = _label(s, i)
        try:
            x = optional_floats(s, "steps", "trajectories")
            x = steps if x is None else x
            obj = floats(s, "objective", "trajectories", length=x.size)
        except Exception as exc:
            notes.append(f"skipped series {label!r}: {exc}")
            continue
        y = obj - p_star if p_star is not None else obj
        keep = finite_mask(x, y)
        floor = _LOG_FLOOR if p_star is None or p_star == 0 else _ROUNDING * abs(p_star)
        low = keep & ~(y > floor)
        if low.any():
            what = f"objective − p* ≤ {floor:.1g} (p* reached to rounding)" if p_star is not None else "objective ≤ 0"
            notes.append(f"{label}: {int(low.sum())} point(s) with {what}, drawn at {floor:.1g}")
            lowest = float(np.min(y[low]))
            if p_star is not None and lowest < -_BELOW * max(1.0, abs(p_star)):
                notes.append(f"{label}: objective below p* by {-lowest:.3g} (p* or the objective is wrong)")
        line, = axes[0].plot(x[keep], np.where(y[keep] > floor, y[keep], floor), label=label, linewidth=1.2)
        if with_patterns and isinstance(s, dict) and s.get("patterns") is not None:
            try:
                pats = floats(s, "patterns", "trajectories", length=x.size)
            except Exception as exc:
                notes.append(f"patterns of {label!r} not drawn: {exc}")
            else:
                axes[1].step(x, pats, where="post", color=line.get_color(), linewidth=1.2)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("objective − p*" if p_star is not None else "objective")
    axes[0].grid(alpha=0.3, which="both")
    if axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize=8)
    if with_patterns:
        axes[1].set_ylabel("distinct patterns")
        axes[1].grid(alpha=0.3)
    axes[-1].set_xlabel("step")
    return notes


def draw_series(data: dict, fig) -> list[str]:
    """A generic line plot.

    Keys: ``x`` (required): the common x values; ``series`` (required): a list of ``{"label": str, "y": list,
    "x": list (optional, overrides the common x)}``; ``xlabel``, ``ylabel`` (optional strings); ``logx``,
    ``logy`` (optional booleans; non-positive values are then left out and noted); ``vlines`` (optional): a list
    of ``{"x": number, "label": str}`` marks (an interpolation threshold, ``m*``).

    >>> from matplotlib.figure import Figure
    >>> draw_series({"x": [1, 2, 3], "series": [{"label": "error", "y": [0.5, 0, 0.2]}], "logy": True}, Figure())
    ['error: 1 non-positive value(s) left out of the log scale']
    """
    x0 = floats(data, "x", "series")
    notes = []
    ax = fig.add_subplot()
    logx, logy = data.get("logx") is True, data.get("logy") is True
    for i, s in enumerate(_entries(data, "series", "series")):
        label = _label(s, i)
        try:
            x = optional_floats(s, "x", "series")
            x = x0 if x is None else x
            y = floats(s, "y", "series", length=x.size)
        except Exception as exc:
            notes.append(f"skipped series {label!r}: {exc}")
            continue
        keep = finite_mask(x, y)
        off = keep & ((~(y > 0) if logy else False) | (~(x > 0) if logx else False))
        if off.any():
            notes.append(f"{label}: {int(off.sum())} non-positive value(s) left out of the log scale")
        keep &= ~off
        ax.plot(x[keep], y[keep], "o-" if keep.sum() <= 30 else "-", label=label, linewidth=1.2, markersize=3)
    for i, v in enumerate(data.get("vlines") or []):
        if isinstance(v, dict) and isinstance(v.get("x"), (int, float)) and not isinstance(v.get("x"), bool):
            ax.axvline(v["x"], color="tab:gray", linestyle=":", linewidth=1.2)
            ax.annotate(str(v.get("label", "")), (v["x"], 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -12 - 11 * (i % 3)), textcoords="offset points", color="tab:gray")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(str(data.get("xlabel", "x")))
    ax.set_ylabel(str(data.get("ylabel", "y")))
    ax.grid(alpha=0.3, which="both")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return notes
