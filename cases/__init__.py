"""Registry of named instances whose expected values come from theory (docs/theory.md §B, §I).

Examples
--------
>>> import cases
>>> c = cases.get_case("braid-4")
>>> c.expected["regions"], c.source.startswith("Stanley")
(24, True)
>>> len(cases.list_cases("spec")) >= 6
True
"""

from . import arrangements  # noqa: F401  (registers the cases)
from . import spec_instances  # noqa: F401  (registers the docs/theory.md §I instances of the convex program)
from . import regressions  # noqa: F401  (registers the regression cases of exact enumeration)
from . import seeds  # noqa: F401  (registers the seed documents' instances)
from . import families  # noqa: F401  (registers the parametric families and the real data)
from . import selection  # noqa: F401  (tags the cases of the quick / theorems / landscape / scale suites)
from ._registry import HOW, Case, case_names, get_case, list_cases, register

__all__ = ["Case", "register", "get_case", "list_cases", "case_names", "HOW"]
