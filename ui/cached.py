"""Every cache the pages share: st.cache_data of pure tables keyed by config strings, and the live pages' previews.

Only immutable results are cached (DataFrames built from a finished run, snapshots), never a model or a Race:
those belong to one session. st.cache_data arguments are config.to_dict() strings, which it can hash.
"""

import pandas as pd
import streamlit as st

from core import misuse, shipped
from core.config import RunConfig
from core.engine import RECORD_COLUMNS
from core.experiments import calibration_report, trained
from core.grads import sample_table
from core.snapshots import Snapshot, epoch_zero
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
    """core.timeline.timeline of a config: per-sample tables at up to 20 checkpoints; the default is shipped."""
    return shipped.table("checkpoints", values)


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
