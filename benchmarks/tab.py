"""A browser tab on the race page, spoken over Streamlit 1.67's websocket: what its frontend (App.tsx) sends and keeps."""

import asyncio
import time
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

PAGE, START_KEY = "loss_race", "race.start"
FINISHED = ForwardMsg.ScriptFinishedStatus
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
        self.start_fragment = ""  # the fragment Start is drawn in: a click reruns only that, as the browser asks
        self.clicked = self.first = self.done = self.result = None
        self.settled = False
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
        """Press Start: its trigger goes out once, with the other widgets' values and the fragment it is drawn in."""
        self.clicked = time.perf_counter()
        await self.send_rerun(fragment_id=self.start_fragment, trigger=self.start_id)

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
            self.on_element(msg.delta.new_element, msg.delta.fragment_id)
        elif kind == "script_finished":
            self.on_finished(msg.script_finished, list(msg.metadata.run.fragment_ids))

    def on_element(self, el, fragment_id: str = "") -> None:
        """Note errors, frames, the Start button, images to fetch, the Result table, and widget values."""
        kind = el.WhichOneof("type")
        if kind == "exception" or (kind == "alert" and el.alert.format == Alert.ERROR):
            self.errors.append(f"{kind}: {(el.exception.message if kind == 'exception' else el.alert.body)[:200]}")
        elif kind == "progress" and el.progress.text != self.progress:
            self.on_frame(el.progress.text)
        elif kind == "button" and (el.button.id.endswith(f"-{START_KEY}") or (el.button.label == "Start" and not self.start_id)):
            self.start_id, self.start_fragment = el.button.id, fragment_id
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
            if self.done and self.settled:  # the fragment's final frame may come after the page run that drew the Result
                self.finished.set()

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
        if status not in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            return
        if not fragment_ids:  # a full run: widgets it did not draw are gone
            self.widgets = {k: v for k, v in self.widgets.items() if k in self.seen}
        self.settled = self.result is not None  # a run that drew the Result (the page's or its fragment's): the race's last
        if self.done and self.settled:
            self.finished.set()
        elif self.start_id and not fragment_ids:
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
