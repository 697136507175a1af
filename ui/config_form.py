"""RunConfig widgets for a page, seeded once from the URL and written back to it on every valid change."""

from dataclasses import replace

import streamlit as st

from core import losses
from core.config import MAX_SEEDS, ConfigError, RunConfig, parse_field
from core.data import CLASS_RANGE
from ui import links
from ui.links import Link

LABELS = {
    "dataset": "Dataset", "classes": "Classes C", "samples": "Samples N", "noise": "Input noise",
    "label_noise": "Label noise (fraction flipped)", "val_fraction": "Validation fraction", "losses": "Losses that race",
    "hidden": "Hidden widths (comma-separated, 0 = linear)", "activation": "Activation", "init_scale": "Init scale",
    "optimizer": "Optimizer", "lr": "Learning rate", "momentum": "Momentum (SGD)", "batch_size": "Batch size (0 = full batch)",
    "epochs": "Epochs", "seed": "Seed", "seeds": "Seeds per loss",
    "square_k": "k: weight on the true class", "square_m": "M: target of the true logit",
}  # fmt: skip
SQUARE_HELP = "Hui & Belkin (2021) rescale the square loss on logits for many classes; k = M = 1 is plain MSE on logits."
HELP = {
    "noise": "The standard deviation of Gaussian noise on the points. On Playground's data sets (pg-*) it is Playground's "
    "noise level ÷ 100, used as Playground uses it (0.5 is its slider's 50).",
    "init_scale": "Multiplies the initial weights. Large values make the model confidently wrong at epoch 0.",
    "seeds": "Runs per loss with seeds S, S+1, …: trained together, drawn as a mean line and a min–max band.",
    "square_k": SQUARE_HELP,
    "square_m": SQUARE_HELP,
    "losses": " · ".join(f"{name}: {entry.help}" for name, entry in losses.LOSSES.items()),
}


def _key(page: str, field: str) -> str:
    return f"{page}.{field}"


def apply(link: Link, config: RunConfig) -> None:
    """Callback for presets: fill the widgets and forget earlier link warnings."""
    links.set_widgets(link.page, config, link.fields)
    links.forget_ignored(link)


def _restore(page: str) -> None:
    """Streamlit drops a widget's value while another page runs: put back what the session last had."""
    for field, value in st.session_state.get(_key(page, "__values"), {}).items():
        st.session_state.setdefault(_key(page, field), value)


def _clamp_classes(page: str, limits: tuple[int, int]) -> None:
    low, high = links.class_bounds(st.session_state[_key(page, "dataset")], limits)
    key = _key(page, "classes")
    st.session_state[key] = min(max(st.session_state.get(key, low), low), high)


def _draw(page: str, field: str, limits: tuple[int, int], fixed: str | None = None):
    key, label, help_ = _key(page, field), LABELS[field], fixed or HELP.get(field)
    if field == "dataset":
        return st.selectbox(label, list(CLASS_RANGE), key=key, on_change=_clamp_classes, args=(page, limits),
                            disabled=bool(fixed), help=help_)  # fmt: skip
    if field == "classes":
        low, high = links.class_bounds(st.session_state[_key(page, "dataset")], limits)
        return st.number_input(label, low, high, step=1, key=key, disabled=low == high or bool(fixed), help=help_)
    if fixed:  # set by something else (an uploaded table): shown, kept, not editable
        return st.number_input(label, step=1, key=key, disabled=True, help=help_)
    if field == "losses":
        return st.multiselect(label, list(losses.LOSSES), key=key, help=help_)
    if field == "hidden":
        return st.text_input(label, key=key)
    if field in ("activation", "optimizer"):
        return st.selectbox(label, ["tanh", "relu"] if field == "activation" else ["sgd", "adam"], key=key)
    if field == "seeds":
        return st.slider(label, 1, MAX_SEEDS, key=key, help=help_)
    if isinstance(getattr(RunConfig(), field), int):
        return st.number_input(label, step=1, key=key, help=help_)
    return st.number_input(label, format="%g", step=0.05 if field != "lr" else 0.01, key=key, help=help_)


def config_form(
    link: Link, groups: dict[str, list[str]], fixed: dict[str, str] | None = None
) -> tuple[RunConfig | None, str | None]:
    """Draw the link's RunConfig widgets, one expander per group; return (config, None), or (None, the problem).
    `fixed` fields (dataset, classes, samples: an uploaded table's) are drawn disabled, their help saying why."""
    fixed = fixed or {}
    _restore(link.page)
    values = {}
    for i, (title, fields) in enumerate(groups.items()):
        with st.expander(title, expanded=i == 0):
            values.update({field: _draw(link.page, field, link.class_limits, fixed.get(field)) for field in fields})
    st.session_state[_key(link.page, "__values")] = dict(values)  # a plain key: it survives visits to other pages
    try:
        typed = {f: parse_field(f, v) if f == "hidden" else (tuple(v) if f == "losses" else v) for f, v in values.items()}
        config = replace(link.defaults, **typed)
    except ConfigError as err:
        return None, f"{LABELS.get(err.field, err.field)}: {str(err).split(': ', 1)[1]}"
    links.write(link, {f: config.to_dict()[f] for f in values})  # the link reproduces this configuration
    return config, None
