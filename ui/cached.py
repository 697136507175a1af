"""Every cache the pages share: st.cache_data of pure tables keyed by config strings, and the live pages' previews.

Only immutable results are cached (DataFrames built from a finished run, snapshots), never a model or a Race:
those belong to one session. st.cache_data arguments are config.to_dict() strings, which it can hash.
"""

import json
import time

import pandas as pd
import streamlit as st

from core import misuse, shipped
from core.config import RunConfig
from core.data import Dataset
from core.engine import RECORD_COLUMNS
from core.experiments import calibration_report, trained
from core.grads import sample_table
from core.snapshots import Snapshot, epoch_zero
from core.timeline import timeline
from ui.memo import once


@st.cache_data(show_spinner=False, max_entries=32)
def race_history(values: dict[str, str]) -> pd.DataFrame:
    """The full history of a config trained to its last epoch."""
    return pd.DataFrame(trained(RunConfig.from_dict(values)).history, columns=RECORD_COLUMNS)


@st.cache_data(show_spinner=False, max_entries=32)
def final_samples(values: dict[str, str]) -> pd.DataFrame:
    """Per-sample gradients (core.grads.sample_table) after training a config to its last epoch."""
    return sample_table(trained(RunConfig.from_dict(values)))


@st.cache_data(show_spinner=False, max_entries=32)
def calibration(values: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return calibration_report(RunConfig.from_dict(values))


@st.cache_data(show_spinner=False, max_entries=32)
def label_noise(values: dict[str, str], levels: tuple[float, ...]) -> pd.DataFrame:
    """core.experiments.noise_sweep; the page's default is shipped (core/shipped.py)."""
    return shipped.table("label_noise", values, levels)


@st.cache_data(show_spinner=False, max_entries=32)
def class_counts(values: dict[str, str], counts: tuple[int, ...], k: float, m: float) -> pd.DataFrame:
    """core.experiments.class_sweep; the page's and the tour's default is shipped (core/shipped.py)."""
    return shipped.table("class_counts", values, counts, k, m)


@st.cache_data(show_spinner="Training with checkpoints…", max_entries=8)
def checkpoints(values: dict[str, str]) -> pd.DataFrame:
    """core.timeline.timeline of a config: per-sample tables at up to 20 checkpoints; the default is shipped (the tour's)."""
    return shipped.table("checkpoints", values)


SEND_SECONDS = 0.005  # a pause that frees the GIL for the server's thread to send what was drawn
MOVE_SECONDS = 0.1  # a training page's progress bar moves at most this often
SESSION_TIMELINES = 2  # a session keeps its last two: a setting changed and changed back is not trained again


def session_checkpoints(config: RunConfig, data: Dataset | None = None) -> pd.DataFrame:
    """core.timeline.timeline of a config (on `data`, an uploaded table's) for the per-sample page: shipped for the
    default, else kept in this session's state only, trained under a progress bar that moves from the first epoch
    (inside st.cache_data nothing may draw, and an upload must never reach a shared cache)."""
    values = config.to_dict()
    key, mine = json.dumps(values, sort_keys=True), st.session_state.setdefault("grads.timelines", {})
    if key not in mine:
        table = shipped.read("checkpoints", values)
        if table is None:
            bar, last = st.progress(0.0, text=f"Training with checkpoints: epoch 0 of {config.epochs}"), time.monotonic()
            time.sleep(SEND_SECONDS)  # the server's thread sends the bar now, before training holds the GIL

            def report(epoch: int) -> None:
                nonlocal last
                if time.monotonic() - last >= MOVE_SECONDS:
                    bar.progress(epoch / config.epochs, text=f"Training with checkpoints: epoch {epoch} of {config.epochs}")
                    time.sleep(SEND_SECONDS)  # and each move
                    last = time.monotonic()

            table = timeline(config, report=report, data=data)
            bar.empty()
        mine[key] = table
        while len(mine) > SESSION_TIMELINES:
            del mine[next(iter(mine))]  # the oldest
    return mine[key]


@st.cache_data(show_spinner=False)
def misuse_sweep(classes: tuple[int, ...] = tuple(misuse.SWEEP_CLASSES), true_class: int = misuse.TRUE_CLASS) -> pd.DataFrame:
    """core.misuse.class_sweep: closed forms and torch gradients for C = 2 … 1000."""
    return misuse.class_sweep(list(classes), true_class)


@st.cache_data(show_spinner=False)
def misuse_thresholds() -> pd.DataFrame:
    """Where naive log(softmax) breaks, per dtype."""
    return pd.DataFrame([{"dtype": name, **misuse.thresholds(name)} for name in misuse.DTYPES])


@once
def preview(config: RunConfig, kind: str) -> Snapshot:
    """A config's epoch 0, as a live page draws it before Start: the same object for everyone, not a copy."""
    return epoch_zero(config, kind)
