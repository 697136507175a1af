"""Start `streamlit run app.py` headless on a free port and drive it with Playwright in Debian's Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def chromium_path() -> str | None:
    """Debian's chromium (a Playwright browser download cannot work here)."""
    for candidate in [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def require_chromium() -> str:
    """Chromium's path; without it skip with a reason, except under CI=true, where a missing browser fails."""
    import pytest

    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Chromium found (apt-get install -y chromium)")
        pytest.skip("no Chromium found at /usr/bin/chromium: apt-get install -y chromium")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(timeout: float = 60.0):
    """Yield the base URL of a freshly started server; stop it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"]
    cmd += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"streamlit did not become healthy: {proc.stdout.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_until_idle(page, timeout_ms: int = 60000) -> None:
    """Wait until the script run has finished (Streamlit's own e2e tests watch this attribute)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms)  # placeholders gone
    page.wait_for_timeout(700)  # Vega charts draw just after the last delta


def page_problems(page) -> list[str]:
    """Error or exception elements, and traceback text, currently on the page."""
    problems = [el.inner_text()[:300] for el in page.query_selector_all(ERROR_SELECTOR)]
    if "Traceback (most recent call last)" in page.inner_text("body"):
        problems.append("traceback text on page")
    return problems


def brush_input_space(page, chart) -> None:
    """Drag a rectangle inside the per-sample page's input-space panel (the right fifth of its linked chart)."""
    box = chart.bounding_box()
    x, y = box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.35
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 90, y + 80, steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)
