"""A page's race: Start / Stop / Step / Reset and the frame below them, one fragment that redraws itself live.

The race itself trains in core.trainer's worker, shared by every session that asks for the same configuration;
a session holds a ticket and the last snapshot it drew. Each frame is one run of the fragment, so a click reruns
the controls and the frame only, never the sidebar or the rest of the page. Frames are paced by the whole server:
with n sessions drawing, each draws at most SERVER_FRAMES / n frames a second, so a full class still keeps up.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

from core import trainer
from core.config import RunConfig
from core.data import Dataset
from core.engine import warm_up
from core.jobs import Ticket
from core.snapshots import Snapshot

RACE_PAGE = "race"  # the Loss race page's key; the per-sample page reads its finished race
RACE_SECONDS = 2.0  # a watched race is spread over at least this long, so there is something to watch
MIN_FRAME_SECONDS = 0.15  # one session alone: about as fast as a browser draws four charts
SERVER_FRAMES = 40.0  # frames per second this process can draw for all its sessions together (see bench_load)
FOLLOW = True  # a live frame's run asks for the next one (tests turn it off to act between two frames)
NEWS_SECONDS = 1.0  # at most this long past its frame time a run waits for a new epoch: a click waits for the run
STEP_WAIT = 2.0  # a Step click waits this long for its epoch; longer, and the frames show it arriving
REDUCE_MOTION = "reduce_motion"  # session-state key of the sidebar's "Reduce motion" toggle (ui/shell.py)
CALM = 4.0  # with it on, frames come this many times further apart

warm_up()  # once per server process: the previews build a Race here, and torch imports its compiler stack


@dataclass
class Live:
    """One session's race on one page. Only its own: the ticket and the snapshots it holds are never written to."""

    ticket: Ticket | None = None  # the race this session asked for
    shown: Snapshot | None = None  # the frame on screen; kept after Stop, for the result and the per-sample page
    training: bool = False  # Start pressed, not yet stopped or finished
    ahead: int = 0  # races the trainer will run before this one starts
    drawn_at: float = 0.0  # when the frame on screen began: the next one starts an interval later

    @property
    def pending(self) -> bool:
        """Frames to come: training, or a Step on its way."""
        if self.ticket is None or self.ticket.error:
            return False
        return self.shown is None or (self.shown.epoch < self.ticket.want and not self.shown.done)


def state(page: str) -> Live:
    """This session's live state for a page."""
    return st.session_state.setdefault(f"{page}.live", Live())


def finished_race() -> Snapshot | None:
    """The Loss race page's race once it has stopped or finished (None before Start and while training)."""
    s = st.session_state.get(f"{RACE_PAGE}.live")
    return None if s is None or s.training else s.shown


def race_training() -> bool:
    """Whether the Loss race page is training right now."""
    s = st.session_state.get(f"{RACE_PAGE}.live")
    return s is not None and s.training


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "bare"


def _start(page: str, kind: str, config: RunConfig, data: Dataset | None = None) -> None:
    s = state(page)  # a second click starts again from epoch 0 (a finished race replays from the trainer's results)
    PACER.join(_session())  # counts from the click: sessions that draw first don't take the frames of those still starting
    ticket = trainer.trainer().ticket(config, kind, config.epochs, pace=RACE_SECONDS, data=data)
    s.ticket, s.shown, s.training = ticket, None, True


def _stop(page: str) -> None:
    s = state(page)
    s.training = False  # keeps what was trained
    if s.ticket is not None:
        s.ticket.want = s.shown.epoch if s.shown else 0
        _settle(s)


def _step(page: str, kind: str, config: RunConfig, data: Dataset | None = None) -> None:
    s = state(page)
    if s.shown is None or s.shown.config != config or s.shown.done or s.ticket is None:
        s.ticket, s.shown = trainer.trainer().ticket(config, kind, 0, data=data), None  # the first click sets up epoch 0
    else:
        s.ticket = trainer.trainer().step(s.ticket, s.shown.epoch)
    s.training = False
    _settle(s)


def _settle(s: Live) -> None:
    """Wait (at most STEP_WAIT) for the epoch the ticket wants, so the rerun after a click shows it."""
    deadline = time.monotonic() + STEP_WAIT
    while s.pending and time.monotonic() < deadline:
        s.ticket.wait(s.shown.epoch if s.shown else -1, deadline - time.monotonic())
        _refresh(s)


def _reset(page: str) -> None:
    s = state(page)
    s.ticket, s.shown, s.training = None, None, False  # the ticket's job leaves the worker once no one holds it


def waiting_note(ahead: int) -> str:
    """What a session waiting for the trainer is told."""
    return f"waiting for the trainer: {ahead} race{'s' if ahead > 1 else ''} ahead of yours on this server"


def _refresh(s: Live) -> None:
    """Take the newest snapshot the ticket may see; a finished race stops training."""
    latest = s.ticket.latest()
    if latest is not None and (s.shown is None or latest.epoch > s.shown.epoch or latest.done > s.shown.done):
        s.shown = latest
    s.ahead = s.ticket.ahead() if s.shown is None or not s.shown.done else 0
    if not s.pending:
        s.training = False


