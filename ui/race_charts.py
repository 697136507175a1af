"""Race charts as (data, spec): pure data preparation, plus a Vega-Lite spec built once per set of losses.

A live frame is redrawn several times a second, and the browser's Vega does its work per row and per mark:
live frames ship at most LIVE_POINTS epochs per line and no tooltips; the finished race shows every epoch.
"""

import math
from typing import NamedTuple

import altair as alt
import pandas as pd
import pyarrow as pa

from core.losses import color, dash
from core.snapshots import Snapshot
from core.summary import per_epoch, summarize, verdict
from ui.memo import once
from ui.specs import frozen

HEIGHT = 230
LIVE_POINTS = 100  # epochs per line in a live frame (~6 px apart on a half-page chart)


def loss_color(losses: tuple[str, ...]) -> alt.Color:
    """One colour per loss (the registry's), the same on every chart and page."""
    return alt.Color("run:N", title="loss", scale=alt.Scale(domain=list(losses), range=[color(name) for name in losses]))


def loss_dash(losses: tuple[str, ...]) -> alt.StrokeDash:
    """One dash per loss (the registry's): lines differ by more than colour. Same field and title: one legend."""
    return alt.StrokeDash("run:N", title="loss", scale=alt.Scale(domain=list(losses), range=[dash(name) for name in losses]))


def thin(epochs: pd.DataFrame, points: int = LIVE_POINTS) -> pd.DataFrame:
    """per_epoch rows at every k-th epoch (at most ~`points` per run), keeping each run's latest epoch."""
    stride = max(1, math.ceil((epochs.epoch.max() + 1) / points))
    latest = epochs.epoch == epochs.groupby("run").epoch.transform("max")
    return epochs[(epochs.epoch % stride == 0) | latest]


def _columns(epochs: pd.DataFrame, value: str) -> pd.DataFrame:
    """Only what a band-lines chart reads: the browser converts every shipped cell."""
    return epochs[["run", "epoch", value, f"{value}_min", f"{value}_max"]]


class Style(NamedTuple):
    """How the curves are drawn. Live (frames while training, and the preview before): thinned data, no
    tooltips, and the epoch axis fixed at 0..epochs for the lines to grow into. Otherwise: every epoch,
    tooltips, and an axis fitted to the data."""

    bands: bool = True  # seed min–max bands
    live: bool = False
    epochs: int = 0  # the axis length when live

    @classmethod
    def of_race(cls, seeds: int, live: bool, epochs: int) -> "Style":
        """Bands only with several seeds (one seed's band is its line)."""
        return cls(bands=seeds > 1, live=live, epochs=epochs if live else 0)


FINISHED = Style()  # what the other pages draw: a finished race, every epoch


def _epoch_axis(style: Style) -> alt.X:
    return alt.X("epoch:Q", title="epoch", scale=alt.Scale(domain=[0, style.epochs]) if style.live else alt.Undefined)


def _band_lines(value: str, losses: tuple[str, ...], title: str, y_title: str, scale: alt.Scale, style: Style):
    """Seed-mean line per loss, and a min–max band when there are several seeds."""
    description = f"Line chart, one line per loss ({', '.join(losses)}): {y_title} against epoch. {title}."
    base = alt.Chart(title=title).encode(x=_epoch_axis(style), color=loss_color(losses))
    tooltip = ["run:N", "epoch:Q", alt.Tooltip(f"{value}:Q", format=".4g")] if not style.live else alt.Undefined
    y = alt.Y(f"{value}:Q", title=y_title, scale=scale)
    line = base.mark_line(strokeWidth=2).encode(y=y, strokeDash=loss_dash(losses), tooltip=tooltip)
    band = base.mark_area(opacity=0.2).encode(y=f"{value}_min:Q", y2=f"{value}_max:Q")
    return (alt.layer(band, line) if style.bands else alt.layer(line)).properties(height=HEIGHT, description=description)


def loss_data(epochs: pd.DataFrame) -> pd.DataFrame:
    return _columns(epochs, "relative_loss")


@frozen
def loss_spec(losses: tuple[str, ...], style: Style = FINISHED) -> alt.LayerChart:
    """Data: loss_data(per_epoch(history)); each loss divided by its own epoch-0 value, from 0."""
    title = "Loss ÷ its epoch-0 value (each loss on its own scale)"
    return _band_lines("relative_loss", losses, title, "loss / loss₀", alt.Scale(zero=True), style)


def gradient_data(epochs: pd.DataFrame) -> pd.DataFrame:
    """per_epoch rows a log axis can show (no zeros)."""
    return _columns(epochs[epochs.mean_dlogit_norm_min > 0], "mean_dlogit_norm")


