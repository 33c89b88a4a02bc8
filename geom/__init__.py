"""relu-landscape geometry: arrangements, cones, convex program, duality, polytopes, nets, numeric core.

The public API is re-exported here (see ``__all__``).  The mathematics is in ``SPEC.md`` (shared with the
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
    Patterns,
    SampledPatterns,
    brute_force_patterns,
    cell_witnesses,
    characteristic_polynomial,
    count_regions,
    cover_count,
    distinct_hyperplanes,
    enumerate_patterns,
    implicit_equalities,
    pattern_feasible,
    pattern_recall,
    sample_patterns,
)
from .exceptions import (
    CertificationError,
    DataFileError,
    GeomError,
    InvalidInputError,
    InvalidInputTypeError,
    NotApplicableError,
    PrecisionWarning,
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
    "NotApplicableError",
    "CertificationError",
    "PrecisionWarning",
]
