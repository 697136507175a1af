"""Loss race: cross-entropy vs MSE trained live from the same start, the evidence drawn as it happens."""

from urllib.parse import urlencode

import streamlit as st

from core.export import pytorch_script
from core.palette import CLASSES
from core.presets import PRESETS, playground_note
from core.snapshots import Snapshot
from ui import cached, config_form, links, live, race_charts, shell, upload

PAGE = live.RACE_PAGE
KIND = "race"  # the views its frames draw (core.snapshots.KINDS)
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
    "Watch the mean ‖∂ℓ/∂z‖ chart: where MSE's gradient collapses, as it does from the **Saturated start** preset's "
    "confidently wrong weights, its accuracy stalls."
)

with st.sidebar:
    st.markdown("#### Settings")
    settings = upload.settings(LINK, GROUPS)
config, problem = settings.config, settings.problem

st.caption("Presets")
preset_columns = [column for _ in range(0, len(PRESETS), 3) for column in st.columns(3)]  # rows of 3: whole names fit
for column, (name, preset) in zip(preset_columns, PRESETS.items()):
    column.button(name, on_click=config_form.apply, args=(LINK, preset), key=f"preset.{name}", width="stretch")
if problem:
    st.warning(f"Fix this setting to train: {problem}", icon=":material/tune:")
elif note := playground_note(config):
    st.caption(note)
if config is not None:
    race_charts.prepare(config.losses, config.seeds, config.epochs)  # cached: no frame, not even the last, waits on Altair


def progress_note(s: live.Live) -> str:
    """What the progress bar says besides the epoch."""
    if s.shown is not None:
        return f"{len(s.shown.runs)} runs"
    if not s.pending:
        return "not started: each loss from the same initial weights. Press Start."
    return live.waiting_note(s.ahead) if s.ahead else "starting"


def draw(s: live.Live) -> None:
    """One frame: progress, curves, per-sample views; before Start, the starting point Start will train from."""
    race = s.shown
    if race is None:
        if config is None and s.ticket is None:
            st.info("Fix the settings in the sidebar, then press **Start**.", icon=":material/tune:")
            return
        job = s.ticket.job if s.ticket else None  # the same layout as a frame:
        start, data = (job.config, job.data) if job else (config, upload.dataset_for(config))
        race = upload.preview(PAGE, start, data, KIND) if start.source else cached.preview(start, KIND)
    c = race.config
    st.progress(race.epoch / c.epochs, text=f"Epoch {race.epoch} of {c.epochs} · {progress_note(s)}")
    for (name, seed), status in zip(race.runs, race.status):
        if status != "ok":
            st.warning(
                f"**{name}** (seed {seed}) {status}; it stopped there, the other runs carry on.", icon=":material/warning:"
            )
    style = race_charts.Style.of_race(c.seeds, live=s.shown is None or s.training, epochs=c.epochs)
    top_left, top_right, bottom_left, bottom_right = [*st.columns(2), *st.columns(2)]
    loss, accuracy, gradient, p_true = race_charts.snapshot_charts(race, style)
    for column, (data, spec) in [(top_left, loss), (top_right, accuracy), (bottom_left, gradient)]:
        column.vega_lite_chart(data, spec, width="stretch")
    bottom_right.vega_lite_chart(*p_true)  # fixed-width panels, one per loss
    views = race.views
    if views.regions:
        when = "" if views.epoch == race.epoch else f" at epoch {views.epoch} (drawn less often than the curves)"
        repeat = (
            f"; beyond {len(CLASSES)} classes colours repeat (class k as k + {len(CLASSES)})" if c.classes > len(CLASSES) else ""
        )
        st.caption(
            f"Decision regions{when} (colour = predicted class, stronger = more confident) with the training points{repeat}"
        )
        pictures, names = [image for _, image in views.regions], [name for name, _ in views.regions]
        alt = [f"Decision regions of {name} at epoch {views.epoch}: the input plane coloured by predicted class, "
               "training points on top" for name in names]  # fmt: skip
        st.image(pictures, caption=names, width=330, output_format="PNG", alt=alt)  # as encoded: "auto" would re-encode as JPEG
    if c.seeds > 1:
        st.caption(f"Lines: mean over {c.seeds} seeds; bands: min–max. Decision regions and histograms: seed {c.seed}.")


def result(shown: Snapshot) -> None:
    """The stopped or finished race: verdict, final numbers, its history, and the script that reproduces it."""
    made = race_charts.result(shown)  # made once for everyone who finished the same race
    st.subheader("Result")
    st.markdown(made.verdict)
    percent = st.column_config.NumberColumn(format="percent")
    st.dataframe(made.table, hide_index=True, column_config={"final accuracy": percent, "final val accuracy": percent})
    if shown.config.optimizer == "adam":
        st.caption("Adam divides each gradient by its running size, which hides much of MSE's small gradient: try SGD.")
    left, right = st.columns(2)
    left.download_button("Download history (CSV)", made.csv, "loss_race_history.csv", "text/csv", icon=":material/download:")
    right.caption("Same columns as `python -m core train`.")
    if not shown.config.source:  # the script generates its data; an uploaded table is the visitor's own
        with st.expander("Show as PyTorch code"):
            st.code(pytorch_script(shown.config), language="python")


live.panel(PAGE, KIND, config, draw, result, upload.dataset_for(config))

if config is not None:
    with st.expander("Share this configuration"):
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(settings.link_config.to_dict())}", language=None)
        st.caption(links.DATA_NOT_IN_LINK if settings.table else links.LINK_REPRODUCES)

live.next_frame(PAGE)
