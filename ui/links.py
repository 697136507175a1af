"""The one reader and writer of a page's link: each page declares the parameters it reads in a `Link` table.

A link's values go into the page's widget state when a session first opens the page, and again whenever it
arrives with a different link (the tour's "Open … with these settings"); a visit without a query string keeps
what the session had. Nothing else in pages/ or ui/ touches st.query_params.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import streamlit as st

from core.config import RunConfig, from_query
from core.data import CLASS_RANGE

LINK_REPRODUCES = "Opening the link restores these settings; pressing Start reproduces the same numbers."
DATA_NOT_IN_LINK = (
    "Your uploaded data is not in this link: it holds the settings only, with the built-in dataset the sidebar shows. "
    "To share a run on your data, share the file and these settings."
)


@dataclass(frozen=True)
class Param:
    """A page-only link parameter: its default and a parser that raises ValueError saying what is allowed."""

    default: object
    parse: Callable[[str], object]


def choice(options: list[str], default: str) -> Param:
    """One of `options`, as typed."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"choose {', '.join(options)}")
        return text

    return Param(default, parse)


def whole(low: int, high: int, default: int) -> Param:
    """A whole number in [low, high], written in plain digits (not '²', '3.5' or 5000 digits)."""

    def parse(text: str) -> int:
        if text not in {str(n) for n in range(low, high + 1)}:
            raise ValueError(f"a whole number from {low} to {high}")
        return int(text)

    return Param(default, parse)


def flag(default: bool = False) -> Param:
    """0 or 1."""

    def parse(text: str) -> bool:
        if text not in ("0", "1"):
            raise ValueError("choose 0 or 1")
        return text == "1"

    return Param(default, parse)


@dataclass(frozen=True)
class Link:
    """What one page reads from its link; widget keys are f"{page}.{key}"."""

    page: str  # the page's prefix for session-state and widget keys
    fields: tuple[str, ...] = ()  # RunConfig fields, drawn by ui.config_form
    defaults: RunConfig = field(default_factory=RunConfig)  # the page's values for those fields
    class_limits: tuple[int, int] = (2, 100)  # classes this page's widget allows (within the dataset's own range)
    extras: dict[str, Param] = field(default_factory=dict)  # page-only keys

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.fields, *self.extras)


def class_bounds(dataset: str, limits: tuple[int, int]) -> tuple[int, int]:
    """The classes a page allows for a dataset."""
    low, high = CLASS_RANGE[dataset]
    return max(low, limits[0]), min(high, limits[1])


def read(link: Link, params: dict[str, str]) -> tuple[RunConfig, dict[str, object], list[str]]:
    """The page's config and page-only values from a query dict, each bad or unknown value named in `ignored`."""
    ignored = [f"unknown parameter {str(key)[:40]!r}" for key in params if key not in link.keys]
    config, warnings = from_query({k: v for k, v in params.items() if k in link.fields}, base=link.defaults)
    ignored += warnings
    low, high = class_bounds(config.dataset, link.class_limits)
    if "classes" in link.fields and not low <= config.classes <= high:  # RunConfig allows it, this page does not
        ignored.append(f"ignored classes={config.classes}: this page allows {low} to {high}")
        config = replace(config, classes=min(max(link.defaults.classes, low), high))
    values = {}
    for key, param in link.extras.items():
        values[key] = param.default
        if key in params:
            try:
                values[key] = param.parse(str(params[key]))
            except ValueError as err:
                ignored.append(f"ignored {key}={str(params[key])[:40]!r}: {err}")
    return config, values, ignored


def widget_value(field: str, config: RunConfig):
    """A RunConfig field as its widget holds it (ui.config_form draws them)."""
    value = getattr(config, field)
    if field == "hidden":
        return ",".join(map(str, value)) or "0"
    return list(value) if field == "losses" else value


def set_widgets(page: str, config: RunConfig, fields: tuple[str, ...]) -> None:
    """Put a config's values into a page's widgets (before they are drawn)."""
    for name in fields:
        st.session_state[f"{page}.{name}"] = widget_value(name, config)


def _seen(link: Link) -> str:
    return f"{link.page}.__link"  # the link this page last read or wrote, and what it ignored then


def load(link: Link) -> list[str]:
    """Put the link's values into the page's widgets when it is new to this page; return what it ignored."""
    params = st.query_params.to_dict()  # a repeated key keeps its last value
    seen = st.session_state.get(_seen(link))
    if seen is None or (params and params != seen["params"]):
        config, values, ignored = read(link, params)
        set_widgets(link.page, config, link.fields)
        for key, value in values.items():
            st.session_state[f"{link.page}.{key}"] = value
        seen = st.session_state[_seen(link)] = {"params": params, "ignored": ignored, "values": values}
    for key, value in seen["values"].items():  # Streamlit drops a widget's value while another page runs
        st.session_state.setdefault(f"{link.page}.{key}", value)
    return seen["ignored"]


def forget_ignored(link: Link) -> None:
    """The visitor replaced the link's values (a preset): its warning has nothing left to say."""
    if _seen(link) in st.session_state:
        st.session_state[_seen(link)]["ignored"] = []


def write(link: Link, values: dict[str, str]) -> None:
    """Write the current settings into the link (merged with the page's other keys; unknown keys dropped)."""
    current = {k: v for k, v in st.query_params.to_dict().items() if k in link.keys}
    merged = {**current, **values}
    st.query_params.from_dict(merged)  # also turns a repeated key into its one value
    seen = st.session_state.setdefault(_seen(link), {"params": {}, "ignored": [], "values": {}})
    seen["params"] = merged
    seen["values"].update({key: link.extras[key].parse(text) for key, text in values.items() if key in link.extras})


def page_link(container, script: str, label: str, icon: str, params: dict[str, str]) -> None:
    """A link into another page that opens it with these settings."""
    container.page_link(script, label=label, icon=icon, query_params=params)
