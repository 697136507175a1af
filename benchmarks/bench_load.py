"""Many visitors race at once: N sessions press Start on /loss_race within a second, spoken over Streamlit's websocket.

python -m benchmarks.bench_load [--sessions 30] [--seeds same|distinct] [--epochs 300] [--timeout 240] [--url URL] [--quick]

No browser: each Session sends the BackMsgs Streamlit 1.67's frontend sends and counts a frame per new progress text,
as bench_browser does in Chromium. Prints a table row and PASS/MISS against issue 12's targets; never gates.
"""

import argparse
import asyncio
import concurrent.futures
import math
import os
import resource
import statistics
import time
from dataclasses import replace
from urllib.parse import urlsplit

import pyarrow as pa
import torch

from benchmarks.tab import PAGE, Session
from core.config import TORCH_THREADS
from core.engine import Race
from core.presets import PRESETS
from tests.browser.server import ROOT, streamlit_server

TARGETS = {"same": (10, 20, 1), "distinct": (20, 40, 2)}  # Start → final frame median, max; first frame max (seconds)
RSS_TARGET = 1.5e9


def proc_tree(pid: int) -> list[int]:
    """This process and its descendants (the children of each of its threads)."""
    try:
        kids = [int(k) for t in os.listdir(f"/proc/{pid}/task") for k in open(f"/proc/{pid}/task/{t}/children").read().split()]
    except OSError:
        kids = []
    return [pid, *(p for kid in kids for p in proc_tree(kid))]


def usage(pids: list[int]) -> tuple[float, float]:
    """CPU seconds (user + system, reaped children included) and summed peak RSS (VmHWM, bytes) of these process trees."""
    cpu = rss = 0.0
    for pid in (p for root in pids for p in proc_tree(root)):
        try:
            cpu += sum(map(int, open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[11:15])) / os.sysconf("SC_CLK_TCK")
            rss += next(int(line.split()[1]) * 1024 for line in open(f"/proc/{pid}/status") if line.startswith("VmHWM:"))
        except (OSError, StopIteration):
            continue
    return cpu, rss


def server_pid(url: str) -> int:
    """Our child `streamlit run … --server.port PORT` that tests.browser.server started for this URL."""
    port = str(urlsplit(url).port)
    for pid in proc_tree(os.getpid())[1:]:
        if port in open(f"/proc/{pid}/cmdline", "rb").read().decode().split("\0"):
            return pid
    raise RuntimeError(f"no child process serves port {port}")


async def race(url: str, queries: list[str], epochs: int, timeout: float, pids: list[int]) -> dict:
    """Load every session's page, press Start in all of them at once, wait for every final frame (or the timeout)."""
    sessions = [Session(url, query, epochs) for query in queries]
    tasks = [asyncio.create_task(s.run()) for s in sessions]
    began, clicked, cpu = time.perf_counter(), None, 0.0
    try:
        async with asyncio.timeout(timeout):
            await asyncio.gather(*(s.loaded.wait() for s in sessions))
            clicked, cpu = time.perf_counter(), usage(pids)[0]
            await asyncio.gather(*(s.click() for s in sessions if s.start_id and not s.errors))
            await asyncio.gather(*(s.finished.wait() for s in sessions))
    except TimeoutError:
        pass
    ended, (cpu_now, rss) = time.perf_counter(), usage(pids)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"sessions": sessions, "load": (clicked or ended) - began, "end": ended, "cpu": cpu_now - cpu, "rss": rss}


def final_accuracy(table: bytes | None) -> dict[str, float] | None:
    """Per loss, 'final accuracy' from the Result table's Arrow bytes (None without such a table)."""
    frame = pa.ipc.open_stream(table).read_all().to_pandas() if table else None
    return dict(zip(frame["loss"], frame["final accuracy"])) if frame is not None and "final accuracy" in frame else None


def expected_accuracy(epochs: int, seed: int) -> dict[str, float]:
    """What `python -m core train` ends with for this session's configuration: train accuracy per loss at the last epoch."""
    race = Race(replace(PRESETS["Default"], epochs=epochs, seed=seed))
    race.advance(epochs)
    return {r["run"]: r["accuracy"] for r in race.history if r["epoch"] == race.epoch}


def secs(value: float) -> str:
    """Seconds, or 'timeout' for a session that never got there."""
    return "timeout" if math.isinf(value) else f"{value:.2f} s"


