"""Cardinality-constrained connectivity of the optimal set and the paths inside it (docs/theory.md §E).

:mod:`.staircase` holds the graphs ``G_m``, the reduced and lifted counts and the five staircase statements;
:mod:`.paths` builds and checks the continuous paths of optimal networks the statements promise.

Examples
--------
>>> import numpy as np, geom
>>> P = geom.optimal_polytope(geom.solve_convex(np.array([[-1.0], [1.0]]), np.array([1.0, 2.0]), 0.5))   # I1
>>> [(s.m, s.components, s.isolated) for s in geom.staircase(P).steps]
[(2, 2, 2), (3, 1, 0), (4, 1, 0)]
"""

from .paths import OptimalPath, connecting_path, net_from_slots, permutation_path, slots_from_net, split_path
from .staircase import (
    CLAIMS,
    Claim,
    Staircase,
    StaircaseStep,
    component_counts,
    connectivity_graph,
    lifted_counts,
    staircase,
)

__all__ = ["OptimalPath", "connecting_path", "net_from_slots", "permutation_path", "slots_from_net", "split_path",
           "CLAIMS", "Claim", "Staircase", "StaircaseStep", "component_counts", "connectivity_graph",
           "lifted_counts", "staircase"]
