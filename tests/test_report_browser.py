"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``, installed by ``make setup`` when the
test extra is wanted) loads the page, and the test checks that the screenshot is not blank, that every figure
decoded (``img.complete && img.naturalWidth > 0``, and the page's own ``data-figures-loaded`` mark), and that the
page logged no console error, raised no exception and reported no failed load.

The browser is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``: JSON messages
separated by NUL bytes on file descriptors 3 and 4), so no websocket client is needed.  A control page with a
console error, an uncaught exception and a broken image shows that each detector can fail.  The tests skip,
saying why, only where no Chromium executable exists or it cannot start here.
"""

from __future__ import annotations

import base64
import io
import json
import os
import select
import shutil
import subprocess
import time

import numpy as np
import pytest

import verify
from verify import CheckResult, Figure, Measurement, Status, _report_html

#: Seconds allowed for the browser to start, load a page and answer.
TIMEOUT_S = 60.0
WIDTH, HEIGHT = 1280, 1600
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class _Browser:
    """A headless Chromium driven through the DevTools protocol on a pipe (one page, flattened session)."""

    def __init__(self, exe: str, profile: str):
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--remote-debugging-pipe",
                f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}"]
        # the browser reads commands on fd 3 and writes replies on fd 4: map them onto our stdin/stdout pipes
        self.proc = subprocess.Popen(["sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null', *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise TimeoutError("no answer from the browser" if left <= 0 else
                                   f"the browser exited with status {self.proc.returncode}")
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise TimeoutError("the browser closed its DevTools pipe")
                self.buf += chunk
        raw, _, self.buf = self.buf.partition(b"\0")
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.proc.stdin.write(json.dumps(msg).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str) -> dict:
        deadline = time.monotonic() + TIMEOUT_S
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})

    def load(self, url: str) -> dict:
        """Navigate, wait for the load event, and return what the page showed and logged."""
        self.events = []
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")
        probe = ("JSON.stringify({mark: document.documentElement.getAttribute('data-figures-loaded'),"
                 " images: Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]),"
                 " title: document.title, height: document.documentElement.scrollHeight})")
        page = json.loads(self.send("Runtime.evaluate", {"expression": probe, "returnByValue": True})["result"]
                          ["value"])
        page["screenshot"] = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
        self.send("Runtime.evaluate", {"expression": "0"})  # a round trip: console events sent so far are read
        page["errors"] = _errors(self.events)
        return page

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except Exception:  # already gone: nothing to close
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _errors(events) -> list[str]:
    """Console errors and warnings, uncaught exceptions and error log entries among DevTools events."""
    out = []
    for m in events:
        p = m.get("params", {})
        if m.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            out.append(f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description", "")))
                                                          for a in p.get("args", [])))
        elif m.get("method") == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append(f"exception: {d.get('exception', {}).get('description', d.get('text'))}")
        elif m.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = next((shutil.which(c) for c in _CANDIDATES if shutil.which(c)), None)
    if exe is None:
        pytest.skip("no Chromium executable on PATH (make setup installs Debian's chromium with the test extra)")
    b = _Browser(exe, str(tmp_path_factory.mktemp("chromium-profile")))
    try:
        b.open_page()
    except (TimeoutError, RuntimeError, OSError, ValueError) as exc:
        b.close()
        pytest.skip(f"Chromium ({exe}) cannot run here: {exc}")
    yield b
    b.close()


def _pixels(png: bytes) -> np.ndarray:
    Image = pytest.importorskip("PIL.Image")
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def _report_with_every_figure_kind() -> verify.SuiteResult:
    """A small suite result with a violated, an inconclusive, a consistency and an error check, a measurement,
    and one figure of every kind (plus one whose data are bad: drawn as a note, not an image)."""
    t = np.linspace(-2.0, 2.0, 41)
    figs = [
        Figure("c1", "arrangement2d", {"X": [[1, 0], [1, 1], [-0.5, 1]], "patterns": ["111", "011"],
                                       "witnesses": [{"u": [1, 0.2], "label": "u*"}]}, "docs/theory.md §B.2", "cells"),
        Figure("c1", "staircase", {"staircase": [{"m": 1, "components": 2, "isolated": 2},
                                                 {"m": 2, "components": 6, "isolated": 0}],
                                   "m_star": 1, "M_star": 1, "n": 2}, "docs/theory.md §E.2", "staircase"),
        Figure("c1", "polytope", {"vertices": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                                  "edges": [[0, 1], [1, 2], [2, 3]], "dim": 3}, "docs/theory.md §D.4", "polytope"),
        Figure("c1", "fits1d", {"x": t.tolist(), "curves": [{"label": "net", "y": np.maximum(t, 0).tolist()}],
                                "data_x": [-1, 1], "data_y": [0, 1]}, "docs/theory.md §G.3", "fits"),
        Figure("c1", "trajectories", {"steps": [0, 1, 2, 3], "p_star": 1.0, "series": [
            {"label": "seed 0", "objective": [3, 2, 1.5, 1.1], "patterns": [4, 4, 3, 3]}]},
               "docs/theory.md §F.5", "training"),
        Figure("c1", "ellipsoid", {"X": [[1, 0.2], [-0.3, 1]], "beta": 0.5, "y": [1, 1], "nu_star": [0.3, 0.3]},
               "docs/theory.md §C.1", "rectified ellipsoid"),
        Figure("c1", "series", {"x": [1, 2, 4], "series": [{"label": "error", "y": [0.3, 0.1, 0.2]}]},
               "docs/theory.md §A.3", "series"),
        Figure("c1", "series", {"x": [1, 2]}, "docs/theory.md §A.3", "bad data"),
    ]
    checks = [CheckResult("c1", f"value {i}", "docs/theory.md §B.2", Status.HOLDS, observed=i, expected=i)
              for i in range(15)]
    checks += [CheckResult("c1", "pattern set", "docs/theory.md §B.2", Status.VIOLATED, observed=["01"],
                           expected=["01", "11"], witness={"missing": ["11"]}),
               CheckResult("c2", "p* = p*_cvx", "docs/theory.md §A.3", Status.INCONCLUSIVE, observed=1.0,
                           expected=1.0, margin=1e-12, tolerance=1e-9),
               CheckResult("c2", "p* = L(ψ(W))", "docs/theory.md §A.3", Status.HOLDS, observed=1.0, expected=1.0,
                           kind="consistency"),
               CheckResult("c2", "demo checker", "—", Status.ERROR, details={"exception": "ValueError"})]
    return verify.SuiteResult(suite="browser-demo", description="every figure kind", results=tuple(checks),
                              measurements=(Measurement("c1", "recall", 0.5, theorem="docs/theory.md §B.4"),),
                              cases=("c1", "c2"), provenance=verify.provenance(seed=0), elapsed_s=0.0,
                              figures=tuple(figs))


def test_report_page_renders_in_chromium(browser, tmp_path):
    pytest.importorskip("matplotlib")
    paths = verify.write_report(_report_with_every_figure_kind(), tmp_path)
    page = browser.load(f"file://{paths['html']}")
    assert page["errors"] == []
    assert page["title"] == "relu-landscape report: browser-demo"
    # the summary figure and the 7 drawable figures; the bad one is a note, not an <img>
    assert len(page["images"]) == 8
    assert all(complete and w > 0 and h > 0 for complete, w, h in page["images"]), page["images"]
    assert page["mark"] == "8/8"
    assert page["height"] > HEIGHT  # a long page: sections below the fold
    px = _pixels(page["screenshot"])
    assert px.shape == (HEIGHT, WIDTH, 3)
    assert px.var() > 100.0  # not blank
    assert (px.min(axis=2) < 200).mean() > 0.01  # more than a few dark pixels: text and tables are drawn


def test_a_real_suite_report_renders_in_chromium(browser, tmp_path):
    """The default suite on one case: the figures its theorem generators yield, as the page shows them."""
    pytest.importorskip("matplotlib")
    result = verify.run_suite("quick", cases=["spec-I1"])
    paths = verify.write_report(result, tmp_path)
    page = browser.load(f"file://{paths['html']}")
    assert page["errors"] == []
    html = open(paths["html"], encoding="utf-8").read()
    n = len(page["images"])
    assert n == html.count("<img ") and n >= 1 + len(result.figures) - html.count("not drawn:")
    assert len(result.figures) >= 3 and page["mark"] == f"{n}/{n}"
    assert all(complete and w > 0 for complete, w, _ in page["images"])
    assert _pixels(page["screenshot"]).var() > 100.0


def test_the_browser_checks_can_fail(browser, tmp_path):
    """A control page: a console error, an uncaught exception and an image that does not decode are all seen, and a
    blank page gives a blank screenshot."""
    bad = tmp_path / "bad.html"
    script = _report_html._SCRIPT
    bad.write_text("<!DOCTYPE html><html><head>" + script + "</head><body>"
                   '<img alt="x" src="data:image/png;base64,AAAA">'
                   "<script>console.error('boom'); throw new Error('uncaught');</script></body></html>")
    page = browser.load(f"file://{bad}")
    assert any("boom" in e for e in page["errors"]), page["errors"]
    assert any("uncaught" in e for e in page["errors"]), page["errors"]
    assert page["mark"] == "0/1" and page["images"][0][1] == 0
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>")
    page = browser.load(f"file://{blank}")
    assert page["errors"] == [] and page["mark"] is None
    assert _pixels(page["screenshot"]).var() == 0.0