def report(args, result: dict, seeds: list[int], measured: bool) -> None:
    """The table row, then PASS/MISS against the targets for this seeds mode (set for N = 30)."""
    sessions, n = result["sessions"], len(result["sessions"])
    final = [s.done - s.clicked if s.done else math.inf for s in sessions]
    first = [s.first - s.clicked if s.first else math.inf for s in sessions]
    fps = [s.frames / ((s.done or result["end"]) - s.clicked) if s.clicked else 0.0 for s in sessions]
    errors, finished = sum(len(s.errors) for s in sessions), sum(s.done is not None for s in sessions)
    wanted = {seed for s, seed in zip(sessions, seeds) if s.result}  # once per seed, not per session: each is a Race
    expected = {seed: expected_accuracy(args.epochs, seed) for seed in wanted}
    matched = sum(bool(s.result) and final_accuracy(s.result) == expected[seed] for s, seed in zip(sessions, seeds))
    cpu, rss = (f"{result['cpu']:.1f} s", f"{result['rss'] / 1e6:.0f} MB") if measured else ("n/a", "n/a")
    print("| N sessions | seeds | finished | Start → final frame median / max | first frame median / max "
          "| frames/s per session median, min | server CPU | peak RSS | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {n} | {args.seeds} | {finished}/{n} | {secs(statistics.median(final))} / {secs(max(final))} "
          f"| {secs(statistics.median(first))} / {secs(max(first))} | {statistics.median(fps):.1f}, {min(fps):.1f} "
          f"| {cpu} | {rss} | {errors} |")  # fmt: skip
    for error in [error for s in sessions for error in s.errors][:5]:  # the first few: they tend to repeat
        print(f"  error: {error}")
    median_target, max_target, first_target = TARGETS[args.seeds]
    median = statistics.median(final)
    print(f"targets for N = 30, {args.seeds} seeds (informative at other N):")
    for ok, text in [
        (finished == n, f"every race finishes ({finished}/{n})"),
        (median <= median_target, f"Start → final frame median {secs(median)} <= {median_target} s"),
        (max(final) <= max_target, f"Start → final frame max {secs(max(final))} <= {max_target} s"),
        (max(first) <= first_target, f"first frame max {secs(max(first))} <= {first_target} s"),
        *([(min(fps) >= 1, f"frames per second min {min(fps):.2f} >= 1")] if args.seeds == "same" else []),
        (errors == 0, f"zero error elements ({errors})"),
        (result["rss"] <= RSS_TARGET if measured else None, f"server peak RSS {rss} <= 1.5 GB"),
        (matched == n, f"Result 'final accuracy' equals Race(config).advance({args.epochs}) ({matched}/{n} sessions)"),
    ]:  # fmt: skip
        print(f"  {'n/a ' if ok is None else 'PASS' if ok else 'MISS'}  {text}")  # n/a: --url without --server-pid
    clicks, media = [s.clicked for s in sessions if s.clicked] or [0], [sum(s.media[i] for s in sessions) for i in (0, 1)]
    print(f"(server runs {', '.join(sorted({s.script for s in sessions}))}; pages loaded in {result['load']:.1f} s; "
          f"Start pressed within {(max(clicks) - min(clicks)) * 1000:.0f} ms; server CPU counted from Start to the end; "
          f"media fetched {media[0]}, missing {media[1]}; "
          f"client CPU {sum(resource.getrusage(resource.RUSAGE_SELF)[:2]):.1f} s)")  # fmt: skip


def run_apart(coroutine):
    """asyncio.run in a thread of its own: the caller's thread may already run a loop (Playwright's, under pytest)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions (default 30)")
    parser.add_argument("--seeds", choices=["same", "distinct"], default="same", help="distinct: session i opens ?seed=i")
    parser.add_argument("--epochs", type=int, default=300, help="epochs per race (default 300, the Default preset)")
    parser.add_argument("--timeout", type=float, default=240, help="hard limit in seconds, page loads included (default 240)")
    parser.add_argument("--url", help="an already running server (e.g. nginx in front of replicas) instead of starting one")
    parser.add_argument("--server-pid", type=int, action="append", default=[], help="with --url: a server process to measure")
    parser.add_argument("--quick", action="store_true", help="2 sessions, 40 epochs, 45 s: a smoke run, verdicts mean nothing")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.epochs, args.timeout = 2, 40, 45
    torch.set_num_threads(TORCH_THREADS)  # expected results computed as the app computes them
    seeds = list(range(args.sessions)) if args.seeds == "distinct" else [PRESETS["Default"].seed] * args.sessions
    queries = [f"epochs={args.epochs}" + (f"&seed={seed}" if args.seeds == "distinct" else "") for seed in seeds]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs; "
          f"{args.sessions} sessions open /{PAGE}?{queries[-1]}")  # fmt: skip
    t = time.perf_counter()
    if args.url:  # VmHWM is each process's peak so far, which may predate this run
        result = run_apart(race(args.url.rstrip("/"), queries, args.epochs, args.timeout, args.server_pid))
    else:
        with streamlit_server() as url:
            result = run_apart(race(url, queries, args.epochs, args.timeout, [server_pid(url)]))
        for s in result["sessions"]:  # a free port can be taken by another server before ours binds it
            if s.script and s.script != str(ROOT / "app.py"):
                s.errors.append(f"answered by a server running {s.script}, not this checkout's")
    report(args, result, seeds, measured=not args.url or bool(args.server_pid))
    print(f"(whole benchmark {time.perf_counter() - t:.1f} s, shared machine: compare runs, don't quote)")
    return 0


if __name__ == "__main__":
    main()
