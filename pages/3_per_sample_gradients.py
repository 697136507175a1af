"""Per-sample gradients: which samples each loss pushes, and how hard, scrubbed through training."""

import pandas as pd
import streamlit as st
import torch

from core import losses, timeline
from core.config import RunConfig
from core.snapshots import Snapshot
from ui import cached, grad_charts, links, live, shell, upload

PAGE = "grads"
GROUPS = {
    "Runs": ["losses", "epochs", "seed"],
    "Data": ["dataset", "classes", "samples", "noise", "label_noise", "val_fraction"],
    "Model": ["hidden", "activation", "init_scale"],
    "Optimiser": ["optimizer", "lr", "momentum", "batch_size"],
}
LINK = links.Link(PAGE, tuple(field for fields in GROUPS.values() for field in fields), timeline.DEFAULT)
FROM_RACE, FROM_SIDEBAR = "Runs from the Loss race page", "Sidebar settings"
SPLIT = torch.tensor([[1e-12, 0.7, 0.3]], dtype=torch.float64).log()  # logits: the true class 0 gets no probability
PLAY_SECONDS = 0.7

shell.setup("Per-sample gradients", LINK)
st.html(grad_charts.FITTING_CSS)
st.title("Per-sample gradients: who gets pushed, and how hard")
split_norm = {name: losses.get(name).dlogits(SPLIT, torch.tensor([0])).norm().item() for name in ("ce", "mse")}
st.markdown(
    "One point per training sample. Cross-entropy's gradient with respect to the logits is **p − y**, so a "
    "*confidently wrong* sample (small p for its true class) gets the largest push. MSE's gradient carries the "
    "softmax's slope, **p(1 − p)** for one output: it vanishes when the true class gets no probability and one wrong "
    "class takes the rest. When the wrong mass is split unevenly it only shrinks: at p = (0, 0.7, 0.3), ‖∂ℓ/∂z‖ is "
    f"{split_norm['mse']:.3f} for MSE against {split_norm['ce']:.2f} for cross-entropy. Scrub through training and "
    "watch who gets fixed."
)
with st.sidebar:
    st.markdown("#### Settings")
    settings = upload.settings(LINK, GROUPS)
form_config, problem = settings.config, settings.problem


def chosen() -> tuple[RunConfig | None, Snapshot | None]:
    """The Loss race page's finished or stopped race when it has one and it is chosen, else the sidebar's config."""
    race = live.finished_race()
    if live.race_training():
        st.info("The Loss race page is still training; these are the sidebar settings.", icon=":material/sprint:")
    if race is not None and race.epoch > 0:
        source = st.segmented_control("Runs", [FROM_RACE, FROM_SIDEBAR], default=FROM_RACE, required=True, key="grads.source")
        if source == FROM_RACE:
            return race.config, race
    if problem:
        st.warning(f"Fix this setting to see gradients: {problem}", icon=":material/tune:")
    return form_config, None


def toggle_play(epochs: list[int]) -> None:
    """Play or pause; a callback, so it may set the slider before it is drawn."""
    state = st.session_state
    state["grads.playing"] = not state.get("grads.playing", False)
    if state["grads.playing"] and state.get("grads.epoch") == epochs[-1]:
        state["grads.epoch"] = epochs[0]  # play again from the start


config, race = chosen()
if config is None:
    st.stop()
# The race's checkpoints were recorded while it trained (core/worker.py): nothing is trained again for them.
table = pd.concat(race.checkpoints, ignore_index=True) if race else cached.session_checkpoints(config, upload.dataset_for(config))
epochs = sorted(table.epoch.unique().tolist())
n = int((table.epoch == 0).sum() // len(config.losses))
if race is None:
    source = f"trained with {len(epochs)} checkpoints"
else:
    source = f"{len(epochs)} checkpoint{'s' if len(epochs) > 1 else ''} recorded while the race trained"
    source += f" (it stopped at epoch {race.epoch}, after the last one)" if epochs[-1] < race.epoch else ""
st.caption(
    f"{' vs '.join(config.losses)} on {upload.dataset_name(config)} (C = {config.classes}, N = {n} training samples), "
    f"{config.optimizer} lr {config.lr:g}, init scale {config.init_scale:g}, seed {config.seed}; "
    f"{source}. Squared-error losses have no ½ (the nn.MSELoss convention)"
    f"{', but square-tanh keeps TensorFlow Playground’s ½' if 'square-tanh' in config.losses else ''}."
)
play, threshold_col, log_col = st.columns([1, 3, 1], vertical_alignment="bottom")
playing = st.session_state.get("grads.playing", False)
play.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
            on_click=toggle_play, args=(epochs,), key="grads.play", width="stretch")  # fmt: skip
