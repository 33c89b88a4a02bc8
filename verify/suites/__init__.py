"""The registered verification suites; importing this package registers them in :data:`verify.SUITES`.

One module per suite, each registering its checker with :func:`verify.register_suite`.  To add a suite, write
``verify/suites/<name>.py`` and import it below.

Examples
--------
>>> from verify import SUITES
>>> "patterns" in SUITES, "convex" in SUITES
(True, True)
"""

# registration order is the order of ``relu-landscape run``: patterns (docs/theory.md §B) before convex (§A.3, §C)
from . import patterns  # noqa: F401  (registers "patterns")
from . import convex  # noqa: F401,I001  (registers "convex")
from . import polytope  # noqa: F401,I001  (registers "polytope": docs/theory.md §D, §E, after the convex program)
from . import nets  # noqa: F401,I001  (registers "nets": docs/theory.md §F, trained networks)
from . import theorems  # noqa: F401,I001  (registers "quick", "theorems", "landscape", "scale": verify.theorems)

__all__ = ["convex", "nets", "patterns", "polytope", "theorems"]
