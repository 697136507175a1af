"""RunConfig widgets for a page, seeded once from the URL and written back to it on every valid change."""

from dataclasses import replace

import streamlit as st

from core import losses
from core.config import MAX_SEEDS, ConfigError, RunConfig, from_query, parse_field
from core.data import CLASS_RANGE

LABELS = {
    "dataset": "Dataset", "classes": "Classes C", "samples": "Samples N", "noise": "Input noise (std)",
    "label_noise": "Label noise (fraction flipped)", "val_fraction": "Validation fraction", "losses": "Losses that race",
    "hidden": "Hidden widths (comma-separated, 0 = linear)", "activation": "Activation", "init_scale": "Init scale",
    "optimizer": "Optimizer", "lr": "Learning rate", "momentum": "Momentum (SGD)", "batch_size": "Batch size (0 = full batch)",
    "epochs": "Epochs", "seed": "Seed", "seeds": "Seeds per loss",
    "square_k": "k: weight on the true class", "square_m": "M: target of the true logit",
}  # fmt: skip
HELP = {
    "init_scale": "Multiplies the initial weights. Large values make the model confidently wrong at epoch 0.",
    "seeds": "Runs per loss with seeds S, S+1, …: trained together, drawn as a mean line and a min–max band.",
    "square_k": "Hui & Belkin (2021) rescale the square loss on logits for many classes; k = M = 1 is plain MSE on logits.",
    "square_m": "Hui & Belkin (2021) rescale the square loss on logits for many classes; k = M = 1 is plain MSE on logits.",
    "losses": "ce: cross-entropy · mse: nn.MSELoss on softmax · mse-logits: square loss on logits · "
    "softmax-ce: softmax before CrossEntropyLoss (bug) · bce / mse-sigmoid: one logit, C = 2 · mae: ‖p − y‖₁",
}


def _key(page: str, field: str) -> str:
    return f"{page}.{field}"


def _widget_value(field: str, config: RunConfig):
    value = getattr(config, field)
    if field == "hidden":
        return ",".join(map(str, value)) or "0"
    return list(value) if field == "losses" else value


def set_widgets(page: str, config: RunConfig, fields: list[str]) -> None:
    """Put a config's values into the page's widgets (before they are drawn)."""
    for field in fields:
        st.session_state[_key(page, field)] = _widget_value(field, config)


def apply(page: str, config: RunConfig, fields: list[str]) -> None:
    """Callback for presets: fill the widgets and forget earlier URL warnings."""
    set_widgets(page, config, fields)
    st.session_state[_key(page, "__loaded")] = []


def load_from_url(page: str, defaults: RunConfig, fields: list[str], class_limits: tuple[int, int] = (2, 100)) -> list[str]:
    """Once per session and page: seed the widgets from the query string; return the values it ignored.

    Unknown keys are shell.setup's to report (it knows every key the page reads)."""
    flag, shadow = _key(page, "__loaded"), st.session_state.get(_key(page, "__values"), {})
    for field, value in shadow.items():  # Streamlit drops a widget's value while another page runs: restore it
        st.session_state.setdefault(_key(page, field), value)
    if flag not in st.session_state:
        params = st.query_params.to_dict()  # a repeated key keeps its last value
        config, warnings = from_query({k: v for k, v in params.items() if k in fields}, base=defaults)
        low, high = _class_bounds(config.dataset, class_limits)
        if not low <= config.classes <= high:  # RunConfig allows it, this page's widget does not
            warnings.append(f"ignored classes={config.classes}: this page allows {low} to {high}")
            config = replace(config, classes=min(max(defaults.classes, low), high))
        set_widgets(page, config, fields)
        st.session_state[flag] = warnings
    return st.session_state[flag]


def _clamp_classes(page: str, limits: tuple[int, int]) -> None:
    low, high = _class_bounds(st.session_state[_key(page, "dataset")], limits)
    key = _key(page, "classes")
    st.session_state[key] = min(max(st.session_state.get(key, low), low), high)


def _class_bounds(dataset: str, limits: tuple[int, int]) -> tuple[int, int]:
    low, high = CLASS_RANGE[dataset]
    return max(low, limits[0]), min(high, limits[1])


def _draw(page: str, field: str, limits: tuple[int, int]):
    key, label, help_ = _key(page, field), LABELS[field], HELP.get(field)
    if field == "dataset":
        return st.selectbox(label, list(CLASS_RANGE), key=key, on_change=_clamp_classes, args=(page, limits))
    if field == "classes":
        low, high = _class_bounds(st.session_state[_key(page, "dataset")], limits)
        return st.number_input(label, low, high, step=1, key=key, disabled=low == high)
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
    page: str, groups: dict[str, list[str]], defaults: RunConfig, class_limits: tuple[int, int] = (2, 100)
) -> tuple[RunConfig | None, str | None]:
    """Draw the widgets, one expander per group; return (config, None), or (None, message naming the bad field)."""
    values = {}
    for i, (title, fields) in enumerate(groups.items()):
        with st.expander(title, expanded=i == 0):
            values.update({field: _draw(page, field, class_limits) for field in fields})
    fields = list(values)
    st.session_state[_key(page, "__values")] = dict(values)  # a plain key: it survives visits to other pages
    try:
        typed = {f: parse_field(f, v) if f == "hidden" else (tuple(v) if f == "losses" else v) for f, v in values.items()}
        config = replace(defaults, **typed)
    except ConfigError as err:
        return None, f"{LABELS.get(err.field, err.field)}: {str(err).split(': ', 1)[1]}"
    st.query_params.from_dict({f: config.to_dict()[f] for f in fields})  # the URL reproduces this configuration
    return config, None
