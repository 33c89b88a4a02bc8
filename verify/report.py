"""Report writing and re-rendering; ``python -m verify.report IN.json --out DIR``.

The implementation is in :mod:`verify._report`; this module is its public face and command line, which
re-renders ``<suite>.md``, ``<suite>.html`` and ``<suite>_figure.png`` from a report JSON (never from live
objects): the HTML page embeds the suite's summary figure and every figure of the JSON's ``"figures"``
(:mod:`verify.figures`).  Bad input (a missing, malformed or non-regular ``IN.json``, a results file of another
schema, i.e. of another version of the toolkit, an unwritable ``--out``) exits with status 2 and one line on
stderr.

Examples
--------
>>> main(["/no/such/report.json"])
2
"""

from __future__ import annotations

import argparse
import os
import sys

from geom.datafiles import regular_file
from geom.exceptions import GeomError

from ._report import (load_report, render_figure, render_from_json, render_html, render_markdown, report_json,
                      write_report)

__all__ = ["write_report", "render_from_json", "render_markdown", "render_html", "render_figure", "load_report",
           "report_json", "main"]

_PROG = "python -m verify.report"


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise GeomError(message)


def main(argv=None) -> int:
    """Re-render the Markdown, HTML and figure of a report JSON; return the exit status."""
    parser = _Parser(prog=_PROG, description="Re-render a suite report (.md, .html, figure) from its JSON.")
    parser.add_argument("json", metavar="IN.json", help="report written by relu-landscape run")
    parser.add_argument("--out", metavar="DIR", default=None, help="output directory (default: that of IN.json)")
    try:
        args = parser.parse_args(argv)
        if os.path.lexists(args.json):  # a FIFO or a device would block or never end: refuse before opening
            regular_file(args.json, what="Report file", kind="<suite>.json report")
        out = args.out if args.out is not None else (os.path.dirname(os.path.abspath(args.json)))
        paths = render_from_json(args.json, out)
    except (GeomError, OSError, MemoryError) as exc:
        print(f"relu-landscape: error: {' '.join(str(exc).split()) or type(exc).__name__}", file=sys.stderr)
        return 2
    for kind in sorted(paths):
        print(f"{kind}: {paths[kind]}")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
