"""The ``relu-landscape`` command line (also ``python -m verify``).

Subcommands (each one function registered with :func:`command`):

* ``patterns DATA``: exact activation patterns of a data file (docs/theory.md §B), a summary or ``--json``;
* ``solve DATA``: the convex program (C) (docs/theory.md §A.3) solved to a certified optimum: ``p*``, the duality gap,
  ``y*``, ``ν*`` (convention R), ``card(W)``; ``--save-net`` writes the scaled network ``ψ(W)`` (§A.5);
* ``certify NET DATA``: the global-optimality certificate of a saved network (docs/theory.md §C.3): objective, lower
  bound, gap, escape patterns and a verdict;
* ``polytope DATA``: the optimal polytope (docs/theory.md §D), ``m*``, ``M*`` and the staircase of connectivity (§E)
  with each statement's verdict and checked paths; ``--interpolate`` adds the continuum of optimal interpolators
  (§G); ``--figure`` writes the staircase figure;
* ``check NET DATA``: trained nets (one or a batch, ``.npz`` or a PyTorch ``state_dict``): scaled, minimal,
  nearly minimal, Clarke stationary and globally optimal verdicts with their figures (docs/theory.md §A.4, §C.3, §F);
* ``train DATA``: many nets at once by full-batch gradient descent (seeds × widths × scales), saved as one
  batch that ``check`` reads;
* ``landscape DATA``: the trained-net experiment (fraction reaching ``p*`` per width, stationary non-global
  points, next to ``m*``);
* ``run``: the verification suites (default ``quick``), here, in ``--jobs N`` processes or on a Dask cluster
  (``--scheduler``), reports written into ``--out`` after the run; exit status 0 when every check holds, 1 when
  one is violated or errors, 3 when one is inconclusive and none violated (:mod:`verify._cli_run`);
* ``report RESULTS.json``: the Markdown, HTML and figure of a results file re-rendered (exit status as ``run``);
* ``cases``: the registered instances.

``--json`` prints one JSON object instead of the summary, on every command.

β comes from ``--beta`` or else from the data file's ``beta``; a value that is not a finite number ``> 0`` is a
usage error.  ``solve`` and ``certify`` exit with status 0 whenever the computation completed, whatever its
outcome: the solver status (``optimal``, ``inaccurate``, ...) and the certificate's verdict (``holds``,
``violated``, ``inconclusive``) are *answers* about the user's data and network, printed and in ``--json``, not
failures of the tool (statuses 1 and 3 are reserved for ``run`` and ``report``, where a violated check means the
toolkit and the theory disagree).  Ctrl-C exits with status 130 and one line on stderr.

Bad input of any kind (missing, malformed or non-regular file, unknown option, invalid value, a network whose shape
does not fit the data, a domain error of the library) exits with status 2 and exactly one line on stderr starting
with ``relu-landscape: error:``.  Work that cannot finish is refused *before* it starts, with the same one line:
the exact enumerations of ``patterns``, ``solve`` and ``certify`` are refused beyond ``--max-patterns`` regions
(default 5,000,000; :func:`geom.enumerate_patterns` decides with the exact count when it is cheap, else with
Cover's bound ``C(m, r)``, ``m`` distinct hyperplanes of exact rank ``r``) or when their patterns would not fit in
half of this machine's memory; a bound above 100,000 is announced on stderr and a terminal shows a progress bar
with an ETA.  ``--n-samples`` is checked the same way.  Seeds are integers
``≥ 0`` (a negative seed is a usage error, not mapped).  Output files (``--save``, ``--save-net``, ``--out``) are
checked before any work and written atomically, so a failure leaves no partial file.

Adding a subcommand is one decorated function::

    @command("solve", help="solve the convex program (C) for a data file (docs/theory.md §A.3)",
             args=[arg("data", metavar="DATA"), arg("--beta", type=float, default=None)])
    def _cmd_solve(args) -> int:
        ...
        return 0

Examples
--------
>>> main(["cases", "--tag", "spec", "--tag", "bias"])
spec-I4  n=2 d=1 bias  docs/theory.md §I (I4)
spec-I5  n=4 d=1 bias  docs/theory.md §B.3, §I (I5)
spec-I7  n=3 d=1 bias  docs/theory.md §I (I7)
0
>>> main(["cases", "--tag", "certificate"])
spec-I9  n=2 d=1  docs/theory.md §I, I9 (and I1 for ψ(W*))
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

import geom
from geom.datafiles import atomic_write, check_writable, load_data, read_npz, real_array, save_npz_atomic
from geom.exact import exact_rank, integer_rows, primitive_direction
from geom.exceptions import DataFileError, GeomError, ProblemTooLargeError

from ._result import jsonable
from .figures import staircase_png

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
    except MemoryError as exc:  # the up-front checks are estimates: a failed allocation is still one line
        return _error(f"out of memory: {exc or 'an allocation failed'} (a smaller problem, --max-patterns or "
                      "--n-samples keeps within memory)")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    finally:
        warnings.showwarning = old


def _dumps(obj) -> str:
    return json.dumps(jsonable(obj), sort_keys=True, ensure_ascii=False, allow_nan=False)


# ---- argument types and up-front checks ----------------------------------------------------------------------

#: Default of ``--max-patterns``: the most regions an exact enumeration is started for (their exact count when
#: it is cheap, else Cover's bound; decided by :func:`geom.enumerate_patterns`).
DEFAULT_MAX_PATTERNS = 5_000_000
#: Cover's bounds from this size on are announced on stderr before the enumeration starts.
ANNOUNCE_PATTERNS = 100_000
#: Rows whose exact hyperplanes and rank are computed first, so that a hopeless input is refused quickly.
_PREFIX_ROWS = 16384
#: Fraction of the machine's memory that the arrays of one command may be estimated to take before it is refused.
MEMORY_FRACTION = 0.5


def _count_arg(text):
    """argparse type of counts (``--n-samples``, ``--max-patterns``): an integer ``≥ 1``; ``1e6`` is accepted
    when it denotes an integer."""
    try:
        value = int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            f = float("nan")
        if not (np.isfinite(f) and f == int(f)):
            raise argparse.ArgumentTypeError(f"expected an integer ≥ 1; got {text!r}") from None
        value = int(f)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1; got {text!r}")
    return value


def _seed_arg(text):
    """argparse type of ``--seed``: an integer ``≥ 0`` (NumPy's seeds; a negative seed is refused, not mapped)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 0; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 0; got {text!r}")
    return value


def _check_save_path(path, option="--save", suffix=".npz"):
    """Fail before any work if ``path`` (an ``.npz`` output) cannot be written; the message names ``option``."""
    try:
        check_writable(path, suffix=suffix)
    except DataFileError as exc:
        raise UsageError(f"argument {option}: {exc}") from None


def _memory_bytes() -> int:
    """Physical memory of this machine (or of its cgroup, if smaller), in bytes."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        total = 8 << 30
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            limit = f.read().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    except OSError:
        pass
    return int(total)


def _gib(nbytes) -> str:
    return f"{nbytes / 2**30:.3g} GiB"


def _check_memory(nbytes, what, remedy):
    budget = int(MEMORY_FRACTION * _memory_bytes())
    if nbytes > budget:
        raise ProblemTooLargeError(f"{what} would need about {_gib(nbytes)}, more than the {_gib(budget)} allowed "
                                   f"({MEMORY_FRACTION:g} of this machine's memory): refused before starting; "
                                   f"{remedy}.")


def _augmented(X, bias):
    return np.concatenate([X, np.ones((X.shape[0], 1), dtype=X.dtype)], axis=1) if bias else X


def _pattern_budget(X, bias, max_patterns, *, quiet=False) -> dict:
    """Cover's bound on the regions of ``X`` (``[X, 1]`` with ``bias``): checked against memory and announced.

    Cover's ``C(m, r)`` (``m`` distinct hyperplanes, exact rank ``r``) bounds the regions of any central
    arrangement; ``m`` and ``r`` are computed exactly, on the first rows first (the bound of some rows is at most
    the bound of all).  Beyond ``max_patterns`` nothing is decided here: :func:`geom.enumerate_patterns`
    (``max_patterns=``) refuses up front, with the exact count when it is cheap to compute.  Within it, patterns
    and witnesses that would not fit in memory are refused, and a bound of at least :data:`ANNOUNCE_PATTERNS` is
    announced on stderr.  Returns ``{"hyperplanes": m, "rank": r, "bound": C(m, r)}`` (``bound`` ``None`` when
    only a prefix was examined).
    """
    Xa = _augmented(X, bias)
    n, d = Xa.shape
    nz = np.flatnonzero(np.any(Xa != 0, axis=1))
    m = r = bound = 0
    for k in sorted({min(len(nz), _PREFIX_ROWS), len(nz)}):
        keys = {primitive_direction(row)[0] for row in integer_rows(Xa[nz[:k]])}
        m, r = len(keys), exact_rank(list(keys))
        bound = geom.cover_count(m, r)
        if bound > max_patterns:  # enumerate_patterns decides (and refuses) with the exact count if cheap
            return {"hyperplanes": m, "rank": r, "bound": bound if k == len(nz) else None}
    _check_memory(bound * (n + 8 * d), f"Up to {bound:,} patterns (Cover's bound C({m}, {r})) of {n} samples, "
                  "with their witnesses,", "lower --max-patterns or use fewer samples")
    if bound >= ANNOUNCE_PATTERNS and not quiet:
        print(f"{PROG}: note: up to {bound:,} regions (Cover's bound C({m}, {r})); enumerating them exactly "
              "(progress on a terminal)", file=sys.stderr)
    return {"hyperplanes": m, "rank": r, "bound": bound}


def _max_patterns_arg():
    return arg("--max-patterns", type=_count_arg, default=DEFAULT_MAX_PATTERNS, metavar="N",
               help="refuse, before starting, an exact enumeration of more than N regions (their exact count "
                    f"when cheap, else Cover's bound; default: {DEFAULT_MAX_PATTERNS:,})")


# ---- patterns ------------------------------------------------------------------------------------------------

@command("patterns", help="exact activation patterns diag(1[Xu ≥ 0]) of a data file (docs/theory.md §B)", args=[
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--bias", action="store_true", help="append a ones column to X (regularized bias, docs/theory.md §A.6)"),
    arg("--ties", choices=geom.TIES_OPTIONS, default="geq",
        help="geq: all patterns of 𝒟_≥ (default); regions: full-dimensional cells only (docs/theory.md §B.1)"),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
    arg("--save", metavar="FILE.npz", default=None, help="save patterns and witnesses to FILE.npz (atomic)"),
    arg("--stream", action="store_true",
        help="stream the regions in bounded memory (geom.iter_patterns, docs/theory.md §B.7): count them, or with "
             "--save write them chunk by chunk; needs --ties regions"),
    _max_patterns_arg(),
    arg("--quiet", action="store_true", help="no progress bar and no note on stderr"),
])
def _cmd_patterns(args) -> int:
    if args.save is not None:
        _check_save_path(args.save)
    if args.stream and args.ties != "regions":
        raise UsageError(f"argument --stream: needs --ties regions (the streamed set is the regions); got --ties "
                         f"{args.ties}")
    data = load_data(args.data)
    if args.stream:
        return _stream_patterns(args, data)
    budget = _pattern_budget(data.X, args.bias, args.max_patterns, quiet=args.quiet)
    P = geom.enumerate_patterns(data.X, bias=args.bias, ties=args.ties, progress=not args.quiet,
                                max_patterns=args.max_patterns)
    info = P.to_dict()
    regions = info.get("regions")  # the exact count (absent when it is not known exactly)
    if args.save is not None:
        extra = {} if regions is None else {"regions": regions}
        save_npz_atomic(args.save, patterns=P.patterns, witnesses=P.witnesses, count=P.count, rank=P.rank,
                        ties=np.str_(P.ties), bias=P.bias, certified=P.certified, **extra)
    summary = {**info, "data": data.path, "n": data.n, "d": data.d, "seconds": round(float(P.seconds), 6),
               "tie_only": None if regions is None else P.count - regions, "regions_bound": budget["bound"],
               "saved": args.save, "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
        return 0
    yes = {True: "yes", False: "no"}
    print(f"{data.path}: n = {data.n}, d = {data.d}{' + bias' if P.bias else ''}, rank {P.rank}")
    what = "patterns (ties=geq)" if P.ties == "geq" else "region patterns (ties=regions)"
    print(f"{what}: {P.count}, regions: {'unknown' if regions is None else regions}, tie-only: "
          f"{'unknown' if regions is None else summary['tie_only']}")
    print(f"general position: {yes[bool(P.general_position)]}; certified: {yes[bool(P.certified)]} "
          f"(count certificate: {P.count_certificate}); {P.seconds:.3f} s")
    if args.save is not None:
        print(f"saved: {args.save}")
    return 0


def _stream_patterns(args, data) -> int:
    """``patterns --stream``: count (or, with ``--save``, write) the regions without holding them."""
    if args.save is not None:
        S = geom.save_patterns_stream(data.X, args.save, bias=args.bias, progress=not args.quiet)
    else:
        S = geom.count_patterns(data.X, bias=args.bias, progress=not args.quiet)
    summary = {**S.to_dict(), "data": data.path, "n": data.n, "d": data.d, "saved": args.save, "streamed": True,
               "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
        return 0
    yes = {True: "yes", False: "no"}
    print(f"{data.path}: n = {data.n}, d = {data.d}{' + bias' if S.bias else ''}, rank {S.rank} (streamed)")
    print(f"region patterns: {S.count} in {S.n_chunks} chunk(s) of at most {S.chunk}; exact count "
          f"{S.exact_regions}; certified: {yes[bool(S.certified)]} (count certificate: {S.count_certificate}); "
          f"{S.seconds:.3f} s")
    if args.save is not None:
        print(f"saved: {args.save}")
    return 0


# ---- solve and certify (docs/theory.md §A.3, §C.3) ------------------------------------------------------------------

def _beta_arg(text):
    """argparse type of ``--beta``: a finite float ``> 0`` (``nan``, ``inf``, ``0`` and negatives are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0; got {text!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0; got {text!r}")
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
    writes it), read as safely as data files."""
    what = f"a .npz with a boolean array 'patterns' of shape (P, {n})"
    try:
        z = read_npz(path, ["patterns"], what="Patterns file", expected=what)
        P = real_array(path, "patterns", z["patterns"], what="Patterns file", expected=what)
    except DataFileError as exc:
        raise UsageError(f"argument --patterns-file: {exc}") from None
    if P.ndim != 2 or P.shape[1] != n or P.shape[0] == 0:
        raise UsageError(f"argument --patterns-file: expected {what} (n = rows of DATA); got shape {P.shape} in "
                         f"{path!r}")
    if not np.isin(P, (0, 1)).all():
        raise UsageError(f"argument --patterns-file: expected {what}; got values other than 0/1 in {path!r}")
    return P.astype(bool)


def _preview(v, k: int = 8) -> str:
    v = np.asarray(v, dtype=float)
    head = ", ".join(f"{x:.10g}" for x in v[:k])
    return f"[{head}{', …' if v.size > k else ''}]" + (f" ({v.size} entries)" if v.size > k else "")


@command("solve", help="solve the convex program (C) to a certified optimum (docs/theory.md §A.3, §C)", args=[
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--beta", type=_beta_arg, default=None, metavar="B",
        help="weight decay β > 0 (default: the file's beta)"),
    arg("--bias", action="store_true", help="regularized bias: X̃ = [X, 1] (docs/theory.md §A.6)"),
    arg("--interpolate", action="store_true",
        help="the β → 0 limit: minimum-norm exact fit (docs/theory.md §G.2); no --beta"),
    arg("--beta-path", type=_beta_arg, nargs="+", default=None, metavar="B",
        help="a regularization path: solve every β given (from the largest down, each warm-started from the "
             "last; one enumeration), and report p*, gap, certified and the active neurons and groups per β "
             "(the group-lasso sparsity picture, docs/theory.md §C.1); no --beta, --interpolate, --save-net"),
    arg("--patterns-file", metavar="FILE.npz", default=None,
        help="restrict (C) to the patterns of FILE.npz (array 'patterns', e.g. from `patterns --save`); the "
             "certificate then covers that pool only (certified: no)"),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
    arg("--save-net", metavar="FILE.npz", default=None,
        help="save the scaled network ψ(W) (U, alpha, bias) to FILE.npz (atomic); `certify` reads it"),
    _max_patterns_arg(),
    arg("--quiet", action="store_true", help="no summary, progress bar or note (errors, --json and --save-net "
                                             "still happen)"),
])
def _cmd_solve(args) -> int:
    if args.beta_path is not None:
        for flag, given in (("--beta", args.beta is not None), ("--interpolate", args.interpolate),
                            ("--save-net", args.save_net is not None)):
            if given:
                raise UsageError(f"argument --beta-path: not allowed with {flag} (a path has one net per β)")
    if args.save_net is not None:
        _check_save_path(args.save_net, "--save-net")
    if args.interpolate and args.beta is not None:
        raise UsageError("argument --interpolate: not allowed with --beta (the β → 0 limit has no β)")
    data = load_data(args.data)
    if args.beta_path is not None:
        return _solve_beta_path(args, data)
    if args.interpolate:
        beta, beta_source = None, "interpolate"
    else:
        beta, beta_source = _resolve_beta(args, data)
    d_eff = data.d + int(args.bias)  # polishing (docs/theory.md §C.4) builds dense d × d face bases
    _check_memory(8 * d_eff ** 2, f"Solving in dimension d = {d_eff} (dense {d_eff} × {d_eff} face bases of "
                  "the polishing step)", "reduce d, e.g. project X onto its row space (rank ≤ n) first")
    if args.patterns_file is not None:
        pool = _load_pattern_file(args.patterns_file, data.n)
    else:  # the exact regions, enumerated here so that their number is checked first and progress shown
        _pattern_budget(data.X, args.bias, args.max_patterns, quiet=args.quiet)
        pool = geom.enumerate_patterns(data.X, bias=args.bias, ties="regions", progress=not args.quiet,
                                       max_patterns=args.max_patterns)
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
    print(f"status: {sol.status}; certified: {yes[bool(sol.certified)]} (patterns: {sol.pattern_source}, pool "
          f"{st.get('pool')}, working set {st.get('working_set')}, rounds {st.get('rounds')}); "
          f"{st.get('seconds', 0.0):.3f} s")
    print(f"neurons card(W): {sol.neurons}; φ(ν*) = {sol.phi:.12g}")
    print(f"y* = {_preview(sol.y_star)}")
    print(f"ν* = {_preview(sol.nu_star)} (convention R: ν* = y − y*)")
    if args.save_net is not None:
        print(f"saved net ψ(W) (width {net.width}): {args.save_net}")
    return 0


def _solve_beta_path(args, data) -> int:
    """``solve --beta-path``: :func:`geom.solve_path` over the distinct βs, largest first."""
    betas = sorted(set(args.beta_path), reverse=True)
    if args.patterns_file is not None:
        pool = _load_pattern_file(args.patterns_file, data.n)
    else:
        _pattern_budget(data.X, args.bias, args.max_patterns, quiet=args.quiet)
        pool = geom.enumerate_patterns(data.X, bias=args.bias, ties="regions", progress=not args.quiet,
                                       max_patterns=args.max_patterns)
    path = geom.solve_path(data.X, data.y, betas, bias=args.bias, patterns=pool)
    if args.json:
        print(_dumps({**path.to_dict(), "data": data.path, "n": data.n, "d": data.d, "bias": bool(args.bias),
                      "patterns_file": args.patterns_file, "version": geom.__version__}))
        return 0
    if args.quiet:
        return 0
    print(f"{data.path}: n = {data.n}, d = {data.d}{' + bias' if args.bias else ''}, {len(betas)} values of β")
    print(f"{'beta':>12} {'p*':>16} {'rel gap':>10} {'certified':>9} {'neurons':>8} {'groups':>7}")
    for b, p, r, c, k, m in zip(path.betas, path.p_star, path.rel_gap, path.certified, path.neurons,
                                path.groups):
        print(f"{b:>12.4g} {p:>16.10g} {r:>10.2g} {'yes' if c else 'no':>9} {k:>8d} {m:>7d}")
    return 0


@command("polytope", help="optimal polytope, critical widths m*, M* and the staircase of connectivity "
                             "(docs/theory.md §D, §E, §G)", args=[
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--beta", type=_beta_arg, default=None, metavar="B",
        help="weight decay β > 0 (default: the file's beta)"),
    arg("--interpolate", action="store_true",
        help="the β → 0 limit (minimum-norm interpolation, docs/theory.md §G): also reports the continuum of optimal "
             "interpolators; no --beta"),
    arg("--bias", action="store_true", help="regularized bias: X̃ = [X, 1] (docs/theory.md §A.6)"),
    arg("--m-max", type=_count_arg, default=None, metavar="M",
        help="largest width of the staircase (default n + 2)"),
    arg("--max-vertices", type=_count_arg, default=100000, metavar="N",
        help="refuse polytopes with more than N vertices (default 100,000)"),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
    arg("--figure", metavar="FILE.png", default=None,
        help="write the staircase figure (components and isolated points against m) to FILE.png (atomic)"),
    _max_patterns_arg(),
    arg("--quiet", action="store_true", help="no summary, progress bar or note"),
])
def _cmd_polytope(args) -> int:
    if args.figure is not None:
        _check_save_path(args.figure, "--figure", suffix=".png")
    if args.interpolate and args.beta is not None:
        raise UsageError("argument --interpolate: not allowed with --beta (the β → 0 limit has no β)")
    data = load_data(args.data)
    beta, beta_source = (None, "interpolate") if args.interpolate else _resolve_beta(args, data)
    _pattern_budget(data.X, args.bias, args.max_patterns, quiet=args.quiet)
    pool = geom.enumerate_patterns(data.X, bias=args.bias, ties="regions", progress=not args.quiet,
                                   max_patterns=args.max_patterns)
    sol = geom.solve_convex(data.X, data.y, 0.0 if args.interpolate else beta, bias=args.bias, patterns=pool,
                            interpolate=args.interpolate)
    P = geom.optimal_polytope(sol, max_vertices=args.max_vertices)
    if P.m_star is not None and args.m_max is not None and args.m_max < P.m_star:
        raise UsageError(f"argument --m-max: expected an integer ≥ m* = {P.m_star}; got {args.m_max}")
    S = geom.staircase(P, m_max=args.m_max)
    info = P.to_dict()
    st = S.to_dict()
    result = {"data": data.path, "n": data.n, "d": data.d, "beta_source": beta_source,
              "p_star": info["p_star"], "certified": P.certified, "status": P.status, "reason": P.reason,
              "solution": {k: v for k, v in sol.to_dict().items() if k not in ("y_star", "nu_star")},
              **{k: info[k] for k in ("directions", "tightness_margin", "tightness", "vertex_margin", "vertices",
                                      "edges", "m_star", "M_star", "support_counts", "rank", "dim", "K", "y_star")},
              "staircase": [{"m": s["m"], "components": s["components"], "isolated": s["isolated"],
                             "connected": s["connected"], "convex_components": s["convex_components"],
                             "lifted": s["lifted"]} for s in st["staircase"]],
              "claims": st["claims"], "verdicts": st["verdicts"], "paths": st["paths"],
              "version": geom.__version__}
    if args.interpolate:
        result["continuum"] = geom.optimal_interpolators(P).to_dict()
    if args.figure is not None:
        png = staircase_png(result)
        if png is None:
            raise UsageError("argument --figure: nothing to draw (no staircase) or matplotlib is not installed")
        atomic_write(args.figure, png)
        result["figure"] = args.figure
    if args.json:
        print(_dumps(result))
        return 0
    if args.quiet:
        return 0
    yes = {True: "yes", False: "no"}
    what = "interpolation (β → 0)" if args.interpolate else f"β = {beta:g} (from {beta_source})"
    print(f"{data.path}: n = {data.n}, d = {data.d}{' + bias' if args.bias else ''}, {what}")
    print(f"p* = {sol.p_star:.12g}; polytope: {P.status}{' (' + P.reason + ')' if P.reason else ''}")
    print(f"tight directions K = {P.K} (from {len(P.tightness.pairs)} tight signed patterns), rank A = {P.rank}, "
          f"dim Q = {P.dim}; tightness margin {P.tightness_margin:.3g} (band {P.tightness.band:.3g})")
    counts = ", ".join(f"{P.support_counts[k]}×{k}" for k in sorted(P.support_counts))
    print(f"vertices: {len(P.vertices)} (support sizes: {counts or 'none'}); edges: {len(P.edges)}; "
          f"m* = {P.m_star}, M* = {P.M_star}")
    for s in st["staircase"]:
        print(f"  m = {s['m']:>3}: components {s['components']}, isolated {s['isolated']}, "
              f"connected {yes[bool(s['connected'])]}")
    for key, verdict in st["verdicts"].items():
        print(f"  {verdict:>14}  {geom.connectivity.CLAIMS[key]}")
    if args.interpolate:
        c = result["continuum"]
        print(f"continuum of optimal interpolators: {c['verdict']} (dim Q = {c['dim']}, functions differ by "
              f"{c['difference']})")
    if args.figure is not None:
        print(f"figure: {args.figure}")
    return 0


def _load_net_for(path, data, bias_flag):
    """The network of ``NET`` checked against ``DATA``; problems become one-line usage errors naming NET."""
    net = geom.load_net(path, bias=True if bias_flag else None)  # DataFileError names the file
    if net.input_dim != data.d:
        cols = net.U.shape[-1]
        hint = ""
        if not net.bias and cols == data.d + 1:
            hint = " (a bias column? pass --bias)"
        raise UsageError(f"argument NET: expected U of shape (m, {data.d + int(net.bias)}) to match DATA "
                         f"'{data.path}' (d = {data.d}{', bias last' if net.bias else ''}); got U of shape "
                         f"{net.U.shape} in '{path}'{hint}")
    return net


def _fmt(v, spec=".12g") -> str:
    """A number of a JSON summary (``None`` where the library gives no finite value)."""
    return "undefined" if v is None or isinstance(v, str) else format(v, spec)


@command("certify", help="certify (or refute) the global optimality of a saved network (docs/theory.md §C.3)", args=[
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
    arg("--seed", type=_seed_arg, default=0, help="seed (an integer ≥ 0) of --patterns sampled (default: 0)"),
    _max_patterns_arg(),
    arg("--json", action="store_true", help="print one JSON object instead of a summary"),
    arg("--quiet", action="store_true", help="no progress bar and no note on stderr"),
])
def _cmd_certify(args) -> int:
    data = load_data(args.data)
    beta, beta_source = _resolve_beta(args, data)
    net = _load_net_for(args.net, data, args.bias)
    if args.patterns == "exact":
        _pattern_budget(data.X, net.bias, args.max_patterns, quiet=args.quiet)
        patterns = geom.enumerate_patterns(data.X, bias=net.bias, ties="regions", progress=not args.quiet,
                                           max_patterns=args.max_patterns)
    else:
        d_eff = data.d + int(net.bias)
        _check_memory(args.n_samples * (8 * d_eff + data.n // 8 + 1) * 2, f"--n-samples {args.n_samples:,} "
                      f"directions in dimension {d_eff}", "lower --n-samples")
        patterns = "sampled"
    cert = geom.certify_net(net, data.X, data.y, beta, patterns=patterns, n_samples=args.n_samples,
                            seed=args.seed)
    summary = {**cert.to_dict(), "net": args.net, "data": data.path, "n": data.n, "d": data.d,
               "width": net.width, "bias": net.bias, "beta": beta, "beta_source": beta_source,
               "seconds": round(float(cert.seconds), 6), "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
        return 0
    optimal = {"holds": "yes", "violated": "no"}.get(cert.verdict, f"undecided ({cert.verdict})")
    print(f"{args.net}: width m = {net.width}{' (bias)' if net.bias else ''} on {data.path}: n = {data.n}, "
          f"d = {data.d}, β = {beta:g} (from {beta_source})")
    print(f"L_β = {_fmt(summary['objective'])}, lower bound D(ν̃) = {_fmt(summary['lower_bound'])}, gap = "
          f"{_fmt(summary['gap'], '.6g')} (relative {_fmt(summary['rel_gap'], '.3g')})")
    print(f"verdict: {cert.verdict} ({_one_line(cert.reason)}); globally optimal: {optimal}; patterns: "
          f"{cert.pattern_source} ({cert.n_patterns})")
    escapes = summary["escapes"]
    if escapes:
        print(f"escape patterns: {summary['violating_patterns']} (a new neuron there lowers the objective)")
        for e in escapes[:5]:
            print(f"  {e['pattern']}  sign {'+' if e['sign'] > 0 else '−'}  dual value {_fmt(e['value'], '.6g')} "
                  f"> β  direction {_preview(e['direction'], 6)}")
    return 0


# ---- check: trained nets (docs/theory.md §A.4, §C.3, §F) -----------------------------------------------------------

def _load_nets_for_check(path, data, bias_flag):
    """A net or a batch from ``.npz`` (``U`` (m, p) or (B, m, p), ``alpha`` (m,) or (B, m)) or a PyTorch
    ``state_dict`` file; one-line usage errors naming NET."""
    if path.endswith((".pt", ".pth")):
        net = geom.net_from_torch(path)
        if bias_flag and not net.bias:
            raise UsageError(f"argument --bias: the state_dict in '{path}' has no first-layer bias")
    else:
        what = "a .npz with U (m, p) or (B, m, p) and alpha (m,) or (B, m)"
        try:
            z = read_npz(path, ["U", "alpha"], optional=["bias"], what="Net file", expected=what)
            U = real_array(path, "U", z["U"], what="Net file", expected=what).astype(float)
            a = real_array(path, "alpha", z["alpha"], what="Net file", expected=what).astype(float)
        except DataFileError as exc:
            raise UsageError(f"argument NET: {exc}") from None
        if U.ndim not in (2, 3) or a.shape != U.shape[:-1]:
            raise UsageError(f"argument NET: expected {what}; got U {U.shape} and alpha {a.shape} in '{path}'")
        if not (np.all(np.isfinite(U)) and np.all(np.isfinite(a))):
            raise UsageError(f"argument NET: expected finite weights; got NaN or inf in '{path}'")
        bias = bool(bias_flag) or ("bias" in z and bool(np.asarray(z["bias"]).reshape(())))
        net = geom.Net(U, a, bias=bias)
    if net.input_dim != data.d:
        raise UsageError(f"argument NET: expected U with {data.d + int(net.bias)} columns to match DATA "
                         f"'{data.path}' (d = {data.d}{', bias last' if net.bias else ''}); got U of shape "
                         f"{net.U.shape} in '{path}'" + (" (a bias column? pass --bias)" if not net.bias and
                                                          net.U.shape[-1] == data.d + 1 else ""))
    return net


@command("check", help="check trained nets: scaled, minimal, nearly minimal, Clarke stationary, globally optimal "
                       "(docs/theory.md §A.4, §C.3, §F)", args=[
    arg("net", metavar="NET", help=".npz with U and alpha (a batch with a leading axis), or a PyTorch state_dict "
                                   "(.pt/.pth) of Sequential(Linear, ReLU, Linear(bias=False))"),
    arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
    arg("--beta", type=_beta_arg, default=None, metavar="B", help="weight decay β > 0 (default: the file's beta)"),
    arg("--torch-wd", type=_beta_arg, default=None, metavar="WD",
        help="PyTorch's weight_decay (converted to β with --reduction; instead of --beta)"),
    arg("--reduction", choices=("mean", "sum"), default="mean", help="MSELoss reduction of the PyTorch run"),
    arg("--bias", action="store_true", help="the last column of U is a regularized bias"),
    _max_patterns_arg(),
    arg("--json", action="store_true", help="print JSON (an object, or a list for a batch)"),
    arg("--quiet", action="store_true", help="no progress bar and no note on stderr"),
])
def _cmd_check(args) -> int:
    data = load_data(args.data)
    if args.torch_wd is not None:
        if args.beta is not None:
            raise UsageError("argument --torch-wd: not allowed with --beta (give one of them)")
        beta, beta_source = geom.beta_from_torch(args.torch_wd, data.n, reduction=args.reduction), "--torch-wd"
    else:
        beta, beta_source = _resolve_beta(args, data)
    nets = _load_nets_for_check(args.net, data, args.bias)
    _pattern_budget(data.X, nets.bias, args.max_patterns, quiet=args.quiet)
    pool = geom.enumerate_patterns(data.X, bias=nets.bias, ties="regions", progress=not args.quiet,
                                   max_patterns=args.max_patterns)
    results = geom.check_nets(nets, data.X, data.y, beta, patterns=pool)
    rows = [{**r.to_dict(), "net": args.net, "data": data.path, "beta": beta, "beta_source": beta_source}
            for r in results]
    if args.json:
        print(_dumps(rows if nets.U.ndim == 3 else rows[0]))
        return 0
    print(f"{args.net} on {data.path}: n = {data.n}, d = {data.d}, β = {beta:g} (from {beta_source})")
    for i, r in enumerate(results):
        label = f"net {i}: " if nets.U.ndim == 3 else ""
        print(f"{label}width {r.width}: scaled {r.scaled}, minimal {r.minimal}, nearly minimal {r.nearly_minimal}, "
              f"Clarke stationary {r.clarke_stationary} (residual {_fmt(r.clarke_residual, '.3g')}), globally "
              f"optimal {r.globally_optimal} (gap {_fmt(r.gap, '.3g')})")
    return 0


def _training_args(*, seeds: int, steps: int) -> list:
    """The arguments ``train`` and ``landscape`` share (data, β, the grid of nets, the optimizer)."""
    return [
        arg("data", metavar="DATA", help=".npz with X (n×d), y (n,), optional beta; or .csv (last column y)"),
        arg("--beta", type=_beta_arg, default=None, metavar="B",
            help="weight decay β > 0 (default: the file's beta)"),
        arg("--width", type=_count_arg, nargs="+", required=True, metavar="M", help="widths (one or several)"),
        arg("--seeds", type=_count_arg, default=seeds, metavar="K",
            help=f"seeds 0..K-1 per width and scale (default {seeds})"),
        arg("--steps", type=_count_arg, default=steps, metavar="T", help=f"gradient steps (default {steps})"),
        arg("--lr", type=_beta_arg, default=1e-2, metavar="η", help="step size (default 0.01)"),
        arg("--init-scale", type=_beta_arg, nargs="+", default=[1.0], metavar="s", help="initialization scales"),
        arg("--optimizer", choices=("gd", "momentum", "adam"), default="gd", help="update rule (default gd)"),
        arg("--bias", action="store_true", help="regularized bias: X̃ = [X, 1] (docs/theory.md §A.6)"),
    ]


@command("train", help="train many nets at once by full-batch gradient descent on L_β (seeds × widths × init "
                       "scales), saved as one batch", args=[
    *_training_args(seeds=1, steps=1000),
    arg("--backend", choices=("numpy", "torch", "cupy"), default="numpy",
        help="array library (torch/cupy use the GPU when present)"),
    arg("--out", metavar="NETS.npz", required=True, help="the trained batch (U (B, M, p), alpha (B, M), widths, "
                                                          "seeds, init_scales, objective trajectory), atomic"),
    arg("--json", action="store_true", help="print a JSON summary"),
    arg("--quiet", action="store_true", help="no progress bar"),
])
def _cmd_train(args) -> int:
    _check_save_path(args.out, "--out")
    data = load_data(args.data)
    beta, beta_source = _resolve_beta(args, data)
    run = geom.train_nets(data.X, data.y, beta, widths=args.width, seeds=range(args.seeds),
                          init_scales=args.init_scale, steps=args.steps, lr=args.lr, optimizer=args.optimizer,
                          bias=args.bias, backend=args.backend, progress=not args.quiet and sys.stderr.isatty())
    save_npz_atomic(args.out, U=run.U, alpha=run.alpha, bias=run.bias, widths=run.widths, seeds=run.seeds,
                    init_scales=run.init_scales, objective=run.objective, record_steps=run.record_steps,
                    patterns_in_use=run.patterns_in_use, beta=beta)
    summary = {"out": args.out, "nets": int(len(run.U)), "steps": args.steps, "beta": beta,
               "beta_source": beta_source, "backend": run.backend, "final_objective": run.final_objective.tolist(),
               "widths": run.widths.tolist(), "seeds": run.seeds.tolist(), "init_scales": run.init_scales.tolist(),
               "version": geom.__version__}
    if args.json:
        print(_dumps(summary))
    elif not args.quiet:
        print(f"trained {len(run.U)} nets ({args.optimizer}, {args.steps} steps, β = {beta:g}) on {data.path}; "
              f"final objective min {run.final_objective.min():.10g}, max {run.final_objective.max():.10g}; "
              f"saved: {args.out}")
    return 0


@command("landscape", help="train K nets per width and report which reach p* (certified), which are stationary "
                           "but not global, and the smallest width where all reach p*, next to m*", args=[
    *_training_args(seeds=8, steps=2000),
    _max_patterns_arg(),
    arg("--json", action="store_true", help="print one JSON object"),
    arg("--quiet", action="store_true", help="no note on stderr"),
])
def _cmd_landscape(args) -> int:
    data = load_data(args.data)
    beta, beta_source = _resolve_beta(args, data)
    _pattern_budget(data.X, args.bias, args.max_patterns, quiet=args.quiet)
    E = geom.landscape_experiment(data.X, data.y, beta, widths=args.width, seeds=range(args.seeds),
                                  init_scales=args.init_scale, steps=args.steps, lr=args.lr,
                                  optimizer=args.optimizer, bias=args.bias)
    out = {**E.to_dict(), "data": data.path, "beta": beta, "beta_source": beta_source, "steps": args.steps,
           "lr": args.lr, "optimizer": args.optimizer, "version": geom.__version__}
    if args.json:
        print(_dumps(out))
        return 0
    print(f"{data.path}: n = {data.n}, d = {data.d}, β = {beta:g} (from {beta_source}); p* = {E.p_star:.10g} "
          f"(certified: {'yes' if E.certified else 'no'}); m* = {E.m_star if E.m_star is not None else 'unknown'}")
    for r in E.rows:
        print(f"  width {r.width:>4}: {r.reached}/{r.runs} reach p*, {r.stationary_not_global} stationary but not "
              f"global, gaps {r.best_gap:.3g} .. {r.worst_gap:.3g}")
    print(f"smallest width where every run reached p*: {E.all_reach_width if E.all_reach_width else 'none'}")
    return 0


# ---- run, report, cases: in verify/_cli_run.py (registered on import) ---------------------------------------

from . import _cli_run  # noqa: E402,F401,I001  (registers run, report and cases)