threshold = threshold_col.slider("Confidently wrong: p(true class) below", 0.01, 0.5, 0.1, 0.01, key="grads.threshold")
log = log_col.toggle("Log y-axis", key="grads.log")
stats = timeline.confidently_wrong(table[table.seed == config.seed], threshold)  # per threshold, not per move


def fitting(key: str, data, wide: dict, stacked: dict) -> None:
    """A chart in both layouts; ui/fitting.css shows the one that fits the column (phones get the stacked one)."""
    with st.container(key=f"fits-{key}"):
        st.container(key=f"wide-{key}").vega_lite_chart(data, wide)
        st.container(key=f"stacked-{key}").vega_lite_chart(data, stacked)


def draw(view: grad_charts.View) -> None:
    """One checkpoint: statuses, sentences, linked scatter, timeline, parameter space."""
    for name, text in view.problems.items():
        st.warning(f"**{name}** {text}: no chart for this run.", icon=":material/warning:")
    for sentence in view.sentences:
        st.markdown(sentence)
    if view.scatter is not None:
        fitting("scatter", *view.scatter, view.stacked[0])
        st.caption(
            "Shaded: the confidently wrong band. Black lines: ‖∂ℓ/∂z‖ as a function of p alone; for softmax losses it "
            "assumes the wrong mass sits on one class (for cross-entropy an upper bound: spread evenly it is "
            "(1 − p)·√(C/(C − 1)))."
            + (" Drag a rectangle in any panel: the same samples light up in the others." if view.two_d else "")
        )
    st.subheader("Through training")
    fitting("timeline", *view.timeline, view.stacked[1])
    if view.histogram is None:
        return
    st.subheader("Parameter space: ‖∂ℓᵢ/∂θ‖ per sample")
    left, right = st.columns([1, 1])
    left.vega_lite_chart(*view.histogram)
    names = {"p_true": "p(true)", "dlogit_norm": "‖∂ℓ/∂z‖", "param_grad_norm": "‖∂ℓ/∂θ‖"}
    formats = {"p_true": "%.4f", "dlogit_norm": "%.2e", "param_grad_norm": "%.2e"}  # norms span decades: one form each
    fmt = {c: st.column_config.NumberColumn(label, format=formats[c]) for c, label in names.items()}
    right.dataframe(view.extremes, hide_index=True, column_config=fmt, height=420)
    right.caption(
        "A layer's gradient for one sample is δᵢaᵢᵀ, of norm ‖δᵢ‖·‖aᵢ‖: one backward pass gives every sample's "
        "(core/backprop.py), equal to torch.func's vmap over grad of each sample's own loss (tests/test_grads.py)."
    )


@st.fragment(run_every=PLAY_SECONDS if playing else None)
def scrub() -> None:
    """The checkpoint slider and its views; while playing, each tick moves one checkpoint on."""
    state = st.session_state
    if state.get("grads.epoch") not in epochs:
        state["grads.epoch"] = epochs[-1]
    if state.get("grads.playing"):
        at = epochs.index(state["grads.epoch"])
        if at + 1 < len(epochs):
            state["grads.epoch"] = epochs[at + 1]
        else:
            state["grads.playing"] = False
            st.rerun()  # the whole page: the timer stops and the button reads Play again
    epoch = st.select_slider("Checkpoint", epochs, key="grads.epoch", format_func=lambda e: f"epoch {e}")
    draw(grad_charts.checkpoint_view(table, stats, config.losses, config.seed, config.classes, epoch, threshold, log))


scrub()

st.subheader("Reductions: whose gradient is this?")
st.markdown(
    "Every gradient on this page is of **one sample's own loss** ℓᵢ. Training minimised the mean-reduced batch loss "
    "L = (1/N)·Σᵢ ℓᵢ, whose gradient is the **average** of these: ∂L/∂θ = (1/N)·Σᵢ ∂ℓᵢ/∂θ. So sample i's share of a mean-reduced "
    'gradient is (1/N)·∂ℓᵢ/∂θ; libraries such as Opacus (`loss_reduction="mean"`) multiply by N for this reason. '
    "And ∂ℓᵢ/∂θ = (∂zᵢ/∂θ)ᵀ·∂ℓᵢ/∂zᵢ: the network's Jacobian ∂zᵢ/∂θ is the same for every loss at the same weights "
    "(epoch 0, one seed), so there the loss acts only through ∂ℓᵢ/∂zᵢ."
)
if config.seeds > 1:
    st.caption(f"Charts show seed {config.seed}, one of the {config.seeds} seeds trained together.")
