"""Report figures drawn from JSON data (matplotlib, Agg): the data contract of each figure kind, and its drawer.

A suite yields ``verify.Figure(case, kind, data, theorem, title)`` next to its checks; the runner stores its
``to_dict()`` in the results JSON under ``"figures"``; the report draws it with ``FIGURE_DRAWERS[kind]`` from the
JSON alone and shows it in the section of its ``theorem`` (the same string as the checks it illustrates, e.g.
``"docs/theory.md §E.2"``, so that it lands next to them).  ``data`` holds JSON values only (numbers, strings,
lists, dictionaries; NumPy arrays become lists through :func:`verify._result.jsonable`).

Keys of ``data`` per kind (each drawer's docstring has the details; *optional* keys may be left out):

==================  ===========================================================================================
kind                keys
==================  ===========================================================================================
``arrangement2d``   ``X`` n×2 (or n×1 with ``bias: true``); optional ``labels`` (n names), ``patterns`` (the
                    0/1 strings ``1[Xu ≥ 0]`` a computation found: cells not among them are hatched),
                    ``witnesses`` (``[{"u": [u1, u2], "label": str}]``).  The lines ``x_i^⊥`` and the cells
                    coloured by pattern (docs/theory.md §A.2, §B.2), next to the data points.
``staircase``       ``staircase``: ``[{"m", "components", "isolated"}]``; optional ``m_star``, ``M_star``, ``n``
                    (marks at ``m*``, ``M*``, ``n + 1``; docs/theory.md §E.2).
``polytope``        ``vertices``: k coordinate lists; optional ``edges`` (``[[i, j]]``), ``labels`` (k names),
                    ``highlight`` (vertex indices), ``dim`` (2 or 3).  PCA projection (docs/theory.md §D.4).
``fits1d``          ``x`` (grid), ``curves``: ``[{"label", "y", "style"?}]``; optional ``data_x``, ``data_y``,
                    ``xlabel``, ``ylabel``.  1-D fits of optimal nets, the continuum of docs/theory.md §G.
``trajectories``    ``steps``, ``series``: ``[{"label", "objective", "patterns"?, "steps"?}]``; optional
                    ``p_star``: objective gap (log) and distinct patterns against steps.
``ellipsoid``       ``X`` (2×d) or ``points`` (m×2 boundary points of ``{(Xu)_+ : ‖u‖ ≤ 1}``); optional ``beta``,
                    ``y``, ``nu_star``: the rectified ellipsoid and the dual set ``𝒦_β`` (docs/theory.md §C.1).
``series``          ``x``, ``series``: ``[{"label", "y", "x"?}]``; optional ``xlabel``, ``ylabel``, ``logx``,
                    ``logy``, ``vlines`` (``[{"x", "label"}]``).  Anything else drawn as lines.
==================  ===========================================================================================

Non-finite numbers may appear as the strings ``"nan"``, ``"inf"``, ``"-inf"`` (as :func:`~verify._result.jsonable`
writes them); drawers leave such points out.  A drawer never crashes a report: :func:`render_figure_item`
returns ``(None, notes)`` for an unknown kind, missing or malformed required keys, or any failure while drawing,
and the report shows the notes in place of the picture; an optional entry that is malformed is skipped with a
note.  Each drawer is ``fn(data: dict, fig: matplotlib.figure.Figure) -> list[str]`` (the notes) and can be
called on its own.

Examples
--------
>>> png, notes = render_figure_item({"kind": "series", "title": "error against width", "data": {
...     "x": [1, 2, 4], "series": [{"label": "test error", "y": [0.3, 0.1, 0.2]}], "xlabel": "width m"}})
>>> (png is None or png[:4] == b"\\x89PNG"), notes
(True, [])
>>> render_figure_item({"kind": "fits1d", "data": {"curves": []}})[1]
["not drawn: The 'x' entry of a 'fits1d' figure's data must be present. Got no such key instead."]
>>> sorted(FIGURE_DRAWERS) == sorted(FIGURE_KINDS)
True
"""

from __future__ import annotations

import io
import warnings

