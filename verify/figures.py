"""Figures drawn from result dictionaries (matplotlib, Agg): one function per figure, PNG bytes out.

:func:`staircase_png` draws the staircase of connectivity of docs/theory.md §E.2 (docs/theory.md §E): the number of
components and of isolated points of ``Θ*_m`` against ``m`` (log scale: ``m!·N_m`` grows fast), with ``m*``,
``M*`` and ``n + 1`` marked.
"""

from __future__ import annotations

import io

__all__ = ["staircase_png"]


def staircase_png(result: dict) -> bytes | None:
    """PNG bytes of the staircase figure of a ``polytope`` result (``staircase``, ``m_star``, ``M_star``, ``n``);
    ``None`` when matplotlib is missing or there is nothing to draw.

    >>> png = staircase_png({"staircase": [{"m": 1, "components": 1, "isolated": 1},
    ...                                    {"m": 2, "components": 3, "isolated": 2}],
    ...                      "m_star": 1, "M_star": 2, "n": 2})
    >>> png is None or png[:4] == b"\\x89PNG"
    True
    """
    steps = result.get("staircase") or []
    if not steps:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib.figure import Figure
    except ImportError:
        return None
    ms = [s["m"] for s in steps]
    fig = Figure(figsize=(7.0, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(ms, [s["components"] for s in steps], "o-", label="components of Θ*_m")
    ax.plot(ms, [max(s["isolated"], 0) for s in steps], "s--", label="isolated points")
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_xlabel("width m")
    ax.set_ylabel("count")
    marks = (("m*", result.get("m_star"), "tab:green"), ("M*", result.get("M_star"), "tab:red"),
             ("n + 1", (result.get("n") or 0) + 1, "tab:gray"))
    for label, x, color in marks:
        if x is not None:
            ax.axvline(x, color=color, linestyle=":", linewidth=1.2)
            ax.annotate(label, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                        textcoords="offset points", color=color)
    ax.set_xticks(ms)
    ax.legend(loc="center right")
    ax.set_title("Staircase of connectivity (docs/theory.md §E.2)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()
