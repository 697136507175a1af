"""Start / Stop / Step / Reset for a page's race, and a fragment that draws it live.

The race itself trains in core.trainer's worker, shared by every session that asks for the same configuration;
a session holds a ticket and the last snapshot it drew. Frames are paced by the whole server: with n sessions
drawing, each draws at most SERVER_FRAMES / n frames a second, so a full class still gets frames that keep up.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import trainer
from core.config import RunConfig
from core.data import Dataset
from core.engine import warm_up
from core.snapshots import Snapshot
from core.trainer import Ticket

RACE_PAGE = "race"  # the Loss race page's key; the per-sample page reads its finished race
RACE_SECONDS = 2.0  # a watched race is spread over at least this long, so there is something to watch
TICK_SECONDS = 0.5  # the fragment's period while live: each run draws frames in a loop, so ticks only restart it
LOOP_SECONDS = 10.0  # frames drawn inside one fragment run (Streamlit tidies up media files after each run)
MIN_FRAME_SECONDS = 0.15  # one session alone: about as fast as a browser draws four charts
SERVER_FRAMES = 40.0  # frames per second this process can draw for all its sessions together (see bench_load)
SEND_SECONDS = 0.03  # after the last frame: time for the server to send it before the rerun clears the queue
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


def buttons(page: str, kind: str, config: RunConfig | None, data: Dataset | None = None) -> None:
    """The four controls; callbacks run before the rerun, so every button shows the new state. `data`: an uploaded
    table's Dataset, trained in a job of this session's own (core.trainer)."""
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


def live_view(page: str, draw: Callable[[Live], None]) -> None:
    """Draw the race; while it is live, every run (the page's, and the fragment's ticks) draws frame after frame.

    Call it last on the page, inside a container placed where the frames go: a page run that loops here then
    holds up nothing, and the first frames after Start don't wait for the fragment's tick.
    """

    def frames():  # the page's run and each tick loop alike: whichever runs, the frames keep coming
        s, frame, beat = state(page), st.empty(), st.empty()
        session = _session()
        until, drawn = time.monotonic() + LOOP_SECONDS, None
        while True:
            started, live = time.monotonic(), s.pending
            if live:
                _refresh(s)
            showing = s.shown if s.shown is not None else ("waiting", s.ahead)  # what this frame would say
            if showing is not drawn and showing != drawn or not live:
                with frame.container():  # replaces the previous frame in place
                    draw(s)
                drawn = showing
            else:
                beat.empty()  # nothing new: an st call still lets a click interrupt this run
            if not live:
                break
            if not s.pending:  # that was the last frame
                time.sleep(SEND_SECONDS)
                st.rerun()  # whole page: stops the timer and adds what follows a finished race
            if time.monotonic() > until:
                break
            # Frames start every interval, however long drawing took; the GIL is free meanwhile for other sessions.
            time.sleep(max(0.0, started + PACER.interval(session) * calm() - time.monotonic()))

    # Only a live race is a fragment with a timer. Once nothing is live the page draws it plainly, so a tick still in
    # flight finds no fragment and is dropped: otherwise, arriving just after the last page run, it starts a new script
    # runner and Streamlit 1.67 drops the old runner's unsent end of that run (the Result table, its script_finished).
    if state(page).pending:
        st.fragment(run_every=TICK_SECONDS)(frames)()
    else:
        frames()
