"""relu-landscape geometry: arrangements, cones, convex program, duality, polytopes, nets, numeric core.

The public API is re-exported here (see ``__all__``).  The mathematics is in ``docs/theory.md`` (shared with the
project); docstrings cite its sections.

Examples
--------
>>> import geom
>>> geom.enumerate_patterns([[1.0, 0.0], [0.0, 1.0]]).count
4
"""

from . import exceptions, kernels, tolerances
from .datafiles import DATA_SUFFIXES, Dataset, atomic_write, load_data, save_npz_atomic
from ._xp import array_namespace, available_backends, backend_name, to_numpy
from .arrangements import (
    TIES_OPTIONS,
    PatternChunk,
    Patterns,
    PatternStream,
    SampledPatterns,
    StreamSummary,
    brute_force_patterns,
    cell_witnesses,
    characteristic_polynomial,
    count_regions,
    cover_count,
    distinct_hyperplanes,
    count_patterns,
    enumerate_patterns,
    implicit_equalities,
    iter_patterns,
    pattern_feasible,
    pattern_recall,
    sample_patterns,
    save_patterns_stream,
)
from .certificate import PATTERN_SOURCES, Certificate, certify_net
from .cones import DualValues, RegionIndex, dual_values, hyperplane_groups, project_cone, region_index
from .convex import ConvexSolution, PathSolution, nonnegative_lasso, solve_convex, solve_path
from .checks import NetCheck, check_nets, check_nets_fast
from .training import TrainingRun, train_nets
from .landscape import LandscapeExperiment, landscape_experiment
from .minimality import Minimality, decreasing_path, merge_colinear, minimality
from .stationarity import Stationarity, clarke_stationarity, exact_clarke_stationarity
from .continuum import Continuum, optimal_interpolators, tail_sum_instance
from .polytope import (
    OptimalPolytope,
    SymbolicPolytope,
    Vertex,
    brute_force_vertices,
    optimal_polytope,
    prune_to_vertex,
    symbolic_polytope,
)
from .connectivity import (
    OptimalPath,
    Staircase,
    component_counts,
    connecting_path,
    connectivity_graph,
    lifted_counts,
    net_from_slots,
    permutation_path,
    slots_from_net,
    split_path,
    staircase,
)
from .duality import DualBound, Escapes, dual_bound, network_objective, verify_escapes
from .losses import LOSSES, dual_objective, loss_gradient, loss_value
from .nets import Net, beta_from_torch, load_net, net_from_torch, net_to_torch, permute, phi, psi, save_net, split_neuron, zero_pad
from .exceptions import (
    CertificationError,
    ConvergenceWarning,
    DataFileError,
    GeomError,
    InvalidInputError,
    InvalidInputTypeError,
    InfeasibleError,
    ProblemTooLargeError,
    PrecisionWarning,
    SolverError,
)
from .kernels import (
    activation_patterns,
    pack_patterns,
    relu_forward,
    relu_gradients,
    relu_objective,
    unique_pattern_indices,
    unpack_patterns,
)
from .tolerances import DEFAULT_TOLERANCES, Tolerances

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "exceptions",
    "kernels",
    "tolerances",
    "Dataset",
    "load_data",
    "save_npz_atomic",
    "atomic_write",
    "DATA_SUFFIXES",
    "Patterns",
    "SampledPatterns",
    "TIES_OPTIONS",
    "enumerate_patterns",
    "iter_patterns",
    "count_patterns",
    "save_patterns_stream",
    "PatternChunk",
    "PatternStream",
    "StreamSummary",
    "sample_patterns",
    "pattern_recall",
    "characteristic_polynomial",
    "count_regions",
    "cover_count",
    "brute_force_patterns",
    "pattern_feasible",
    "implicit_equalities",
    "cell_witnesses",
    "distinct_hyperplanes",
    "Net",
    "psi",
    "phi",
    "split_neuron",
    "permute",
    "zero_pad",
    "save_net",
    "load_net",
    "net_from_torch",
    "net_to_torch",
    "beta_from_torch",
    "DualValues",
    "RegionIndex",
    "dual_values",
    "project_cone",
    "hyperplane_groups",
    "region_index",
    "ConvexSolution",
    "solve_convex", "solve_path", "PathSolution",
    "nonnegative_lasso",
    "OptimalPolytope",
    "NetCheck",
    "TrainingRun",
    "LandscapeExperiment",
    "landscape_experiment",
    "train_nets",
    "check_nets",
    "check_nets_fast",
    "Minimality",
    "minimality",
    "merge_colinear",
    "decreasing_path",
    "Stationarity",
    "clarke_stationarity",
    "exact_clarke_stationarity",
    "SymbolicPolytope",
    "symbolic_polytope",
    "Continuum",
    "optimal_interpolators",
    "tail_sum_instance",
    "Vertex",
    "optimal_polytope",
    "brute_force_vertices",
    "prune_to_vertex",
    "OptimalPath",
    "Staircase",
    "staircase",
    "component_counts",
    "connectivity_graph",
    "lifted_counts",
    "split_path",
    "permutation_path",
    "connecting_path",
    "slots_from_net",
    "net_from_slots",
    "DualBound",
    "Escapes",
    "dual_bound",
    "network_objective",
    "verify_escapes",
    "Certificate",
    "certify_net",
    "PATTERN_SOURCES",
    "LOSSES",
    "loss_value",
    "loss_gradient",
    "dual_objective",
    "activation_patterns",
    "pack_patterns",
    "unpack_patterns",
    "unique_pattern_indices",
    "relu_forward",
    "relu_objective",
    "relu_gradients",
    "array_namespace",
    "available_backends",
    "backend_name",
    "to_numpy",
    "Tolerances",
    "DEFAULT_TOLERANCES",
    "GeomError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "DataFileError",
    "ProblemTooLargeError",
    "CertificationError",
    "SolverError",
    "InfeasibleError",
    "PrecisionWarning",
    "ConvergenceWarning",
]
