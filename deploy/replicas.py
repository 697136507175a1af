"""Serve Loss Lab from K `streamlit run app.py` replicas behind nginx with sticky sessions.

    python deploy/replicas.py                      # 2 replicas on http://0.0.0.0:8500
    python deploy/replicas.py --replicas 3 --port 8080 --host 127.0.0.1

One Streamlit process runs every session's Python in one interpreter (one GIL); replicas use more
cores. The replicas listen on free loopback ports; nginx (config from deploy/nginx.conf.template,
written to a temp dir with its pid and temp files) is the only public door. Ctrl-C or SIGTERM stops
everything. A replica that dies is reported and left down: nginx sends its visitors to the others.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")


class Stop(Exception):
    """Raised by the signal handlers so the `finally` below cleans up."""


def _stop(signum, _frame):
    raise Stop(signum)


def free_ports(k: int) -> list[int]:
    """K distinct free loopback ports (sockets held open together so none repeats)."""
    socks = [socket.socket() for _ in range(k)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_free(host: str, port: int) -> bool:
    """Whether nginx will be able to listen there (it also sets SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def render(template: str, tmp: Path, listen: str, ports: list[int]) -> str:
    """The nginx config for replicas on these loopback ports; replica i is called r{i} in the cookie."""
    addrs = [f"127.0.0.1:{p}" for p in ports]
    # One failed connect marks a replica down for 10 s, so a dead one costs each visitor one refused connect, not every request.
    server = "        server {} max_fails=1 fail_timeout=10s;"
    pinned = []
    for i, addr in enumerate(addrs):
        lines = [server.format(addr)] + [server.format(other)[:-1] + " backup;" for other in addrs if other != addr]
        pinned.append(f"    upstream lb_r{i} {{\n" + "\n".join(lines) + "\n    }")
    parts = {
        "@@TMP@@": str(tmp),
        "@@LISTEN@@": listen,
        "@@NEW_SERVERS@@": "\n".join(server.format(a) for a in addrs),
        "@@PINNED_UPSTREAMS@@": "\n".join(pinned),
        "@@POOL_MAP@@": "\n".join(f"        r{i} lb_r{i};" for i in range(len(addrs))),
        "@@SERVED_MAP@@": "\n".join(f'        "~(^|, ){re.escape(a)}$" r{i};' for i, a in enumerate(addrs)),
    }
    for key, value in parts.items():
        template = template.replace(key, value)
    return template


def healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def wait_healthy(urls: list[str], procs: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending:
        pending = [u for u in pending if not healthy(u)]
        dead = [p.args for p in procs if p.poll() is not None]
        if dead:
            raise SystemExit(f"exited while starting: {dead[0]}")
        if pending and time.monotonic() > deadline:
            raise SystemExit(f"not healthy after {timeout:.0f} s: {', '.join(pending)}")
        time.sleep(0.3)


def stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()  # nginx: fast shutdown (a graceful one would wait for every open websocket)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False)
    parser.add_argument("--replicas", type=int, default=2, help="number of streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="nginx's port (default 8500)")
    parser.add_argument("--host", default="0.0.0.0", help="nginx's address (default 0.0.0.0: reachable on the network)")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx", help="the nginx binary")
    parser.add_argument("--timeout", type=float, default=90, help="seconds to wait for every replica to be healthy")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if not os.path.exists(args.nginx):
        parser.error(f"no nginx at {args.nginx} (apt-get install -y nginx)")
    if not port_free(args.host, args.port):  # else the health check below could be answered by whatever holds the port
        parser.error(f"{args.host}:{args.port} is in use")

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    tmp = Path(tempfile.mkdtemp(prefix="losslab-nginx-"))
    tmp.chmod(0o711)  # nginx started as root runs its worker as nobody, which must reach its temp dirs in here
    procs: list[subprocess.Popen] = []
    try:
        ports = free_ports(args.replicas)
        # One cookie secret for all: a signed cookie (st.login, if ever used) then validates on whichever replica a visitor reaches.
        env = os.environ | {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        for i, port in enumerate(ports):
            cmd = [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ]
            # cwd=ROOT: each replica reads the repository's .streamlit/config.toml. Its stdout only repeats its own URL.
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
            print(f"replica r{i}: http://127.0.0.1:{port} pid {procs[-1].pid}", flush=True)

        # nginx only after the replicas answer: a refused connect would mark a replica down for fail_timeout.
        wait_healthy([f"http://127.0.0.1:{p}" for p in ports], procs, args.timeout)
        conf = tmp / "nginx.conf"
        conf.write_text(render(TEMPLATE.read_text(), tmp, f"{args.host}:{args.port}", ports))
        nginx = [args.nginx, "-p", str(tmp), "-c", str(conf), "-e", "stderr"]
        if subprocess.run([*nginx, "-t", "-q"]).returncode != 0:
            raise SystemExit(f"nginx rejected {conf}")
        procs.append(subprocess.Popen(nginx))
        print(f"nginx: pid {procs[-1].pid}, config {conf}", flush=True)

        local = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
        front = f"http://{local}:{args.port}"
        wait_healthy([front], procs, args.timeout)
        where = f" (listening on {args.host}:{args.port})" if local != args.host else ""
        print(f"Loss Lab: {front}{where} via nginx to {args.replicas} replicas; Ctrl-C stops everything", flush=True)

        reported = set()
        while True:
            if procs[-1].poll() is not None:
                raise SystemExit(f"nginx exited with code {procs[-1].returncode}")
            for i, p in enumerate(procs[:-1]):
                if p.poll() is not None and i not in reported:
                    reported.add(i)
                    print(f"replica r{i} exited with code {p.returncode}; nginx sends its visitors to the others", flush=True)
            if len(reported) == args.replicas:
                raise SystemExit("every replica has exited")
            time.sleep(0.5)
    except Stop:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(procs)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
