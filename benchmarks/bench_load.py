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
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core.config import TORCH_THREADS
from core.engine import Race
from core.presets import PRESETS
from tests.browser.server import ROOT, streamlit_server

PAGE, START_KEY = "loss_race", "race.start"
FINISHED = ForwardMsg.ScriptFinishedStatus
TARGETS = {"same": (10, 20, 1), "distinct": (20, 40, 2)}  # Start → final frame median, max; first frame max (seconds)
RSS_TARGET = 1.5e9
MEDIA_CONNECTIONS = 6  # a browser opens at most 6 HTTP/1.1 connections per host
WIDGETS = {"number_input", "slider", "selectbox", "multiselect", "text_input", "text_area", "checkbox", "toggle"}


def widget_state(el) -> tuple[WidgetState, bool] | None:
    """The value a browser holds for a drawn widget and whether the server set it; None for other elements."""
    kind = el.WhichOneof("type")
    if kind not in WIDGETS:
        return None
    w = getattr(el, kind)
    state = WidgetState(id=w.id)
    if kind == "number_input":
        value = w.value if w.set_value else w.default
        setattr(state, *(("double_value", value) if w.data_type == NumberInput.FLOAT else ("int_value", int(value))))
    elif kind == "slider":
        state.double_array_value.data.extend(w.value if w.set_value else w.default)
    elif kind == "multiselect":
        state.string_array_value.data.extend(w.raw_values if w.set_value else [w.options[i] for i in w.default])
    elif kind == "selectbox":
        state.string_value = w.raw_value if w.set_value else w.options[w.default] if w.HasField("default") else ""
    else:  # text_input, text_area, checkbox, toggle
        setattr(state, "bool_value" if kind in ("checkbox", "toggle") else "string_value", w.value if w.set_value else w.default)
    return state, w.set_value