def _buttons(page: str, kind: str, config: RunConfig | None, data: Dataset | None) -> None:
    """The four controls; callbacks run before the rerun, so every button shows the new state."""
    s, invalid = state(page), config is None
    cols = st.columns(4)
    cols[0].button("Start", type="primary", icon=":material/play_arrow:", disabled=invalid, on_click=_start,
                   args=(page, kind, config, data), key=f"{page}.start", width="stretch")  # fmt: skip
    cols[1].button("Stop", icon=":material/stop:", disabled=not s.training, on_click=_stop, args=(page,),
                   key=f"{page}.stop", width="stretch")  # fmt: skip
    cols[2].button("Step", icon=":material/skip_next:", disabled=invalid or s.training, on_click=_step,
                   args=(page, kind, config, data), key=f"{page}.step", width="stretch",
                   help="One epoch (the first click sets up epoch 0).")  # fmt: skip
    cols[3].button("Reset", icon=":material/restart_alt:", on_click=_reset, args=(page,), key=f"{page}.reset", width="stretch")  # fmt: skip
    if s.shown is not None and s.shown.config != config:  # None too: the settings (or the file) cannot train now
        st.info(
            "The runs below were trained with earlier settings. Press **Start** to train the current ones.",
            icon=":material/history:",
        )
    if s.ticket is not None and s.ticket.error:
        st.error(f"Training stopped: {s.ticket.error}. Press **Start** to try again.", icon=":material/error:")


class _Pacer:
    """The server's frame budget, shared by the sessions drawing live (only times are kept, per session id)."""

    def __init__(self):
        self._lock, self._last = threading.Lock(), {}

    def join(self, session: str) -> None:
        """A session about to draw: it shares the budget from now on."""
        self.interval(session)

    def interval(self, session: str) -> float:
        """Seconds until this session's next frame."""
        now = time.monotonic()
        with self._lock:
            self._last = {k: t for k, t in self._last.items() if now - t < 3.0}
            self._last[session] = now
            return max(MIN_FRAME_SECONDS, len(self._last) / SERVER_FRAMES)


PACER = _Pacer()


def calm() -> float:
    """The frame interval's multiplier: CALM for a visitor who asked for less motion."""
    return CALM if st.session_state.get(REDUCE_MOTION) else 1.0


def panel(
    page: str,
    kind: str,
    config: RunConfig | None,
    draw: Callable[[Live], None],
    result: Callable[[Snapshot], None] | None = None,
    data: Dataset | None = None,
) -> None:
    """The controls, the frame `draw` makes of the race, and once it has stopped, its `result`: one fragment.

    `data`: an uploaded table's Dataset, trained in a job of this session's own (core.trainer). The page calls
    `next_frame` last, for the runs of the whole page.
    """
    st.fragment(_panel)(page, kind, config, draw, result, data)


def _panel(page, kind, config, draw, result, data) -> None:
    s = state(page)
    if s.pending:
        _refresh(s)  # first: a race that just finished shows its Result and enables Start in this same run
    s.drawn_at = time.monotonic()
    _buttons(page, kind, config, data)
    draw(s)
    if result is not None and s.shown is not None and not s.pending and s.shown.epoch > 0:
        result(s.shown)
    if _fragment_run():
        _rerun_for_next_frame(s, "fragment")


def next_frame(page: str) -> None:
    """Call last on a page with a panel: while its race is live, a run of the whole page ends in the next frame's run."""
    if not _fragment_run():
        _rerun_for_next_frame(state(page), "app")


def _fragment_run() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def _rerun_for_next_frame(s: Live, scope: str) -> None:
    """While frames are to come: wait for the next frame's time and a new epoch (the GIL is free), then rerun.

    No timer: a rerun asked for here only ever follows a run that drew a live frame, so nothing arrives after the
    last one (a fragment's run_every tick could, and Streamlit 1.67 then drops the end of the run it follows).
    """
    if not (s.pending and FOLLOW):
        return
    time.sleep(max(0.0, s.drawn_at + PACER.interval(_session()) * calm() - time.monotonic()))
    s.ticket.wait(s.shown.epoch if s.shown else -1, NEWS_SECONDS)
    st.empty()  # an st call: a rerun of the whole app asked for meanwhile (a page link) takes over here, not ours
    if not _rerun_queued():
        st.rerun(scope=scope)


def _rerun_queued() -> bool:
    """Whether a rerun (a page link, a click) is already queued: it runs when this run ends, and a rerun asked for now
    would merge with it and keep this page (Streamlit 1.67 takes the newer request's page); a fragment run's st calls
    do not give way to it."""
    ctx = get_script_run_ctx()
    requests = getattr(ctx, "script_requests", None)
    return getattr(requests, "_state", None) == ScriptRequestType.RERUN
