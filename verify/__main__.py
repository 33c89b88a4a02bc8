"""``python -m verify``: the ``relu-landscape`` command line (:func:`verify.cli.main`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
