"""The ``relu-landscape`` command line (also ``python -m verify``).

Subcommands (each one function registered with :func:`command`):

* ``patterns DATA``: exact activation patterns of a data file (SPEC.md §B), a summary or ``--json``;
* ``run``: the verification suites, reports written into ``--out`` (exit status 1 if a check is violated or
  errors);
* ``cases``: the registered instances.

Bad input of any kind (missing or malformed file, unknown option, invalid value, a domain error of the library)
exits with status 2 and exactly one line on stderr starting with ``relu-landscape: error:``.

Adding a subcommand is one decorated function::

    @command("solve", help="solve the convex program (C) for a data file (SPEC.md §A.3)",
             args=[arg("data", metavar="DATA"), arg("--beta", type=float, default=None)])
    def _cmd_solve(args) -> int:
        ...
        return 0

Examples
--------
>>> main(["cases", "--tag", "spec", "--tag", "bias"])
spec-I4  n=2 d=1 bias  SPEC.md §I (I4)
spec-I5  n=4 d=1 bias  SPEC.md §B.3, §I (I5)
spec-I7  n=3 d=1 bias  SPEC.md §I (I7)
0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

import cases as case_registry
import geom
from geom.datafiles import load_data, save_npz_atomic
from geom.exceptions import GeomError, InvalidInputError

from ._report import write_report
from ._result import jsonable
from ._suite import SUITES, run_suite

__all__ = ["main", "build_parser", "command", "arg", "COMMANDS", "UsageError"]

PROG = "relu-landscape"


class UsageError(Exception):
    """A command-line usage error (argparse's, or ours); reported on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so the error stays on one line."""

    def error(self, message):
        raise UsageError(message)


@dataclass(frozen=True)
class _Command:
    name: str
    help: str
    args: tuple
    func: Callable


#: Registered subcommands by name, in registration order.
COMMANDS: dict[str, _Command] = {}


def arg(*flags, **kwargs) -> tuple:
    """An argument spec for :func:`command`: the positional and keyword arguments of ``add_argument``."""
    return flags, kwargs


def command(name: str, *, help: str, args=()):
    """Register ``func(args: argparse.Namespace) -> int`` as the subcommand ``name`` (decorator)."""

    def deco(func):
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        COMMANDS[name] = _Command(name=name, help=help, args=tuple(args), func=func)
        return func

    return deco


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = _Parser(prog=PROG, description="Verify theorems on weight-decayed two-layer ReLU networks through "
                                            "their convex reformulation, and analyse your own data.")
    parser.add_argument("--version", action="version", version=f"{PROG} {geom.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for c in COMMANDS.values():
        p = sub.add_parser(c.name, help=c.help, description=c.help)
        for flags, kwargs in c.args:
            p.add_argument(*flags, **kwargs)
        p.set_defaults(_func=c.func)
    return parser


def _one_line(text) -> str:
    return " ".join(str(text).split())


def _error(text) -> int:
    print(f"{PROG}: error: {_one_line(text)}", file=sys.stderr)
    return 2


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"{PROG}: warning: {_one_line(message)} ({category.__name__})", file=sys.stderr)


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    old = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        args = parser.parse_args(argv)
        return int(args._func(args))
    except UsageError as exc:
        return _error(exc)
    except (GeomError, OSError) as exc:  # domain errors and unreadable/unwritable files
        return _error(exc)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    finally:
        warnings.showwarning = old


def _dumps(obj) -> str:
    return json.dumps(jsonable(obj), sort_keys=True, ensure_ascii=False, allow_nan=False)


# ---- patterns ------------------------------------------------------------------------------------------------

def _check_save_path(path):
    if not path.lower().endswith(".npz"):
        raise UsageError(f"argument --save: expected a file name ending in .npz; got {path!r}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"argument --save: expected an existing directory for {path!r}; got no directory "
                         f"{directory!r}")


@command("patterns", help="exact activation patterns diag(1[Xu ≥ 0]) of a data file (SPEC.md §B)", args=[
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--bias", action="store_true", help="append a ones column to X (regularized bias, SPEC.md §A.6)"),
    arg("--ties", choices=geom.TIES_OPTIONS, default="geq",
        help="geq: all patterns of 𝒟_≥ (default); regions: full-dimensional cells only (SPEC.md §B.1)"),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
    arg("--save", metavar="FILE.npz", default=None, help="save patterns and witnesses to FILE.npz (atomic)"),
    arg("--quiet", action="store_true", help="no progress bar"),
])
def _cmd_patterns(args) -> int:
    if args.save is not None:
        _check_save_path(args.save)
    data = load_data(args.data)
    P = geom.enumerate_patterns(data.X, bias=args.bias, ties=args.ties, progress=not args.quiet)
    if args.save is not None:
        save_npz_atomic(args.save, patterns=P.patterns, witnesses=P.witnesses, count=P.count,
                        regions=P.n_regions, rank=P.rank, ties=np.str_(P.ties), bias=P.bias, certified=P.certified)
    summary = {"data": data.path, "n": data.n, "d": data.d, "bias": P.bias, "ties": P.ties, "rank": P.rank,
               "count": P.count, "regions": P.n_regions, "tie_only": P.n_tie_only,
               "general_position": P.general_position, "certified": P.certified,
               "count_certificate": P.count_certificate, "n_exact_checks": P.n_exact_checks,
               "seconds": round(P.seconds, 6), "saved": args.save, "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
        return 0
    yes = {True: "yes", False: "no"}
    print(f"{data.path}: n = {data.n}, d = {data.d}{' + bias' if P.bias else ''}, rank {P.rank}")
    what = "patterns (ties=geq)" if P.ties == "geq" else "region patterns (ties=regions)"
    print(f"{what}: {P.count}, regions: {P.n_regions}, tie-only: {P.n_tie_only}")
    print(f"general position: {yes[P.general_position]}; certified: {yes[P.certified]} "
          f"(count certificate: {P.count_certificate}); {P.seconds:.3f} s")
    if args.save is not None:
        print(f"saved: {args.save}")
    return 0


# ---- run -----------------------------------------------------------------------------------------------------

@command("run", help="run the verification suites and write reports (JSON, Markdown, HTML, figure)", args=[
    arg("--suite", nargs="+", metavar="NAME", default=None, help="suites to run (default: all registered)"),
    arg("--out", metavar="DIR", default="reports", help="report directory (default: reports)"),
    arg("--cases", nargs="+", metavar="NAME", default=None,
        help="run only these registered cases (default: every case of each suite)"),
    arg("--seed", type=int, default=0, help="seed of the random parts (default: 0)"),
    arg("--quiet", action="store_true", help="no progress bar"),
])
def _cmd_run(args) -> int:
    if args.cases is not None:
        for name in args.cases:
            case_registry.get_case(name)  # unknown names fail before anything runs
    for name in args.suite or ():
        if name not in SUITES:
            raise UsageError(f"argument --suite: invalid choice: {name!r} (choose from "
                             f"{', '.join(map(repr, SUITES))})")
    try:
        os.makedirs(args.out, exist_ok=True)  # fail before running anything
    except OSError as exc:
        raise UsageError(f"argument --out: expected a writable directory; got {args.out!r} "
                         f"({type(exc).__name__}: {exc.strerror})") from exc
    failed = False
    for name in dict.fromkeys(args.suite or SUITES):
        result = run_suite(name, cases=args.cases, progress=not args.quiet, seed=args.seed)
        paths = write_report(result, args.out)
        c = result.counts
        counts = ", ".join(f"{c[s]} {s}" for s in c)
        verdict = "PASS" if result.ok else "FAIL"
        print(f"{name}: {verdict}: {len(result.results)} checks on {len(result.cases)} cases: {counts} "
              f"({result.elapsed_s:.1f} s)")
        for kind in ("json", "md", "html", "figure"):
            if kind in paths:
                print(f"  {kind}: {paths[kind]}")
        failed |= not result.ok
    return 1 if failed else 0


# ---- cases ---------------------------------------------------------------------------------------------------

@command("cases", help="list the registered instances (cases) and their expected values", args=[
    arg("--tag", action="append", metavar="TAG", default=None, help="only cases with this tag (repeatable)"),
    arg("--json", action="store_true", help="print one JSON list"),
])
def _cmd_cases(args) -> int:
    tags = args.tag or []
    known = sorted(set().union(*(c.tags for c in case_registry.list_cases())))
    unknown = [t for t in tags if t not in known]
    if unknown:
        raise InvalidInputError(f"The '--tag' option of {PROG} cases must be one of {{{', '.join(known)}}}. "
                                f"Got {unknown[0]!r} instead.")
    chosen = case_registry.list_cases(tags)
    if args.json:
        print(_dumps([c.to_dict() for c in chosen]))
        return 0
    width = max((len(c.name) for c in chosen), default=0)
    for c in chosen:
        n, d = c.X.shape
        print(f"{c.name:<{width}}  n={n} d={d}{' bias' if c.bias else ''}  {c.source}")
    return 0

