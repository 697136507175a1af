"""Loss race: cross-entropy vs MSE trained live from the same start, the evidence drawn as it happens."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from core import regions, views
from core.engine import RECORD_COLUMNS, Race
from core.export import pytorch_script
from core.presets import PRESETS
from core.summary import per_epoch, summarize, verdict
from ui import config_form, links, live, race_charts, shell

PAGE = live.RACE_PAGE
GROUPS = {
    "Race": ["losses", "epochs", "seeds", "seed"],
    "Data": ["dataset", "classes", "samples", "noise", "label_noise", "val_fraction"],
    "Model": ["hidden", "activation", "init_scale"],
    "Optimiser": ["optimizer", "lr", "momentum", "batch_size"],
    "Square loss on logits (mse-logits)": ["square_k", "square_m"],
}
LINK = links.Link(PAGE, tuple(field for fields in GROUPS.values() for field in fields), PRESETS["Default"])

shell.setup("Loss race", LINK)
st.title("Loss race: cross-entropy vs MSE")
st.markdown(
    "Every run starts from **the same weights** and sees **the same batches**: only the loss differs. "
    "Watch the mean ‖∂ℓ/∂z‖ chart: where MSE's gradient collapses, its accuracy stalls."
)

with st.sidebar:
    st.markdown("#### Settings")
    config, problem = config_form.config_form(LINK, GROUPS)

st.caption("Presets")
for column, (name, preset) in zip(st.columns(len(PRESETS)), PRESETS.items()):
    column.button(name, on_click=config_form.apply, args=(LINK, preset), key=f"preset.{name}", width="stretch")
if problem:
    st.warning(f"Fix this setting to train: {problem}", icon=":material/tune:")
live.buttons(PAGE, config)
if config is not None:
    race_charts.prepare(config.losses, config.seeds, config.epochs)  # cached: no frame, not even the last, waits on Altair
race: Race | None = live.state(PAGE).race


def draw(race: Race | None) -> None:
    """One frame: progress, curves, per-sample views; before Start, the starting point Start will train from."""
    preview = race is None
    if preview:
        if config is None:
            st.info("Fix the settings in the sidebar, then press **Start**.", icon=":material/tune:")
            return
        race = Race(config)  # epoch 0 only; the same layout as a live frame, so Start just updates it
    c, history = race.config, pd.DataFrame(race.history, columns=RECORD_COLUMNS)
    what = "not started: each loss from the same initial weights. Press Start." if preview else f"{len(race.runs)} runs"
    st.progress(race.epoch / c.epochs, text=f"Epoch {race.epoch} of {c.epochs} · {what}")
    for (name, seed), status in zip(race.runs, race.status):
        if status != "ok":
            st.warning(
                f"**{name}** (seed {seed}) {status}; it stopped there, the other runs carry on.", icon=":material/warning:"
            )
    style = race_charts.Style.of_race(c.seeds, live=preview or live.state(PAGE).training, epochs=c.epochs)
    top_left, top_right, bottom_left, bottom_right = [*st.columns(2), *st.columns(2)]
    loss, accuracy, gradient, p_true = race_charts.frame_charts(per_epoch(history), views.p_true_histogram(race), c.losses, style)
    for column, (data, spec) in [(top_left, loss), (top_right, accuracy), (bottom_left, gradient)]:
        column.vega_lite_chart(data, spec, width="stretch")
    bottom_right.vega_lite_chart(*p_true)  # fixed-width panels, one per loss
    if race.data.input_dim == 2:
        probs, points, shown = views.decision_grid(race)
        if shown:
            st.caption("Decision regions (colour = predicted class, stronger = more confident) with the training points")
            images = [regions.region_image(p, points, race.data.y_train).numpy() for p in probs]
            st.image(images, caption=[race.runs[r][0] for r in shown], width=330)
    if c.seeds > 1:
        st.caption(f"Lines: mean over {c.seeds} seeds; bands: min–max. Decision regions and histograms: seed {c.seed}.")


frames = st.container()  # filled last, so a page run can keep drawing frames there without holding up the rest

if race is not None and not live.state(PAGE).training and race.epoch > 0:
    history = pd.DataFrame(race.history, columns=RECORD_COLUMNS)
    summary = summarize(history)
    st.subheader("Result")
    st.markdown(verdict(summary, race.epoch))
    shown = summary.astype({c: "string" for c in ["epochs to 90% of best", "epochs to 99% of best"]}).fillna("never")
    percent = st.column_config.NumberColumn(format="percent")
    st.dataframe(shown, hide_index=True, column_config={"final accuracy": percent, "final val accuracy": percent})
    if race.config.optimizer == "adam":
        st.caption("Adam divides each gradient by its running size, which hides much of MSE's small gradient: try SGD.")
    left, right = st.columns(2)
    left.download_button(
        "Download history (CSV)", history.to_csv(index=False), "loss_race_history.csv", "text/csv", icon=":material/download:"
    )
    right.caption("Same columns as `python -m core train`.")
    with st.expander("Show as PyTorch code"):
        st.code(pytorch_script(race.config), language="python")

if config is not None:
    with st.expander("Share this configuration"):
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(config.to_dict())}", language=None)
        st.caption("Opening the link restores these settings; pressing Start reproduces the same numbers.")

with frames:
    live.live_view(PAGE, draw, last_on_page=True)
