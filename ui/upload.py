"""The "Your own data" sidebar widget: a CSV upload, its label column, and the session-only table it becomes.

A table lives in this session's st.session_state and nowhere else: never in st.cache_data or a memo shared by
sessions, never on disk, never in the link. Pages train it in-session or in a private trainer job.
"""

from dataclasses import dataclass

import streamlit as st

from core import tabular
from core.config import ConfigError, RunConfig
from core.data import Dataset
from core.snapshots import Snapshot, epoch_zero
from core.tabular import Table, TableError
from ui import config_form
from ui.links import Link
from ui.shell import plain

LABEL_NAMES = ("label", "class", "target", "y", "species", "colour", "color")  # a likely label column is the default
FIXED = ("dataset", "classes", "samples")  # the table's own: the sidebar's are kept for the link, not used
TABLE = "upload.table"  # per page: f"{page}.{TABLE}" holds (file id, label, Table | TableError)


def _parsed(page: str, file, label: str | None) -> Table | TableError:
    """Parse once per (file, label column): a rerun for another widget reads the session's copy."""
    key = f"{page}.{TABLE}"
    held = st.session_state.get(key)
    if held is not None and held[:2] == (file.file_id, label):
        return held[2]
    try:
        result = tabular.parse(file.getvalue(), label, file.name) if label else TableError("pick the label column")
    except TableError as err:
        result = err
    st.session_state[key] = (file.file_id, label, result)  # replaces the previous file's table: never half of two
    return result


def _columns(page: str, file) -> list[str] | TableError:
    """The header once per file, after the checks that need no label column."""
    key = f"{page}.upload_columns"
    held = st.session_state.get(key)
    if held is None or held[0] != file.file_id:
        try:
            held = (file.file_id, tabular.columns(file.getvalue()))
        except TableError as err:
            held = (file.file_id, err)
        st.session_state[key] = held
    return held[1]


def _default_label(columns: list[str]) -> int:
    named = [k for k, c in enumerate(columns) if c.strip().lower() in LABEL_NAMES]
    return named[0] if named else len(columns) - 1


def uploader(page: str) -> tuple[Table | None, str | None]:
    """Draw the widget; (the table, None) when a good file is in, (None, the problem) for a bad one, else (None, None)."""
    with st.expander("Your own data (CSV)", expanded=st.session_state.get(f"{page}.upload") is not None):
        st.caption(tabular.LIMITS + " Features are standardised with the training split's mean and std.")
        file = st.file_uploader("CSV file", type=["csv"], key=f"{page}.upload", max_upload_size=tabular.MAX_BYTES // 2**20)
        st.download_button("Sample CSV", tabular.sample_csv(), "loss_lab_sample.csv", "text/csv",
                           icon=":material/download:", key=f"{page}.sample")  # fmt: skip
        st.caption("Your file stays in this browser session: it is not saved, not shared, and not in the link.")
        if file is None:
            for key in (TABLE, "upload_columns", "upload_preview"):  # removed: nothing of it stays behind
                st.session_state.pop(f"{page}.{key}", None)
            return None, None
        columns = _columns(page, file)
        if isinstance(columns, TableError):
            st.session_state[f"{page}.{TABLE}"] = (file.file_id, None, columns)  # the last good file's table goes
            result = columns
        else:
            key = f"{page}.upload_label"
            if st.session_state.get(key) not in columns:
                st.session_state[key] = columns[_default_label(columns)]
            result = _parsed(page, file, st.selectbox("Label column", columns, key=key))
        if isinstance(result, TableError):
            problem = f"{plain(file.name)}: {plain(str(result))}"
            st.error(problem, icon=":material/block:")
            return None, problem
        st.success(describe(result), icon=":material/table:")
        return result, None


def config_for(table: Table, base: RunConfig) -> tuple[RunConfig | None, str | None]:
    """The sidebar's settings on the table, or (None, why they cannot train it)."""
    try:
        return tabular.config_for(table, base), None
    except ConfigError as err:
        return None, f"{config_form.LABELS.get(err.field, err.field)}: {str(err).split(': ', 1)[1]} (with your data)"


def dataset_name(config: RunConfig) -> str:
    """The dataset as a caption names it: a built-in's name, or the uploaded file's and what its class numbers mean."""
    table = table_for(config)
    if table is None:
        return config.dataset
    return plain(f"{table.name}, classes {', '.join(f'{k} = {name}' for k, name in enumerate(table.classes))}")


def describe(table: Table) -> str:
    """One line: the file, its size and its classes (shown as typed, never as Markdown)."""
    classes = ", ".join(table.classes[:6]) + (" …" if len(table.classes) > 6 else "")
    return plain(f"{table.name}: {len(table.y):,} rows, {len(table.features)} features, {len(table.classes)} classes ({classes})")


def table_for(config: RunConfig | None) -> Table | None:
    """This session's table that `config` trains on (any page's upload), else None."""
    if config is None or not config.source:
        return None
    for key, value in st.session_state.items():
        if str(key).endswith(f".{TABLE}") and isinstance(value[2], Table) and value[2].source == config.source:
            return value[2]
    return None


def dataset_for(config: RunConfig) -> Dataset | None:
    """The Dataset an uploaded table's config trains on (None for built-in data, which the engine generates)."""
    table = table_for(config)
    return None if table is None else tabular.for_config(table, config)


def preview(page: str, config: RunConfig, data: Dataset | None, kind: str) -> Snapshot:
    """An uploaded table's epoch 0, made in this session and kept in its state (ui.cached.preview is for everyone)."""
    key = f"{page}.upload_preview"
    held = st.session_state.get(key)
    if held is None or held.config != config:
        held = st.session_state[key] = epoch_zero(config, kind, data)
    return held


@dataclass(frozen=True)
class Settings:
    """A page's sidebar: the config to train (None: `problem` says why), the config its link holds, the table."""

    config: RunConfig | None
    problem: str | None
    link_config: RunConfig | None  # the sidebar's own settings: what a shared link reproduces, without the data
    table: Table | None


def settings(link: Link, groups: dict[str, list[str]]) -> Settings:
    """The upload widget above the page's settings form; with a good file in, the settings train on it."""
    table, bad_file = uploader(link.page)
    fixed = {field: f"Set by your file ({describe(table)})." for field in FIXED} if table else None
    config, problem = config_form.config_form(link, groups, fixed)
    link_config = config
    if bad_file:
        return Settings(None, f"Your own data: {bad_file}", link_config, None)
    if table is not None and config is not None:
        config, problem = config_for(table, config)
    return Settings(config, problem, link_config, table)