from ._figures_curves import draw_fits1d, draw_series, draw_staircase, draw_trajectories
from ._figures_geometry import draw_arrangement2d, draw_ellipsoid, draw_polytope
from ._result import FIGURE_KINDS

__all__ = ["FIGURE_DRAWERS", "FIGURE_KINDS", "render_figure_item", "staircase_png", "draw_arrangement2d",
           "draw_staircase", "draw_polytope", "draw_fits1d", "draw_trajectories", "draw_ellipsoid", "draw_series"]

#: The drawer of each figure kind: ``fn(data, fig) -> notes`` (see the module notes for the keys).
FIGURE_DRAWERS = {"arrangement2d": draw_arrangement2d, "staircase": draw_staircase, "polytope": draw_polytope,
                  "fits1d": draw_fits1d, "trajectories": draw_trajectories, "ellipsoid": draw_ellipsoid,
                  "series": draw_series}

#: Size in inches of each kind's figure (two-panel kinds are wider).
_SIZES = {"arrangement2d": (8.4, 4.0), "ellipsoid": (8.4, 4.2), "trajectories": (6.8, 5.0), "polytope": (5.6, 4.6)}
_DEFAULT_SIZE = (6.4, 4.0)
#: Resolution of the PNGs embedded in the HTML report (dots per inch).
FIGURE_DPI = 80


def _matplotlib_figure(size):
    """A new Agg-backed :class:`matplotlib.figure.Figure`, or ``None`` when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure(figsize=size, layout="constrained")


def _png(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def render_figure_item(item: dict, *, dpi: int = FIGURE_DPI) -> tuple[bytes | None, list[str]]:
    """Draw one figure of a results JSON (a :meth:`verify.Figure.to_dict` dictionary): ``(PNG bytes or None,
    notes)``.

    Never raises for bad figure data: an unknown ``kind``, a missing or malformed required key, a failure of
    matplotlib or a missing matplotlib give ``None`` and a note saying why; notes of skipped optional parts
    (a curve of the wrong length, a bad witness) come with the picture.  The PNG carries no timestamp, so its
    bytes depend only on the data and the matplotlib version.
    """
    if not isinstance(item, dict):
        return None, [f"not drawn: a figure must be a dictionary with 'kind' and 'data'; got {type(item).__name__}"]
    kind = item.get("kind")
    draw = FIGURE_DRAWERS.get(kind) if isinstance(kind, str) else None
    if draw is None:
        return None, [f"not drawn: unknown figure kind {kind!r} (known: {', '.join(FIGURE_KINDS)})"]
    fig = _matplotlib_figure(_SIZES.get(kind, _DEFAULT_SIZE))
    if fig is None:
        return None, ["not drawn: matplotlib is not installed"]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            notes = list(draw(item.get("data"), fig) or [])
            if item.get("title"):
                fig.suptitle(str(item["title"]), fontsize=10)
            png = _png(fig, dpi)
    except Exception as exc:  # a figure never stops a report: the reason is shown instead
        return None, [f"not drawn: {' '.join(str(exc).split()) or type(exc).__name__}"]
    notes += sorted({f"matplotlib: {' '.join(str(w.message).split())}" for w in caught})
    return png, notes


def staircase_png(result: dict) -> bytes | None:
    """PNG bytes of the staircase figure of a ``polytope`` result (``staircase``, ``m_star``, ``M_star``, ``n``);
    ``None`` when matplotlib is missing or there is nothing to draw (see :func:`draw_staircase`).

    >>> png = staircase_png({"staircase": [{"m": 1, "components": 1, "isolated": 1},
    ...                                    {"m": 2, "components": 3, "isolated": 2}],
    ...                      "m_star": 1, "M_star": 2, "n": 2})
    >>> png is None or png[:4] == b"\\x89PNG"
    True
    """
    if not result.get("staircase"):
        return None
    fig = _matplotlib_figure((7.0, 4.2))
    if fig is None:
        return None
    draw_staircase(result, fig)
    fig.axes[0].set_title("Staircase of connectivity (docs/theory.md §E.2)")
    return _png(fig, 100)
