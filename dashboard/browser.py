"""Open the dashboard in headless Chromium over the DevTools protocol: log in with the session
cookie, wait for every chart, record the chart-data answers, find errors, take a screenshot.

Used by the dashboard test (tests/dashboard) and by `superset_ctl.py screenshot`.
Chromium is Debian's `chromium` package; `ensure_chromium()` installs it when missing.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websocket  # websocket-client

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--lang=fr-FR",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return None


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (CI runs as root)."""
    path = chromium_path()
    if path:
        return path
    if os.geteuid() != 0:
        raise RuntimeError("chromium is not installed; run: sudo apt-get install -y chromium")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    t0 = time.perf_counter()
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    # Without the recommended extras (printing, audio, mDNS daemons...); with a text font.
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium",
                    "fonts-liberation"], check=True, env=env, stdout=subprocess.DEVNULL)
    print(f"installed chromium in {time.perf_counter() - t0:.0f} s")
    path = chromium_path()
    if not path:
        raise RuntimeError("apt-get installed chromium but it is not on PATH")
    return path


@dataclass
class ChartResponse:
    slice_id: int | None
    status: int
    body: dict | None
    request: dict | None


@dataclass
class PageReport:
    charts: list[dict] = field(default_factory=list)  # CHARTS_JS: id, viz, name, drawn, error
    chart_responses: list[ChartResponse] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # timeouts, failed requests
    console_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Chromium:
    """One headless Chromium with one page, driven over the DevTools websocket."""

    def __init__(self, width: int = 1680, height: int = 1200):
        self.binary = ensure_chromium()
        self.profile = Path(tempfile.mkdtemp(prefix="arw-chromium-"))
        self.proc = subprocess.Popen(
            [self.binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.width, self.height = width, height
        self._id = 0
        self.events: list[dict] = []
        try:
            self.ws = self._connect()
        except Exception:
            self.close()
            raise

    def _connect(self, timeout: float = 30) -> websocket.WebSocket:
        port_file = self.profile / "DevToolsActivePort"
        t0 = time.time()
        while not port_file.exists() or len(port_file.read_text().split()) < 2:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.proc.returncode}")
            if time.time() - t0 > timeout:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        import urllib.request
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                pages = [p for p in json.load(r) if p.get("type") == "page"]
            if pages:
                break
            if time.time() - t0 > timeout:
                raise RuntimeError("chromium opened no page")
            time.sleep(0.1)
        return websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60,
                                           suppress_origin=True)

    def send(self, method: str, **params) -> dict:
        self._id += 1
        msg_id = self._id
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def pump(self, seconds: float) -> None:
        """Collect events for a while."""
        self.ws.settimeout(0.2)
        end = time.time() + seconds
        try:
            while time.time() < end:
                try:
                    msg = json.loads(self.ws.recv())
                except websocket.WebSocketTimeoutException:
                    continue
                if "method" in msg:
                    self.events.append(msg)
        finally:
            self.ws.settimeout(60)

    def evaluate(self, expression: str):
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"page script failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    def close(self) -> None:
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, 15)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, 9)
                    self.proc.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Every chart of the page: its id, type, whether it drew something, the error it shows if any.
CHARTS_JS = """(() => Array.from(document.querySelectorAll('[data-test="chart-grid-component"]')).map((el) => {
  const alert = el.querySelector('.ant-alert-error, [role="alert"]');
  const container = el.querySelector('[data-test="chart-container"]');
  return {
    id: Number(el.getAttribute('data-test-chart-id')),
    viz: el.getAttribute('data-test-viz-type'),
    name: el.getAttribute('data-test-chart-name'),
    loading: !!el.querySelector('.loading, [aria-label="Loading"], [data-test="loading-indicator"]'),
    drawn: !!(container && container.querySelector('canvas, svg, table, .header-line')),
    error: alert ? alert.innerText.trim().slice(0, 500) : null,
  };
}))()"""

# Bottom of the last dashboard component: the screenshot stops there.
HEIGHT_JS = """Math.ceil(Math.max(...Array.from(document.querySelectorAll(
  '.dashboard-component-chart-holder')).map((el) => el.getBoundingClientRect().bottom + window.scrollY),
  600) + 24)"""


