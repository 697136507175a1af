"""deploy/replicas.py: two Streamlit replicas behind Debian's nginx, sticky by cookie, surviving a killed replica.

Speaks Streamlit's websocket protocol minimally: a BackMsg rerun_script, then ForwardMsgs until script_finished.
Without nginx the tests are skipped with a reason, except under CI=true, where a missing nginx fails.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.browser.server import free_port

ROOT = Path(__file__).resolve().parents[1]


def require_nginx() -> str:
    """nginx's path; without it skip with a reason, except under CI=true, where a missing nginx fails."""
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no nginx found (apt-get install -y nginx)")
        pytest.skip("no nginx found at /usr/sbin/nginx: apt-get install -y nginx")
    return path


@dataclass
class Deployment:
    proc: subprocess.Popen
    url: str = ""
    pids: dict[str, int] = field(default_factory=dict)  # replica name (r0, r1) -> pid
    ports: dict[str, int] = field(default_factory=dict)
    conf: Path | None = None
    lines: list[str] = field(default_factory=list)  # the script's stdout so far


@pytest.fixture(scope="module")
def deployment():
    nginx = require_nginx()
    port = free_port()
    cmd = [sys.executable, "deploy/replicas.py", "--replicas", "2", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--nginx", nginx, "--timeout", "45"]  # gives up before the fixture does, with its own message
    errors = tempfile.TemporaryFile()  # a file, not a pipe: nginx's error log must never block on a full pipe
    # Its own process group, so a failed test can still stop the script and all its children.
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True)
    d = Deployment(proc)

    def read_stdout():  # a thread, so a test can wait for a line without blocking on the pipe
        for line in proc.stdout:
            d.lines.append(line)

    threading.Thread(target=read_stdout, daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("Loss Lab: ") for line in d.lines):
            if proc.poll() is not None or time.monotonic() > deadline:
                errors.seek(0)
                pytest.fail(f"replicas.py did not start: {''.join(d.lines)}{errors.read().decode()[-2000:]}")
            time.sleep(0.2)
        for line in d.lines:
            if m := re.match(r"replica (r\d+): http://127.0.0.1:(\d+) pid (\d+)", line):
                d.ports[m[1]], d.pids[m[1]] = int(m[2]), int(m[3])
            elif m := re.match(r"nginx: pid \d+, config (\S+)", line):
                d.conf = Path(m[1])
        d.url = f"http://127.0.0.1:{port}"
        yield d
    finally:
        if proc.poll() is None:  # test_sigterm_stops_everything did not run: stop it the same way (it removes its temp dir)
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of its process group
        proc.wait()


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (Set-Cookie values joined by newlines) and body of a GET, errors included."""
    request = urllib.request.Request(url, headers={"Cookie": f"lb_replica={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            status, headers, body = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, headers, body = e.code, e.headers, e.read()
    return status, {"X-Replica": headers.get("X-Replica", ""), "Set-Cookie": "\n".join(headers.get_all("Set-Cookie") or [])}, body


@contextlib.contextmanager
def session(url: str, cookie: str):
    """A websocket session as a browser with this sticky cookie opens it (Origin included: Streamlit checks it)."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    headers = {"Cookie": f"lb_replica={cookie}", "Origin": url}
    with connect(ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None, open_timeout=20) as ws:
        yield ws


def run_page(ws, page: str = "", timeout: float = 45) -> list[ForwardMsg]:
    """Rerun the session's script on a page (the home page by default); its messages up to script_finished."""
    back = BackMsg()
    back.rerun_script.page_name = page
    ws.send(back.SerializeToString())
    messages, deadline = [], time.monotonic() + timeout
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
        messages.append(msg)
        if msg.WhichOneof("type") == "script_finished":
            assert msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            elements = [m.delta.new_element for m in messages if m.WhichOneof("type") == "delta"]
            assert not [e for e in elements if e.WhichOneof("type") == "exception"], "the script raised"
            return messages