class Session:
    """One browser tab on the race page, doing on the wire what Streamlit 1.67's frontend (App.tsx) does."""

    def __init__(self, base: str, query: str, epochs: int):
        self.base, self.query, self.final = base, query, f"Epoch {epochs} of {epochs}"
        self.cache: dict[str, list] = {}  # ForwardMsg cache: hash -> [bytes, run count when last used, fragment id]
        self.runs, self.max_age, self.fresh = 0, 2, False
        self.widgets, self.seen, self.timers, self.fetches = {}, set(), {}, set()
        self.page_hash, self.start_id, self.progress, self.script, self.cookie = "", None, None, "", ""
        self.clicked = self.first = self.done = self.result = None
        self.frames, self.errors, self.media = 0, [], [0, 0]  # media: fetched, missing
        self.loaded, self.finished, self.slots = asyncio.Event(), asyncio.Event(), asyncio.Semaphore(MEDIA_CONNECTIONS)

    async def run(self) -> None:
        """Connect, ask for the page as a first visit does, then handle every ForwardMsg until closed."""
        url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
        try:  # subprotocols as the browser's: "streamlit", then an auth token (a placeholder without the XSRF cookie)
            async with connect(url, subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"], origin=self.base, max_size=None,
                               ping_interval=None) as self.ws:  # fmt: skip
                # A sticky balancer (deploy/replicas.py) pins this session with a cookie: media must follow it.
                self.cookie = "; ".join(c.split(";")[0] for c in self.ws.response.headers.get_all("Set-Cookie"))
                await self.send_rerun()
                async for raw in self.ws:
                    self.handle(self.resolve(ForwardMsg.FromString(raw), raw))
        except Exception as err:  # a failed session is a result, not a crash
            self.errors.append(f"{type(err).__name__}: {err}")
        finally:
            self.stop_timers(list(self.timers))
            self.loaded.set()
            self.finished.set()

    def resolve(self, msg: ForwardMsg, raw: bytes) -> ForwardMsg:
        """ForwardMsgCache: keep cacheable messages; a `ref_hash` stands for one kept, with the reference's metadata."""
        if msg.HasField("ref_hash"):
            if msg.ref_hash not in self.cache:
                raise RuntimeError(f"cached ForwardMsg miss for {msg.ref_hash}")  # fatal in the browser too
            self.cache[msg.ref_hash][1] = self.runs
            full = ForwardMsg.FromString(self.cache[msg.ref_hash][0])
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            self.cache.setdefault(msg.hash, [raw, self.runs, msg.delta.fragment_id])[1] = self.runs
        return msg

    async def send_rerun(self, fragment_id: str = "", trigger: str | None = None, auto: bool = False) -> None:
        """sendRerunBackMsg: the URL's query, every widget value the tab holds (plus a one-off trigger), cached hashes."""
        state = ClientState(query_string=self.query, page_script_hash=self.page_hash, fragment_id=fragment_id, is_auto_rerun=auto)
        state.page_name = "" if self.page_hash else PAGE  # until the server names the page, the browser sends its URL path
        state.widget_states.SetInParent()  # present even when empty, as the browser sends it
        state.widget_states.widgets.extend(self.widgets.values())
        if trigger:
            state.widget_states.widgets.add(id=trigger, trigger_value=True)
        state.cached_message_hashes.extend(self.cache)
        ctx = state.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale, ctx.is_embedded, ctx.color_scheme = "UTC", 0, "en-US", False, "light"
        ctx.url = f"{self.base}/{PAGE}"  # the browser's URL without its query
        self.fresh = False  # a script_finished before the next NewSession belongs to an older run
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())

    async def click(self) -> None:
        """Press Start: its trigger goes out once, with the other widgets' values."""
        self.clicked = time.perf_counter()
        await self.send_rerun(trigger=self.start_id)

    def handle(self, msg: ForwardMsg) -> None:
        """App.handleMessage for the types that change what a tab sends or shows (session_status_changed does neither)."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.fresh, self.max_age = True, msg.new_session.config.max_cached_message_age
            self.script = msg.new_session.main_script_path
            if not msg.metadata.run.fragment_ids:  # a full run: the browser clears every auto-rerun timer
                self.page_hash, self.seen = msg.new_session.page_script_hash, set()
                self.stop_timers(list(self.timers))
        elif kind == "navigation":  # names the page that runs (NewSession may carry the main script's hash)
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":  # st.query_params rewrote the address bar; later reruns send it
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.on_auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self.stop_timers(msg.stop_auto_rerun.fragment_ids)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.on_element(msg.delta.new_element)
        elif kind == "script_finished":
            self.on_finished(msg.script_finished, list(msg.metadata.run.fragment_ids))

    def on_element(self, el) -> None:
        """Note errors, frames, the Start button, images to fetch, the Result table, and widget values."""
        kind = el.WhichOneof("type")
        if kind == "exception" or (kind == "alert" and el.alert.format == Alert.ERROR):
            self.errors.append(f"{kind}: {(el.exception.message if kind == 'exception' else el.alert.body)[:200]}")
        elif kind == "progress" and el.progress.text != self.progress:
            self.on_frame(el.progress.text)
        elif kind == "button" and (el.button.id.endswith(f"-{START_KEY}") or (el.button.label == "Start" and not self.start_id)):
            self.start_id = el.button.id
        elif kind == "imgs":  # each <img> GETs its file from the media endpoint
            for img in el.imgs.imgs:
                task = asyncio.get_running_loop().create_task(self.fetch(img.url))
                self.fetches.add(task)  # keep a reference until it is done
                task.add_done_callback(self.fetches.discard)
        elif kind == "dataframe" and self.clicked:
            self.result = el.dataframe.arrow_data.data
        if held := widget_state(el):
            state, server_set = held
            self.seen.add(state.id)
            if server_set or state.id not in self.widgets:  # otherwise the tab keeps the value it has
                self.widgets[state.id] = state

    def on_frame(self, text: str) -> None:
        """A new progress text: after Start it is a frame; 'Epoch E of E' is the final one."""
        self.progress = text
        if self.clicked and not self.done:
            self.frames, now = self.frames + 1, time.perf_counter()
            self.first = self.first or now
            self.done = now if text.startswith(self.final) else None

    def on_auto_rerun(self, fragment_id: str, interval: float) -> None:
        """handleAutoRerun: one setInterval per fragment; the same interval again leaves the countdown alone."""
        if not fragment_id or interval <= 0 or self.timers.get(fragment_id, (None,))[0] == interval:
            return  # 1.67 ignores an auto-rerun without a fragment id
        self.stop_timers([fragment_id])
        self.timers[fragment_id] = (interval, asyncio.get_running_loop().create_task(self.tick(fragment_id, interval)))

    async def tick(self, fragment_id: str, interval: float) -> None:
        """The interval's callback: rerun the fragment, even while a script runs (the server queues it), as 1.67 does."""
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            due = max(due + interval, loop.time())  # a late timer fires once, it does not catch up
            await asyncio.sleep(due - loop.time())
            try:
                await self.send_rerun(fragment_id=fragment_id, auto=True)
            except ConnectionClosed:  # run() reports the closed connection
                return

    def stop_timers(self, fragment_ids) -> None:
        """clearInterval for these fragments' timers."""
        for fragment_id in set(fragment_ids) & set(self.timers):
            self.timers.pop(fragment_id)[1].cancel()

    def on_finished(self, status: int, fragment_ids: list[str]) -> None:
        """handleScriptFinished: age the cache, forget widgets no longer drawn; mark the page loaded, the race over."""
        if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
            self.errors.append("script finished with a compile error")
        if status != FINISHED.FINISHED_EARLY_FOR_RERUN and self.fresh:  # incrementMessageCacheRunCount
            self.runs += 1
            for key, (_, used, fragment) in list(self.cache.items()):
                if (not fragment_ids or fragment in fragment_ids) and self.runs - used > self.max_age:
                    del self.cache[key]
        if status == FINISHED.FINISHED_SUCCESSFULLY and not fragment_ids:
            self.widgets = {k: v for k, v in self.widgets.items() if k in self.seen}
            if self.done:
                self.finished.set()  # the page run after the final frame, which draws the Result
            elif self.start_id:
                self.loaded.set()

    async def fetch(self, path: str) -> None:
        """GET one media file (one that is gone, e.g. replaced by the next frame, is counted as missing)."""
        async with self.slots:
            parts = urlsplit(self.base)
            try:
                tls = parts.scheme == "https"
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port or (443 if tls else 80), ssl=tls)
                cookie = f"Cookie: {self.cookie}\r\n" if self.cookie else ""
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{cookie}Connection: close\r\n\r\n".encode())
                ok = (await reader.read()).startswith(b"HTTP/1.1 200")
                writer.close()
            except OSError:
                ok = False
            self.media[0 if ok else 1] += 1


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
    expected = {seed: expected_accuracy(args.epochs, seed) for s, seed in zip(sessions, seeds) if s.result}  # after the run
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
