"""The registered verification suites; importing this package registers them in :data:`verify.SUITES`.

One module per suite, each registering its checker with :func:`verify.register_suite`.  To add a suite, write
``verify/suites/<name>.py`` and import it below.

Examples
--------
>>> from verify import SUITES
>>> "patterns" in SUITES
True
"""

from . import patterns  # noqa: F401  (registers "patterns")

__all__ = ["patterns"]