@frozen
def gradient_spec(losses: tuple[str, ...], style: Style = FINISHED) -> alt.LayerChart:
    title = "Mean ‖∂ℓ/∂z‖ over training samples (log axis)"
    return _band_lines("mean_dlogit_norm", losses, title, "mean ‖∂ℓ/∂z‖", alt.Scale(type="log"), style)


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
def accuracy_spec(losses: tuple[str, ...], style: Style = FINISHED) -> alt.LayerChart:
    base = alt.Chart(title="Accuracy: train (thick), validation (thin)").encode(
        x=_epoch_axis(style), color=loss_color(losses), detail="split:N"
    )
    width = alt.StrokeWidth("split:N", scale=alt.Scale(domain=["train", "validation"], range=[2.5, 1.2]), legend=None)
    line = base.mark_line().encode(
        y=alt.Y("value:Q", title="accuracy", scale=alt.Scale(domain=[0, 1])),
        strokeDash=loss_dash(losses),  # dash tells the losses apart, so the split is the line's width
        strokeWidth=width,
        tooltip=["run:N", "split:N", "epoch:Q", alt.Tooltip("value:Q", format=".3f")] if not style.live else alt.Undefined,
    )
    band = base.mark_area(opacity=0.15).encode(y="value_min:Q", y2="value_max:Q")
    description = f"Line chart, two lines per loss ({', '.join(losses)}): train and validation accuracy against epoch."
    return (alt.layer(band, line) if style.bands else alt.layer(line)).properties(height=HEIGHT, description=description)


def specs(losses: tuple[str, ...], style: Style, shared: bool = False) -> list[dict]:
    """Loss, accuracy, gradient and p(true class) specs (`shared`: the cached dicts themselves, not copies)."""
    builders = [loss_spec, accuracy_spec, gradient_spec]
    if shared:
        return [b.shared(losses, style) for b in builders] + [p_true_spec.shared(losses, tooltips=not style.live)]
    return [b(losses, style) for b in builders] + [p_true_spec(losses, tooltips=not style.live)]


def prepare(losses: tuple[str, ...], seeds: int, epochs: int) -> None:
    """Build every spec a race of these losses draws (Altair takes ~0.2 s) before Start, so no frame waits for it."""
    for live in (True, False):
        specs(losses, Style.of_race(seeds, live, epochs), shared=True)


def frame_charts(epochs: pd.DataFrame, p_true: pd.DataFrame, losses: tuple[str, ...], style: Style):
    """[(data, spec)] of the four race charts from per_epoch rows and the p(true class) histogram."""
    return list(zip(_frame_data(epochs, p_true, style.live), specs(losses, style), strict=True))


def _frame_data(epochs: pd.DataFrame, p_true: pd.DataFrame, live: bool) -> list[pd.DataFrame]:
    epochs = thin(epochs) if live else epochs
    return [loss_data(epochs), accuracy_data(epochs), gradient_data(epochs), p_true]


@once
def _snapshot_data(snapshot: Snapshot, live: bool) -> list[pa.Table]:
    """Chart data of a snapshot, made once as Arrow tables: everyone watching the same race draws the same snapshots,
    and Streamlit ships an Arrow table without converting it again for each of them."""
    frames = _frame_data(per_epoch(snapshot.table()), snapshot.views.p_true, live)
    return [pa.Table.from_pandas(frame, preserve_index=False) for frame in frames]


class Result(NamedTuple):
    """What the race page shows under a finished or stopped race."""

    verdict: str
    table: pd.DataFrame  # core.summary.summarize, epochs shown as text ("never" where a loss never got there)
    csv: str  # the history as `python -m core train` writes it


@once
def result(snapshot: Snapshot) -> Result:
    """The Result section of a snapshot, made once for everyone who stopped or finished there."""
    history = snapshot.table()
    summary = summarize(history)
    epochs = ["epochs to 90% of best", "epochs to 99% of best"]
    table = summary.astype({c: "string" for c in epochs}).fillna("never")
    return Result(verdict(summary, snapshot.epoch), table, history.to_csv(index=False))


def snapshot_charts(snapshot: Snapshot, style: Style):
    """frame_charts of a snapshot, everything shared and read-only: st.vega_lite_chart only reads them."""
    return list(zip(_snapshot_data(snapshot, style.live), specs(snapshot.config.losses, style, shared=True), strict=True))


@frozen
def p_true_spec(losses: tuple[str, ...], tooltips: bool = True) -> alt.Chart:
    """Pre-binned p(true class) (core.views.p_true_histogram), one row per loss; mass near 0 = confidently wrong.

    Rows, not columns: a fixed-width panel per loss side by side ran off a phone's screen."""
    row = alt.Row("run:N", title=None, sort=list(losses), header=alt.Header(labelAngle=0, labelAlign="left"))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("p_from:Q", title="p(true class)", scale=alt.Scale(domain=[0, 1])),
            x2="p_to:Q",
            y=alt.Y("count:Q", title="samples"),
            y2=alt.datum(0),
            color=loss_color(losses).legend(None),
            row=row,
            tooltip=["run:N", "p_from:Q", "p_to:Q", "count:Q"] if tooltips else alt.Undefined,
        )
    )
    description = f"Histograms, one per loss ({', '.join(losses)}): training samples by predicted probability of the true class."
    title = "Predicted probability of the true class (training set)"
    height = max(50, (HEIGHT - 40) // len(losses) - 20)  # all rows together about as tall as the chart beside it
    return bars.properties(title=title, height=height, width=220, description=description)