def headings(messages: list[ForwardMsg]) -> list[str]:
    return [m.delta.new_element.heading.body for m in messages if m.delta.new_element.WhichOneof("type") == "heading"]


def test_health_page_and_assets_through_nginx(deployment):
    status, headers, body = get(f"{deployment.url}/_stcore/health")
    assert (status, body) == (200, b"ok")
    assert headers["X-Replica"] in deployment.pids
    assert f"lb_replica={headers['X-Replica']};" in headers["Set-Cookie"]  # a first visit is pinned

    status, _, html = get(f"{deployment.url}/")
    assert status == 200 and b'id="root"' in html
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', html)[1].decode()
    status, _, js = get(f"{deployment.url}/{script}")
    assert status == 200 and len(js) > 100_000  # bigger than nginx's buffers: it went through the temp dir


def test_new_visitors_spread_and_each_stays(deployment):
    first = {get(f"{deployment.url}/_stcore/health")[1]["X-Replica"] for _ in range(4)}
    assert first == {"r0", "r1"}, "cookie-less requests should be balanced over both replicas"
    for name in ["r0", "r1"]:
        for _ in range(5):
            _, headers, _ = get(f"{deployment.url}/_stcore/host-config", cookie=name)
            assert headers["X-Replica"] == name
            assert "lb_replica" not in headers["Set-Cookie"]  # already pinned: no new cookie


def test_sessions_and_their_media_stay_on_their_replica(deployment):
    with session(deployment.url, "r0") as race, session(deployment.url, "r1") as home:
        assert race.response.headers["X-Replica"] == "r0" and home.response.headers["X-Replica"] == "r1"
        messages = run_page(race, "loss_race")  # the preview draws decision regions with st.image
        assert headings(messages), "the race page drew no title"
        assert "Loss Lab" in headings(run_page(home))
        images = [i.url for m in messages for i in m.delta.new_element.imgs.imgs]  # empty for other messages
        assert images and images[0].startswith("/media/")
        status, headers, body = get(deployment.url + images[0], cookie="r0")
        assert (status, headers["X-Replica"]) == (200, "r0") and body[:4] == b"\x89PNG"  # the PNG as encoded
        # The same URL on the other replica is unknown: media files live in the memory of the session's replica.
        assert get(deployment.url + images[0], cookie="r1")[0] == 404


def test_killed_replica_loses_only_its_sessions(deployment):
    with session(deployment.url, "r0") as doomed, session(deployment.url, "r1") as survivor:
        run_page(doomed)
        run_page(survivor)
        os.kill(deployment.pids["r0"], signal.SIGKILL)
        with pytest.raises(ConnectionClosed):  # nginx closes the websocket of the dead replica's session
            while True:
                doomed.recv(timeout=10)
        assert "Loss Lab" in headings(run_page(survivor))  # the other session carries on

        # The dead replica's visitor reconnects (as the browser does): nginx fails over and re-pins the cookie.
        with session(deployment.url, "r0") as again:
            assert again.response.headers["X-Replica"] == "r1"
            assert "lb_replica=r1;" in again.response.headers["Set-Cookie"]
            assert "Loss Lab" in headings(run_page(again))
        status, headers, body = get(f"{deployment.url}/_stcore/health", cookie="r0")
        assert (status, headers["X-Replica"], body) == (200, "r1", b"ok")
    deadline = time.monotonic() + 5
    while not any(line.startswith("replica r0 exited") for line in deployment.lines) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any(line.startswith("replica r0 exited") for line in deployment.lines)
    assert deployment.proc.poll() is None  # still serving with one replica


def test_sigterm_stops_everything(deployment):
    deployment.proc.terminate()
    assert deployment.proc.wait(30) == 0
    for port in [int(deployment.url.rsplit(":", 1)[1]), deployment.ports["r1"]]:
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    assert deployment.conf is not None and not deployment.conf.parent.exists()  # its temp dir is gone
