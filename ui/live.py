"""Start / Stop / Step / Reset for a Race kept in st.session_state, and a fragment that trains and redraws live."""

import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.config import RunConfig
from core.engine import Race, warm_up

TICK_SECONDS = 0.05  # fragment period while training: a rerun costs a round trip, so each run loops
LOOP_SECONDS = 3.0  # frames drawn inside one fragment run; a click still interrupts it at the next frame
TRAIN_BUDGET = 0.06  # seconds of training per frame, so drawing keeps its share
SEND_SECONDS = 0.03  # a pause after each frame: the server sends it while training doesn't hold the GIL

warm_up()  # once per server process, when the first page that trains loads, not on its first Start


RACE_PAGE = "race"  # the Loss race page's key; the per-sample page reads its finished race


@dataclass
class Live:
    """One session's race on one page. Never shared between sessions, never cached."""

    race: Race | None = None
    training: bool = False


def state(page: str) -> Live:
    """This session's live state for a page."""
    return st.session_state.setdefault(f"{page}.live", Live())


def finished_race() -> Race | None:
    """The Loss race page's race once it has stopped or finished (None before Start and while training)."""
    s = st.session_state.get(f"{RACE_PAGE}.live")
    return None if s is None or s.training else s.race


def race_training() -> bool:
    """Whether the Loss race page is training right now."""
    s = st.session_state.get(f"{RACE_PAGE}.live")
    return s is not None and s.training


def _start(page: str, config: RunConfig) -> None:
    s = state(page)
    s.race, s.training = Race(config), True  # a second click restarts from the same init


def _stop(page: str) -> None:
    state(page).training = False  # keeps what was trained


def _step(page: str, config: RunConfig) -> None:
    s = state(page)
    if s.race is None or s.race.config != config or s.race.done:
        s.race = Race(config)
    else:
        s.race.advance(1)
    s.training = False


def _reset(page: str) -> None:
    s = state(page)
    s.race, s.training = None, False


def _fragment_rerun() -> bool:
    """True when Streamlit runs a fragment on its own (a run_every tick), not as part of the page's run."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def buttons(page: str, config: RunConfig | None) -> None:
    """The four controls; callbacks run before the rerun, so every button shows the new state."""
    s, invalid = state(page), config is None
    cols = st.columns(4)
    cols[0].button(
        "Start",
        type="primary",
        icon=":material/play_arrow:",
        disabled=invalid,
        on_click=_start,
        args=(page, config),
        key=f"{page}.start",
        width="stretch",
    )
    cols[1].button(
        "Stop",
        icon=":material/stop:",
        disabled=not s.training,
        on_click=_stop,
        args=(page,),
        key=f"{page}.stop",
        width="stretch",
    )
    cols[2].button(
        "Step",
        icon=":material/skip_next:",
        disabled=invalid or s.training,
        on_click=_step,
        args=(page, config),
        key=f"{page}.step",
        width="stretch",
        help="One epoch (the first click sets up epoch 0).",
    )
    cols[3].button("Reset", icon=":material/restart_alt:", on_click=_reset, args=(page,), key=f"{page}.reset", width="stretch")  # fmt: skip
    race = s.race
    if race is not None and config is not None and race.config != config:
        st.info(
            "The runs below were trained with earlier settings. Press **Start** to train the current ones.",
            icon=":material/history:",
        )


def live_view(page: str, draw: Callable[[Race | None], None], last_on_page: bool = False) -> None:
    """Draw the race; while training, a run of the fragment trains and redraws frame after frame.

    A whole-page run trains and draws one frame, then returns, unless the page calls this last (the frames in a
    container above the rest): then it loops too, and training goes on without waiting for the fragment's tick.
    """

    @st.fragment(run_every=TICK_SECONDS if state(page).training else None)
    def frames():
        s, frame = state(page), st.empty()
        one_frame = not last_on_page and not _fragment_rerun()  # a page run must not hold up what follows it
        until = time.perf_counter() + LOOP_SECONDS  # then let the run end (Streamlit tidies up after each run)
        while True:
            race = s.race
            training = s.training and race is not None
            if training:
                deadline = time.perf_counter() + TRAIN_BUDGET
                while not race.done and time.perf_counter() < deadline:
                    race.advance(1)
                s.training = not race.done
            with frame.container():  # replaces the previous frame in place
                draw(race)
            if not training:
                break
            time.sleep(SEND_SECONDS)
            if race.done:
                st.rerun()  # whole page: stops the timer and adds what follows a finished race
            if one_frame or time.perf_counter() > until:
                break

    frames()
