"""Reports: ``<suite>.json`` from the results, then Markdown, HTML and a figure rendered from that JSON.

The checks cite docs/theory.md sections.  The JSON (sorted keys,
``json``'s shortest round-trip float formatting, UTF-8, no NaN) is the single source; ``<suite>.md``,
``<suite>.html`` and ``<suite>_figure.png`` are rendered from the dictionary read back from it, never from live
objects, so any JSON can be re-rendered later (``python -m verify.report``).
Each report has a provenance header (version, git commit, backend, dtype, seeds, tolerances, date), a summary
table by theorem at the top, then one section per theorem: its figures (the report's ``"figures"``, drawn by
:mod:`verify.figures`; embedded in the self-contained HTML page), its checks with the violated, erroneous and
inconclusive ones first and in full (observed, expected, tolerance, margin, witness, details), the passing ones
folded when many, and its measurements (:mod:`verify._report_render`, :mod:`verify._report_html`).  Theorem
checks and consistency checks (``kind``, see :mod:`verify._result`) are counted apart; the verdict is decided
on both.  A results file of another schema (another version of the toolkit) is refused with a message saying
which (:func:`verify._suite.check_schema`).

The files of one report are written as one *set*: ``<suite>.json``, ``.md``, ``.html`` and ``_figure.png`` all
carry the same *run id* (the JSON field ``run_id``, a comment in the Markdown and the HTML, a PNG text chunk), and
a reader (:func:`check_report_set`, :func:`load_report`) refuses a directory whose files disagree.  The id is a
digest of the report's content, so writing the same result twice gives identical bytes.  :func:`write_report`
renders everything in memory, then, holding an exclusive ``fcntl.flock`` on ``<out_dir>/.lock``, writes the
set into a hidden temporary directory, records a journal ``.<suite>.commit.tmp`` (atomically) and moves the
files into place with :func:`os.replace` in a fixed order, then removes the journal and the temporary directory.
Two concurrent writers are serialized by the lock; a writer killed between two moves leaves the journal, and
the next writer or reader of that directory completes the moves (roll forward) before doing anything else; a
writer killed before the journal leaves the old set untouched and a temporary directory that the next one
removes.  (Without :mod:`fcntl`, i.e. on Windows, there is no lock; the journal still protects against kills.)

Examples
--------
>>> import tempfile, verify
>>> out = tempfile.mkdtemp()
>>> paths = write_report(verify.run_suite("patterns", cases=["spec-I1"]), out)
>>> sorted(paths)
['figure', 'html', 'json', 'md']
>>> check_report_set(out, "patterns") == load_report(paths["json"])["run_id"]
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import struct

from geom.datafiles import atomic_write
from geom.exceptions import DataFileError

from . import _report_render as _render
from ._report_html import render_html as _render_html
from ._result import count_by_kind, jsonable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["report_json", "load_report", "render_markdown", "render_html", "render_figure", "write_report",
           "render_from_json", "report_id", "check_report_set", "recover_reports", "read_run_id"]

_REQUIRED = ("schema", "suite", "counts", "results", "provenance")
#: Members of a report set, in the order they are moved into place (the JSON, the source, last).
_MEMBERS = ("figure", "html", "md", "json")
_PNG_KEY = "relu-landscape run_id"
_ID_RE = re.compile(rb"<!-- relu-landscape report \S+ run_id=([0-9a-f]+) -->")


def report_json(report) -> str:
    """The report's JSON text: sorted keys, 2-space indent, UTF-8 characters kept, strict (no NaN)."""
    d = report.to_dict() if hasattr(report, "to_dict") else report
    return json.dumps(jsonable(d), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def report_id(report: dict) -> str:
    """The run id of a report dictionary: its ``run_id`` field, else the digest that :func:`write_report` would
    store there (the first 16 hex digits of the SHA-256 of :func:`report_json` without ``run_id``).

    >>> report_id({"suite": "s"}) == report_id({"suite": "s", "run_id": report_id({"suite": "s"})})
    True
    """
    if isinstance(report.get("run_id"), str):
        return report["run_id"]
    body = {k: v for k, v in report.items() if k != "run_id"}
    return hashlib.sha256(report_json(body).encode("utf-8")).hexdigest()[:16]


def _report_dict(suite_result) -> dict:
    """The JSON dictionary written for ``suite_result``: its ``to_dict()`` with ``counts_by_kind`` and ``run_id``."""
    d = jsonable(suite_result.to_dict() if hasattr(suite_result, "to_dict") else suite_result)
    if not isinstance(d, dict) or not isinstance(d.get("suite"), str) or not isinstance(d.get("results"), list):
        raise DataFileError(f"Cannot write a report: expected a SuiteResult or a report dictionary with 'suite' "
                            f"and 'results'; got {type(suite_result).__name__}.")
    d["counts_by_kind"] = count_by_kind(d["results"])
    d.pop("run_id", None)
    d["run_id"] = report_id(d)
    return d


def _read_report(path: str) -> dict:
    """The report JSON at ``path`` (no recovery, no set check), or raise :class:`DataFileError`."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as exc:
        raise DataFileError(f"Report file '{path}' does not exist: expected a <suite>.json report; got no such "
                            "file.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"Report file '{path}' is not readable JSON: expected a <suite>.json report; got "
                            f"{type(exc).__name__}: {' '.join(str(exc).split())}.") from exc
    missing = [k for k in _REQUIRED if not isinstance(data, dict) or k not in data]
    if missing:
        raise DataFileError(f"Report file '{path}' is not a suite report: expected keys {list(_REQUIRED)}; got "
                            f"{'a ' + type(data).__name__ if not isinstance(data, dict) else 'no ' + repr(missing)}.")
    from ._suite import check_schema  # a report of another schema (another version) is refused, saying so

    return check_schema(data, source=path, name="path", func="verify.load_report")


def load_report(path, *, check_set: bool = True) -> dict:
    """Read a report JSON written by :func:`write_report`, or raise :class:`~geom.exceptions.DataFileError`.

    An interrupted commit in the file's directory is completed first (:func:`recover_reports`).  With
    ``check_set`` (default), the Markdown, HTML and figure next to it, where present, must carry the JSON's run
    id (:func:`check_report_set`); :func:`render_from_json` reads without that check, since it re-renders them.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    stem = os.path.basename(path)[:-5] if path.endswith(".json") else None
    if stem and os.path.isdir(directory):
        recover_reports(directory, stem)
    data = _read_report(path)
    if check_set and stem == data["suite"]:
        check_report_set(directory, data["suite"])
    return data


# ---- rendering (the content is in verify._report_render and verify._report_html) ----------------------------

def render_markdown(report: dict, figure_name: str | None = None) -> str:
    """The Markdown summary of a report dictionary (as read from the JSON); see :mod:`verify._report_render`."""
    return _render.render_markdown(report, figure_name, run_id=report_id(report))


def render_html(report: dict, figure_png: bytes | None = None) -> str:
    """The self-contained HTML page of a report dictionary (the summary figure ``figure_png`` and the report's
    ``"figures"`` embedded as base64 PNG); see :mod:`verify._report_html`."""
    return _render_html(report, figure_png, run_id=report_id(report))


def render_figure(report: dict) -> bytes | None:
    """The suite's summary figure as PNG bytes, carrying the run id in the text chunk ``relu-landscape run_id``;
    ``None`` without matplotlib (see :func:`verify._report_render.render_figure`)."""
    return _render.render_figure(report, {_PNG_KEY: report_id(report)})


# ---- writing: one set per run -------------------------------------------------------------------------------

def _names(suite: str) -> dict:
    return {"json": f"{suite}.json", "md": f"{suite}.md", "html": f"{suite}.html", "figure": f"{suite}_figure.png"}


def _journal(out_dir: str, suite: str) -> str:
    return os.path.join(out_dir, f".{suite}.commit.tmp")


def _pending_prefix(suite: str) -> str:
    return f".{suite}.pending-"


def _move(src: str, dst: str) -> None:
    """One step of a commit (a module-level function so that the tests can interrupt a commit here)."""
    os.replace(src, dst)


@contextlib.contextmanager
def _locked(out_dir: str):
    """Hold an exclusive ``flock`` on ``<out_dir>/.lock`` (removed on release; a waiter that wakes up on a removed
    file retries on the new one).  No lock where :mod:`fcntl` is missing or the directory is not writable (no
    writer can then be active there either)."""
    path = os.path.join(out_dir, ".lock")
    fd = None
    while fcntl is not None:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            fd = None
            break
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.path.samestat(os.stat(path), os.fstat(fd))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
        fd = None
    try:
        yield
    finally:
        if fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _roll_forward(out_dir: str, suite: str) -> bool:
    """Complete the commit recorded in the journal of ``suite`` (idempotent); ``True`` if there was one.  The lock
    must be held."""
    journal = _journal(out_dir, suite)
    try:
        with open(journal, encoding="utf-8") as f:
            plan = json.load(f)
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        plan = None  # written atomically, so never torn; unreadable means foreign: drop it
    names = set(_names(suite).values())
    ok = (isinstance(plan, dict) and isinstance(plan.get("pending"), str)
          and plan["pending"].startswith(_pending_prefix(suite)) and os.sep not in plan["pending"]
          and all(n in names for n in plan.get("move", []) + plan.get("remove", [])))
    if ok:
        pending = os.path.join(out_dir, plan["pending"])
        for name in plan["move"]:
            if os.path.exists(os.path.join(pending, name)):
                _move(os.path.join(pending, name), os.path.join(out_dir, name))
        for name in plan["remove"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(out_dir, name))
    os.unlink(journal)
    return True


def _clean_pending(out_dir: str, suite: str | None) -> None:
    """Remove the temporary directories of writers that died before their journal (the lock must be held, and
    the journals rolled forward: no live writer has one then)."""
    prefix = _pending_prefix(suite) if suite is not None else "."
    for name in os.listdir(out_dir):
        if name.startswith(prefix) and ".pending-" in name and name.endswith(".tmp"):
            shutil.rmtree(os.path.join(out_dir, name), ignore_errors=True)


def _suites_with_journals(out_dir: str) -> list[str]:
    return sorted(n[1:-len(".commit.tmp")] for n in os.listdir(out_dir)
                  if n.startswith(".") and n.endswith(".commit.tmp"))


def recover_reports(out_dir, suite: str | None = None) -> list[str]:
    """Complete interrupted commits in ``out_dir`` (of ``suite``, or of every suite) and remove the temporary
    files of writers that died before committing; return the suites whose commit was completed.

    Called by :func:`write_report`, :func:`load_report` and :func:`check_report_set`, so a killed writer never
    leaves a mixed set behind for them.  Does nothing in a directory it cannot write.

    >>> import tempfile
    >>> recover_reports(tempfile.mkdtemp())
    []
    """
    out_dir = os.fspath(out_dir)
    if not os.access(out_dir, os.W_OK):
        return []
    done = []
    with _locked(out_dir):
        for s in ([suite] if suite is not None else _suites_with_journals(out_dir)):
            if _roll_forward(out_dir, s):
                done.append(s)
        _clean_pending(out_dir, suite)
    return done


def _png_text(data: bytes) -> dict:
    """The ``tEXt`` chunks of a PNG before its image data."""
    out, pos = {}, 8
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return out
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind in (b"IDAT", b"IEND"):
            break
        if kind == b"tEXt":
            key, _, text = data[pos + 8:pos + 8 + length].partition(b"\0")
            out[key.decode("latin-1")] = text.decode("latin-1")
        pos += 12 + length
    return out


def _file_id(path: str) -> tuple[str | None, bool]:
    """``(run id, whether the file states it)`` of one report file (a JSON without ``run_id``: its digest)."""
    if path.endswith(".json"):
        data = _read_report(path)
        return report_id(data), isinstance(data.get("run_id"), str)
    with open(path, "rb") as f:
        data = f.read() if path.endswith(".png") else f.read(4096)
    if path.endswith(".png"):
        rid = _png_text(data).get(_PNG_KEY)
    else:
        m = _ID_RE.search(data)
        rid = m.group(1).decode("ascii") if m else None
    return rid, rid is not None


def read_run_id(path) -> str | None:
    """The run id embedded in one report file (``.json``, ``.md``, ``.html`` or ``.png``), or ``None``.

    The id of a JSON without a ``run_id`` field (written before run ids existed) is its digest, as for
    :func:`report_id`; a Markdown, HTML or PNG file without an id gives ``None``.
    """
    return _file_id(os.fspath(path))[0]


def check_report_set(out_dir, suite: str) -> str | None:
    """Check that the report files of ``suite`` in ``out_dir`` are one set; return its run id.

    Interrupted commits are completed first (:func:`recover_reports`).  Every present file among
    ``<suite>.json``, ``.md``, ``.html``, ``_figure.png`` must carry the same run id (:func:`read_run_id`).
    ``None`` is returned when no file is present, or when none states an id (files written before run ids
    existed: nothing to compare).

    Raises
    ------
    DataFileError
        The files come from different runs (their run ids are listed).
    """
    out_dir = os.fspath(out_dir)
    recover_reports(out_dir, suite)
    ids, stated = {}, False
    with _locked(out_dir) if os.access(out_dir, os.W_OK) else contextlib.nullcontext():
        for name in _names(suite).values():
            path = os.path.join(out_dir, name)
            if os.path.exists(path):
                ids[name], s = _file_id(path)
                stated |= s
    if not stated:
        return None
    if len(set(ids.values())) != 1:
        listing = ", ".join(f"{k}: {v or 'no run id'}" for k, v in sorted(ids.items()))
        raise DataFileError(f"Report files of suite '{suite}' in '{out_dir}' are not one set: expected the same "
                            f"run id in every file; got {listing}.")
    return next(iter(ids.values()))


def _commit(out_dir: str, suite: str, files: dict, run_id: str) -> dict:
    """Write ``files`` (``{kind: (name, bytes)}``) into ``out_dir`` as one set (see the module notes); a figure of
    an earlier set is removed when this one has none."""
    names = _names(suite)
    order = [k for k in _MEMBERS if k in files]
    with _locked(out_dir):
        for s in _suites_with_journals(out_dir):
            _roll_forward(out_dir, s)
        _clean_pending(out_dir, None)  # under the lock, every temporary directory is a dead writer's
        pending = os.path.join(out_dir, f"{_pending_prefix(suite)}{run_id}-{secrets.token_hex(4)}.tmp")
        journal_written = False
        try:
            os.mkdir(pending)
            for k in order:
                name, data = files[k]
                with open(os.path.join(pending, name), "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            plan = {"pending": os.path.basename(pending), "move": [files[k][0] for k in order],
                    "remove": [] if "figure" in files else [names["figure"]], "run_id": run_id}
            atomic_write(_journal(out_dir, suite), json.dumps(plan, sort_keys=True))
            journal_written = True
            _roll_forward(out_dir, suite)
        except BaseException:
            if journal_written:  # the new set is decided: complete it if the failure allows, else leave the journal
                with contextlib.suppress(Exception):
                    _roll_forward(out_dir, suite)
            if not os.path.exists(_journal(out_dir, suite)):
                shutil.rmtree(pending, ignore_errors=True)
            raise
        shutil.rmtree(pending, ignore_errors=True)
    return {k: os.path.join(out_dir, files[k][0]) for k in files}


def _render_set(report: dict) -> dict:
    """``{kind: (file name, bytes)}`` of the Markdown, HTML and figure of a report dictionary."""
    suite = report["suite"]
    names = _names(suite)
    png = render_figure(report)
    files = {}
    if png is not None:
        files["figure"] = (names["figure"], png)
    files["md"] = (names["md"], render_markdown(report, names["figure"] if png is not None else None).encode())
    files["html"] = (names["html"], render_html(report, png).encode("utf-8"))
    return files


def _make_dir(out_dir) -> str:
    out_dir = os.fspath(out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise DataFileError(f"Cannot create the report directory '{out_dir}': expected a writable location; "
                            f"got {type(exc).__name__}: {exc.strerror}.") from exc
    return out_dir


def _safe_commit(out_dir, suite, files, run_id) -> dict:
    try:
        return _commit(out_dir, suite, files, run_id)
    except OSError as exc:
        if isinstance(exc, DataFileError):
            raise
        raise DataFileError(f"Cannot write the report of suite '{suite}' into '{out_dir}': expected a writable "
                            f"directory; got {type(exc).__name__}: {exc.strerror or exc}.") from exc


def render_from_json(json_path, out_dir) -> dict:
    """Render ``<suite>.md``, ``<suite>.html`` and ``<suite>_figure.png`` into ``out_dir`` from a report JSON.

    They carry the JSON's run id.  If ``out_dir`` already holds another ``<suite>.json``, the JSON is copied
    along, so that the directory still holds one set; the paths written are returned.
    """
    report = load_report(json_path, check_set=False)
    out_dir = _make_dir(out_dir)
    suite = report["suite"]
    files = _render_set(report)
    target = os.path.join(out_dir, _names(suite)["json"])
    if os.path.exists(target) and not os.path.samefile(target, os.fspath(json_path)):
        with open(json_path, "rb") as f:
            files["json"] = (_names(suite)["json"], f.read())
    return _safe_commit(out_dir, suite, files, report_id(report))


def write_report(suite_result, out_dir) -> dict:
    """Write ``<out_dir>/<suite>.json`` and the ``.md``, ``.html`` and ``_figure.png`` rendered from it, as one set.

    Parameters
    ----------
    suite_result : SuiteResult or dict
        A :class:`~verify.SuiteResult` (or its ``to_dict()``).
    out_dir : str or os.PathLike
        Created if missing.

    Returns
    -------
    dict
        ``{"json", "md", "html", "figure"}`` → path (no ``"figure"`` without matplotlib; a figure of an earlier
        run is then removed, so that every file present belongs to this run).

    Raises
    ------
    DataFileError
        ``out_dir`` cannot be created or written.  The directory then holds either the previous set or this one
        (or the journal that the next reader or writer completes), never a mix.

    Notes
    -----
    The JSON gains ``counts_by_kind`` (:func:`~verify._result.count_by_kind`) and ``run_id`` (:func:`report_id`);
    the other files are rendered from the dictionary read back from the JSON text.
    """
    out_dir = _make_dir(out_dir)
    text = report_json(_report_dict(suite_result))
    report = json.loads(text)
    files = {"json": (_names(report["suite"])["json"], text.encode("utf-8")), **_render_set(report)}
    return _safe_commit(out_dir, report["suite"], files, report["run_id"])
