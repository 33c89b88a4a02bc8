"""Central hyperplane arrangements of data: activation patterns, regions, exact counts (docs/theory.md §B)."""

from ._cells import cell_witnesses, distinct_hyperplanes
from ._exact_cells import exact_region_signs
from ._charpoly import characteristic_polynomial, count_regions, cover_count
from ._oracle import brute_force_patterns, implicit_equalities, pattern_feasible
from ._patterns import TIES_OPTIONS, Patterns, enumerate_patterns
from ._sampling import SampledPatterns, pattern_recall, sample_patterns
from ._stream import PatternChunk, PatternStream, StreamSummary, count_patterns, iter_patterns, save_patterns_stream

__all__ = [
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
    "exact_region_signs",
]
