"""Race charts as (data, spec): pure data preparation, plus a Vega-Lite spec built once per set of losses."""

import altair as alt
import pandas as pd

from ui.specs import frozen

LOSS_COLORS = {
    "ce": "#1f77b4", "bce": "#1f77b4", "mse": "#ff7f0e", "mse-sigmoid": "#ff7f0e",
    "mse-logits": "#2ca02c", "softmax-ce": "#d62728", "mae": "#9467bd",
}  # fmt: skip
HEIGHT = 230


def loss_color(runs: tuple[str, ...]) -> alt.Color:
    """One colour per loss, the same on every chart and page."""
    return alt.Color("run:N", title="loss", scale=alt.Scale(domain=list(runs), range=[LOSS_COLORS[r] for r in runs]))


def _band_lines(value: str, runs: tuple[str, ...], title: str, y_title: str, log: bool = False) -> alt.LayerChart:
    """Seed-mean line per loss and a min–max band (visible with several seeds)."""
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    base = alt.Chart(title=title).encode(x=alt.X("epoch:Q", title="epoch"), color=loss_color(runs))
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y(f"{value}:Q", title=y_title, scale=scale),
        tooltip=["run:N", "epoch:Q", alt.Tooltip(f"{value}:Q", format=".4g")],
    )
    band = base.mark_area(opacity=0.2).encode(y=f"{value}_min:Q", y2=f"{value}_max:Q")
    return alt.layer(band, line).properties(height=HEIGHT)


@frozen
def loss_spec(runs: tuple[str, ...]) -> alt.LayerChart:
    """Data: core.summary.per_epoch(history); each loss divided by its own epoch-0 value."""
    return _band_lines("relative_loss", runs, "Loss ÷ its epoch-0 value (each loss on its own scale)", "loss / loss₀")


def gradient_data(epochs: pd.DataFrame) -> pd.DataFrame:
    """per_epoch rows a log axis can show (no zeros)."""
    return epochs[epochs.mean_dlogit_norm_min > 0]


@frozen
def gradient_spec(runs: tuple[str, ...]) -> alt.LayerChart:
    title = "Mean ‖∂ℓ/∂z‖ over training samples (log axis)"
    return _band_lines("mean_dlogit_norm", runs, title, "mean ‖∂ℓ/∂z‖", log=True)


def accuracy_data(data: pd.DataFrame) -> pd.DataFrame:
    """Long table from per_epoch rows: train and validation accuracy (seed mean, min, max) per run and epoch."""
    return pd.concat(
        [
            data[["run", "epoch"]].assign(
                split=split, value=data[col], value_min=data[f"{col}_min"], value_max=data[f"{col}_max"]
            )
            for split, col in [("train", "accuracy"), ("validation", "val_accuracy")]
        ],
        ignore_index=True,
    )


@frozen
def accuracy_spec(runs: tuple[str, ...]) -> alt.LayerChart:
    base = alt.Chart(title="Accuracy: train (solid), validation (dashed)").encode(
        x=alt.X("epoch:Q"), color=loss_color(runs), detail="split:N"
    )
    dash = alt.StrokeDash("split:N", scale=alt.Scale(domain=["train", "validation"], range=[[1, 0], [5, 4]]), legend=None)
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("value:Q", title="accuracy", scale=alt.Scale(domain=[0, 1])),
        strokeDash=dash,
        tooltip=["run:N", "split:N", "epoch:Q", alt.Tooltip("value:Q", format=".3f")],
    )
    band = base.mark_area(opacity=0.15).encode(y="value_min:Q", y2="value_max:Q")
    return alt.layer(band, line).properties(height=HEIGHT)


@frozen
def p_true_spec(runs: tuple[str, ...]) -> alt.Chart:
    """Pre-binned p(true class) (core.views.p_true_histogram), one panel per loss; mass near 0 = confidently wrong."""
    column = alt.Column("run:N", title="Predicted probability of the true class (training set)", sort=list(runs))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("p_from:Q", title="p(true class)", scale=alt.Scale(domain=[0, 1])),
            x2="p_to:Q",
            y=alt.Y("count:Q", title="samples"),
            y2=alt.datum(0),
            color=loss_color(runs).legend(None),
            column=column,
            tooltip=["run:N", "p_from:Q", "p_to:Q", "count:Q"],
        )
    )
    return bars.properties(height=HEIGHT - 60, width=200)
