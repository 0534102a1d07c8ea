"""Render report.html in headless Chromium and check what a reader would see.

Three launches (each a few seconds): a ``--screenshot``, a ``--dump-dom``,
and one driven over the Chrome DevTools Protocol on ``--remote-debugging-pipe``
(plain pipes, no extra packages) to list every request the page makes and to
check the embedded map actually decoded.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import geopandas as gpd
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from sharedopt.report import write_outputs

CHROMIUM = shutil.which("chromium")
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (needs Debian's chromium package)"),
              pytest.mark.slow]  # a real browser

FIXTURES = Path(__file__).parent / "fixtures" / "report_mini"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
    "--enable-logging=stderr", "--v=0",
]
WIDTH, HEIGHT = 1280, 4000  # the static map now sits below the portfolio, alternatives and interactive map
TIMEOUT = 60


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    authorities = gpd.read_file(FIXTURES / "authorities.geojson").set_index("code")
    candidates = pd.read_csv(FIXTURES / "candidates.csv")
    out = tmp_path_factory.mktemp("browser") / "out"
    paths = write_outputs(
        out, formats={"html"}, authorities=authorities, candidates=candidates,
        portfolio=candidates[candidates["chosen"]], shares=pd.read_csv(FIXTURES / "shares.csv"),
        summary=json.loads((FIXTURES / "summary.json").read_text(encoding="utf-8")),
    )
    return paths["report.html"]


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """One headless run with a throwaway profile."""
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def green_pixels(image: np.ndarray) -> int:
    """Pixels clearly green (the map's shading), in an RGB(A) float image."""
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    return int(np.count_nonzero((g - r > 0.15) & (g - b > 0.08)))


def test_screenshot_shows_the_map(tmp_path, report_html):
    shot = tmp_path / "shot.png"
    result = run_chromium(tmp_path, f"--screenshot={shot}", report_html.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    assert "net::ERR" not in result.stderr
    image = mpimg.imread(shot)
    assert image.shape[:2] == (HEIGHT, WIDTH)
    assert float(image[..., :3].std()) > 0.05  # not a blank page
    assert green_pixels(image) > 20_000  # the map's shaded authorities rendered


def test_dom_has_tables_and_embedded_map(tmp_path, report_html):
    result = run_chromium(tmp_path, "--dump-dom", report_html.as_uri())
    dom = result.stdout
    assert 'id="alternatives"' in dom, result.stderr[-2000:]
    assert re.search(r'<img id="map" src="data:image/png;base64,', dom)
    assert "&lt;b&gt;Bold&lt;/b&gt; District" in dom and "<b>Bold</b>" not in dom
    assert "net::ERR" not in result.stderr


class PipeDevTools:
    """Minimal CDP client over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON)."""

    def __init__(self, profile: Path):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def remap_fds():  # runs in the child before exec
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        cmd = [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"]
        self.proc = subprocess.Popen(cmd, preexec_fn=remap_fds, close_fds=False, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._pending: list[dict] = []
        self._next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m, i=self._next_id: m.get("id") == i)
        assert "error" not in reply, reply
        return reply.get("result", {})

    def wait(self, predicate, timeout: float = 20.0) -> dict:
        """Next message matching ``predicate``; events seen earlier count too."""
        seen = next((event for event in self.events if predicate(event)), None)
        if seen is not None:
            return seen
        deadline = time.monotonic() + timeout
        while True:
            self._drain()
            while self._pending:
                message = self._pending.pop(0)
                if "method" in message:
                    self.events.append(message)
                if predicate(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no reply from chromium over the DevTools pipe")
            ready, _, _ = select.select([self._from_child], [], [], remaining)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self._buffer += chunk

    def _drain(self) -> None:
        """Move complete messages from the byte buffer to the pending queue."""
        *complete, self._buffer = self._buffer.split(b"\0")
        self._pending += [json.loads(part) for part in complete if part]

    def close(self) -> None:
        try:
            os.write(self._to_child, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - make sure the browser we started goes away
            self.proc.kill()
            self.proc.wait(timeout=10)
        finally:
            os.close(self._to_child)
            os.close(self._from_child)


def test_no_network_requests_and_map_decodes(tmp_path, report_html):
    cdp = PipeDevTools(tmp_path / "profile")
    try:
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Page", "Log", "Runtime"):
            cdp.call(f"{domain}.enable", session=session)
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=session)
        cdp.call("Page.navigate", {"url": report_html.as_uri()}, session=session)
        cdp.wait(lambda m: m.get("method") == "Page.loadEventFired")
        probe = ("JSON.stringify({w: document.getElementById('map').naturalWidth,"
                 " ok: document.getElementById('map').complete,"
                 " rows: document.querySelectorAll('#portfolio tbody tr').length,"
                 " rect: document.getElementById('map').getBoundingClientRect().toJSON()})")
        page = json.loads(cdp.call("Runtime.evaluate", {"expression": probe, "returnByValue": True},
                                   session=session)["result"]["value"])
        shot = cdp.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
    finally:
        cdp.close()

    methods = [e["method"] for e in cdp.events]
    urls = [e["params"]["request"]["url"] for e in cdp.events if e["method"] == "Network.requestWillBeSent"]
    assert urls and all(u.startswith(("file:", "data:")) for u in urls), urls
    assert "Network.loadingFailed" not in methods, [e for e in cdp.events if e["method"] == "Network.loadingFailed"]
    errors = [e["params"]["entry"] for e in cdp.events
              if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    assert errors == []  # e.g. no Content-Security-Policy violations
    assert page["ok"] and page["w"] > 500 and page["rows"] == 4

    png = tmp_path / "cdp.png"
    png.write_bytes(base64.b64decode(shot))
    image = mpimg.imread(png)
    r = page["rect"]
    crop = image[int(r["top"]):int(r["bottom"]), int(r["left"]):int(r["right"])]
    assert crop.size and float(crop[..., :3].std()) > 0.05
    assert green_pixels(crop) > 20_000


def test_interactive_map_click_highlights_the_partnership_members(tmp_path, report_html):
    """Click the first partnership button with a real mouse event: its members, and only they, light up."""
    portfolio = pd.read_csv(FIXTURES / "candidates.csv").query("chosen")
    expected = sorted(portfolio.iloc[0]["members"].split(";"))
    cdp = PipeDevTools(tmp_path / "profile")
    try:
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Page", "Log", "Runtime"):
            cdp.call(f"{domain}.enable", session=session)
        cdp.call("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1,
                                                      "uploadThroughput": -1}, session=session)
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=session)
        cdp.call("Page.navigate", {"url": report_html.as_uri()}, session=session)
        cdp.wait(lambda m: m.get("method") == "Page.loadEventFired")

        def evaluate(expression: str):
            return cdp.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                            session=session)["result"]["value"]

        n_areas = evaluate("document.querySelectorAll('#imap path.la').length")
        box = evaluate("(function(){var b=document.querySelector('#pship-list button');"
                       "b.scrollIntoView({block:'center'});return b.getBoundingClientRect().toJSON();})()")
        x, y = box["left"] + box["width"] / 2, box["top"] + box["height"] / 2
        for kind in ("mousePressed", "mouseReleased"):
            cdp.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
                     session=session)
        lit = evaluate("Array.from(document.querySelectorAll('#imap path.la.hl')).map(p => p.dataset.code).sort()")
        dim = evaluate("document.querySelectorAll('#imap path.la.dim').length")
        figures = evaluate("document.getElementById('pship-figures').textContent")
        hover = evaluate("(function(){var p=document.querySelector('#imap path.la');"
                         "p.dispatchEvent(new MouseEvent('mousemove',{clientX:10,clientY:10,bubbles:true}));"
                         "return document.getElementById('imap-tip').textContent;})()")
    finally:
        cdp.close()
    assert n_areas == 5
    assert lit == expected and dim == n_areas - len(expected)
    assert "NPV £" in figures and "Westdale" in figures
    assert hover.endswith("(pooled-spend share)") and ": NPV share £" in hover and "saving" not in hover
    errors = [e["params"]["entry"] for e in cdp.events
              if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    assert errors == []  # the script ran under the page's CSP (allowed by its hash)