def open_dashboard(url: str, session_cookie: str, screenshot: Path | None, *,
                   expected_charts: int, timeout: float = 180, width: int = 1680,
                   height: int = 6400) -> PageReport:
    """Load the dashboard logged in, wait until every chart has drawn or failed, and report
    what the page fetched from the chart-data API and what each chart shows.

    The viewport is as tall as the dashboard, so every chart is in view (rendered, and in the
    screenshot) without scrolling.
    """
    report = PageReport()
    t0 = time.time()
    with Chromium(width=width) as browser:
        browser.send("Network.enable", maxPostDataSize=1_000_000)
        browser.send("Page.enable")
        browser.send("Runtime.enable")
        browser.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                     deviceScaleFactor=1, mobile=False)
        host = url.split("/")[2].split(":")[0]
        browser.send("Network.setCookie", name="session", value=session_cookie, domain=host,
                     path="/", httpOnly=True)
        browser.send("Page.navigate", url=url)
        requests_by_id: dict[str, dict] = {}
        finished: set[str] = set()
        status: dict[str, int] = {}
        settled_since = None
        charts: list[dict] = []
        while time.time() - t0 < timeout:
            browser.pump(1.0)
            for ev in browser.events:
                method, p = ev["method"], ev.get("params", {})
                if method == "Network.requestWillBeSent" and "/api/v1/chart/data" in p["request"]["url"]:
                    requests_by_id[p["requestId"]] = p["request"]
                elif p.get("requestId") not in requests_by_id:
                    if method == "Runtime.consoleAPICalled" and p.get("type") == "error":
                        report.console_errors.append(" ".join(
                            str(a.get("value", a.get("description", ""))) for a in p.get("args", []))[:300])
                elif method == "Network.responseReceived":
                    status[p["requestId"]] = p["response"]["status"]
                elif method == "Network.loadingFinished":
                    finished.add(p["requestId"])
                elif method == "Network.loadingFailed":
                    finished.add(p["requestId"])
                    status.setdefault(p["requestId"], 0)
            browser.events.clear()
            charts = browser.evaluate(CHARTS_JS) or []
            done = (len(charts) >= expected_charts and finished >= set(requests_by_id)
                    and all((c["drawn"] or c["error"]) and not c["loading"] for c in charts))
            if done:
                settled_since = settled_since or time.time()
                if time.time() - settled_since > 2:  # let the last charts finish painting
                    break
            else:
                settled_since = None
        else:
            report.problems.append(
                f"timeout after {timeout:.0f} s: {len(charts)} charts on the page, "
                f"{len(finished)} of {len(requests_by_id)} chart-data requests finished, not drawn: "
                f"{[c['name'] for c in charts if not c['drawn']]}")
        report.charts = browser.evaluate(CHARTS_JS) or []
        for rid, req in requests_by_id.items():
            body = None
            if rid in finished and status.get(rid):
                try:
                    raw = browser.send("Network.getResponseBody", requestId=rid)
                    text = base64.b64decode(raw["body"]).decode() if raw.get("base64Encoded") else raw["body"]
                    body = json.loads(text)
                except (RuntimeError, ValueError):
                    body = None
            post = None
            if req.get("postData"):
                post = json.loads(req["postData"])
            elif req.get("hasPostData"):
                try:
                    post = json.loads(browser.send("Network.getRequestPostData", requestId=rid)["postData"])
                except (RuntimeError, ValueError):
                    post = None
            slice_id = ((post or {}).get("form_data") or {}).get("slice_id")
            report.chart_responses.append(ChartResponse(slice_id, status.get(rid, 0), body, post))
        if screenshot is not None:
            page_height = int(browser.evaluate(HEIGHT_JS))
            if page_height > height:  # taller than planned: grow the viewport and let charts resize
                browser.send("Emulation.setDeviceMetricsOverride", width=width,
                             height=min(page_height, 16000), deviceScaleFactor=1, mobile=False)
                browser.pump(3.0)
            shot = browser.send("Page.captureScreenshot", format="png",
                                clip={"x": 0, "y": 0, "width": width,
                                      "height": min(page_height, 16000), "scale": 1})
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
    report.seconds = time.time() - t0
    return report
