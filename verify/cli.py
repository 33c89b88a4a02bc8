"""The ``relu-landscape`` command line (also ``python -m verify``).

Subcommands (each one function registered with :func:`command`):

* ``patterns DATA``: exact activation patterns of a data file (SPEC.md §B), a summary or ``--json``;
* ``solve DATA``: the convex program (C) (SPEC.md §A.3) solved to a certified optimum: ``p*``, the duality gap,
  ``y*``, ``ν*`` (convention R), ``card(W)``; ``--save-net`` writes the scaled network ``ψ(W)`` (§A.5);
* ``certify NET DATA``: the global-optimality certificate of a saved network (SPEC.md §C.3): objective, lower
  bound, gap, escape patterns and a verdict;
* ``run``: the verification suites, reports written into ``--out`` (exit status 1 if a check is violated or
  errors);
* ``cases``: the registered instances.

β comes from ``--beta`` or else from the data file's ``beta``; a value that is not a finite number ``> 0`` is a
usage error.  ``solve`` and ``certify`` exit with status 0 whenever the computation completed, whatever its
outcome: the solver status (``optimal``, ``inaccurate``, ...) and the certificate's verdict (``holds``,
``violated``, ``inconclusive``) are *answers* about the user's data and network, printed and in ``--json``, not
failures of the tool (status 1 is reserved for ``run``, where a violated check means the toolkit and the theory
disagree).

Bad input of any kind (missing or malformed file, unknown option, invalid value, a network whose shape does not
fit the data, a domain error of the library) exits with status 2 and exactly one line on stderr starting with
``relu-landscape: error:``.

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
>>> main(["cases", "--tag", "certificate"])
spec-I9  n=2 d=1  SPEC.md §I, I9 (and I1 for ψ(W*))
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

def _check_save_path(path, option="--save"):
    if not path.lower().endswith(".npz"):
        raise UsageError(f"argument {option}: expected a file name ending in .npz; got {path!r}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"argument {option}: expected an existing directory for {path!r}; got no directory "
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


# ---- solve and certify (SPEC.md §A.3, §C.3) ------------------------------------------------------------------

def _beta_arg(text):
    """argparse type of ``--beta``: a finite float ``> 0`` (``nan``, ``inf``, ``0`` and negatives are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0; got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0; got {text!r}")
    return value


def _count_arg(text):
    """argparse type of ``--n-samples``: an integer ``≥ 1``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1; got {text!r}")
    return value


def _resolve_beta(args, data) -> tuple[float, str]:
    """``(β, source)``: ``--beta`` if given, else the data file's ``beta``, else a usage error."""
    if args.beta is not None:
        return args.beta, "--beta"
    if data.beta is not None:
        return data.beta, "DATA"
    raise UsageError(f"argument --beta: required because DATA '{data.path}' has no 'beta'; expected a finite "
                     "number > 0")


def _load_pattern_file(path, n):
    """The boolean pattern pool ``(P, n)`` of ``--patterns-file`` (array ``patterns``, as ``patterns --save``
    writes it)."""
    what = f"a readable .npz with a boolean array 'patterns' of shape (P, {n})"
    try:
        with np.load(path, allow_pickle=False) as z:
            if "patterns" not in z.files:
                raise UsageError(f"argument --patterns-file: expected {what}; got arrays {sorted(z.files)} in "
                                 f"{path!r}")
            P = z["patterns"]
    except UsageError:
        raise
    except Exception as exc:  # missing, not a zip, pickled objects, ...
        raise UsageError(f"argument --patterns-file: expected {what}; got {type(exc).__name__}: {exc} "
                         f"({path!r})") from None
    if P.ndim != 2 or P.shape[1] != n or P.shape[0] == 0:
        raise UsageError(f"argument --patterns-file: expected {what} (n = rows of DATA); got shape {P.shape} in "
                         f"{path!r}")
    if P.dtype != bool:
        if not (np.issubdtype(P.dtype, np.integer) and np.isin(P, (0, 1)).all()):
            raise UsageError(f"argument --patterns-file: expected {what}; got dtype {P.dtype} with values other "
                             f"than 0/1 in {path!r}")
        P = P.astype(bool)
    return P


def _preview(v, k: int = 8) -> str:
    v = np.asarray(v, dtype=float)
    head = ", ".join(f"{x:.10g}" for x in v[:k])
    return f"[{head}{', …' if v.size > k else ''}]" + (f" ({v.size} entries)" if v.size > k else "")


@command("solve", help="solve the convex program (C) to a certified optimum (SPEC.md §A.3, §C)", args=[
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--beta", type=_beta_arg, default=None, metavar="B",
        help="weight decay β > 0 (default: the file's beta)"),
    arg("--bias", action="store_true", help="regularized bias: X̃ = [X, 1] (SPEC.md §A.6)"),
    arg("--interpolate", action="store_true",
        help="the β → 0 limit: minimum-norm exact fit (SPEC.md §G.2); no --beta"),
    arg("--patterns-file", metavar="FILE.npz", default=None,
        help="restrict (C) to the patterns of FILE.npz (array 'patterns', e.g. from `patterns --save`); the "
             "certificate then covers that pool only (certified: no)"),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
    arg("--save-net", metavar="FILE.npz", default=None,
        help="save the scaled network ψ(W) (U, alpha, bias) to FILE.npz (atomic); `certify` reads it"),
    arg("--quiet", action="store_true", help="no summary (errors, --json and --save-net still happen)"),
])
def _cmd_solve(args) -> int:
    if args.save_net is not None:
        _check_save_path(args.save_net, "--save-net")
    if args.interpolate and args.beta is not None:
        raise UsageError("argument --interpolate: not allowed with --beta (the β → 0 limit has no β)")
    data = load_data(args.data)
    if args.interpolate:
        beta, beta_source = None, "interpolate"
    else:
        beta, beta_source = _resolve_beta(args, data)
    pool = None if args.patterns_file is None else _load_pattern_file(args.patterns_file, data.n)
    sol = geom.solve_convex(data.X, data.y, 0.0 if args.interpolate else beta, bias=args.bias, patterns=pool,
                            interpolate=args.interpolate)
    net = sol.to_net()
    if args.save_net is not None:
        geom.save_net(net, args.save_net)
    summary = {**sol.to_dict(), "seconds": round(float(sol.stats.get("seconds", 0.0)), 6), "data": data.path,
               "n": data.n, "d": data.d, "beta_source": beta_source, "width": net.width,
               "patterns_file": args.patterns_file, "saved_net": args.save_net, "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
        return 0
    if args.quiet:
        return 0
    yes = {True: "yes", False: "no"}
    what = "interpolation (β → 0)" if args.interpolate else f"β = {beta:g} (from {beta_source})"
    print(f"{data.path}: n = {data.n}, d = {data.d}{' + bias' if sol.bias else ''}, {what}")
    label = "min Σ‖u‖ (interpolation)" if args.interpolate else "p*"
    print(f"{label} = {sol.p_star:.12g}, lower bound = {sol.lower_bound:.12g}, gap = {sol.gap:.3g} "
          f"(relative {sol.rel_gap:.3g})")
    st = sol.stats
    print(f"status: {sol.status}; certified: {yes[sol.certified]} (patterns: {sol.pattern_source}, pool "
          f"{st.get('pool')}, working set {st.get('working_set')}, rounds {st.get('rounds')}); "
          f"{st.get('seconds', 0.0):.3f} s")
    print(f"neurons card(W): {sol.neurons}; φ(ν*) = {sol.phi:.12g}")
    print(f"y* = {_preview(sol.y_star)}")
    print(f"ν* = {_preview(sol.nu_star)} (convention R: ν* = y − y*)")
    if args.save_net is not None:
        print(f"saved net ψ(W) (width {net.width}): {args.save_net}")
    return 0


def _load_net_for(path, data, bias_flag):
    """The network of ``NET`` checked against ``DATA``; problems become one-line usage errors naming NET."""
    try:
        net = geom.load_net(path, bias=True if bias_flag else None)
    except InvalidInputError as exc:  # e.g. NaN/inf weights, alpha of the wrong shape
        raise UsageError(f"argument NET: expected finite weights U (m, d) and alpha (m,) in '{path}'; got "
                         f"{_one_line(exc)}") from None
    if net.input_dim != data.d:
        cols = net.U.shape[-1]
        hint = ""
        if not net.bias and cols == data.d + 1:
            hint = " (a bias column? pass --bias)"
        raise UsageError(f"argument NET: expected U of shape (m, {data.d + int(net.bias)}) to match DATA "
                         f"'{data.path}' (d = {data.d}{', bias last' if net.bias else ''}); got U of shape "
                         f"{net.U.shape} in '{path}'{hint}")
    return net


@command("certify", help="certify (or refute) the global optimality of a saved network (SPEC.md §C.3)", args=[
    arg("net", metavar="NET", help=".npz with U (m×d, bias last with --bias) and alpha (m,), e.g. from "
                                   "`solve --save-net`"),
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--beta", type=_beta_arg, default=None, metavar="B",
        help="weight decay β > 0 (default: the file's beta)"),
    arg("--bias", action="store_true",
        help="the last column of U is a regularized bias (default: the net file's 'bias' entry)"),
    arg("--patterns", choices=geom.PATTERN_SOURCES, default="exact",
        help="exact: all regions, can prove 'holds' (default); sampled: Gaussian directions, can only prove "
             "'violated'"),
    arg("--n-samples", type=_count_arg, default=100_000, metavar="N",
        help="directions drawn with --patterns sampled (default: 100000)"),
    arg("--seed", type=int, default=0, help="seed of --patterns sampled (default: 0)"),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
])
def _cmd_certify(args) -> int:
    data = load_data(args.data)
    beta, beta_source = _resolve_beta(args, data)
    net = _load_net_for(args.net, data, args.bias)
    cert = geom.certify_net(net, data.X, data.y, beta, patterns=args.patterns, n_samples=args.n_samples,
                            seed=args.seed)
    summary = {**cert.to_dict(), "net": args.net, "data": data.path, "n": data.n, "d": data.d,
               "width": net.width, "bias": net.bias, "beta": beta, "beta_source": beta_source,
               "seconds": round(float(cert.seconds), 6), "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
        return 0
    optimal = {True: "yes", False: "no", None: "undecided"}[cert.globally_optimal]
    print(f"{args.net}: width m = {net.width}{' (bias)' if net.bias else ''} on {data.path}: n = {data.n}, "
          f"d = {data.d}, β = {beta:g} (from {beta_source})")
    print(f"L_β = {cert.objective:.12g}, lower bound D(ν̃) = {cert.lower_bound:.12g}, gap = {cert.gap:.6g} "
          f"(relative {cert.rel_gap:.3g})")
    print(f"verdict: {cert.verdict} ({cert.reason}); globally optimal: {optimal}; patterns: {cert.pattern_source} "
          f"({cert.n_patterns})")
    escapes = summary["escapes"]
    if escapes:
        print(f"escape patterns: {summary['violating_patterns']} (a new neuron there lowers the objective)")
        for e in escapes[:5]:
            print(f"  {e['pattern']}  sign {'+' if e['sign'] > 0 else '−'}  dual value {e['value']:.6g} > β  "
                  f"direction {_preview(e['direction'], 6)}")
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

