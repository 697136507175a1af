"""Pure Altair builders for 'When is MSE fine?': reliability diagram, label-noise and class-count sweeps, checkpoints."""

import math

import altair as alt
import pandas as pd

import ui.chart_theme  # noqa: F401  (registers the theme every chart is built with)
from core.losses import color, dash
from core.palette import BLACK, GREY

RESCALED_DASH = (1, 2)  # "mse-logits (k=…, M=…)": its own colour and dash
LEGEND = alt.Legend(orient="top", columns=2)  # on the right, long loss names left a phone's plot ~110 px
LEGEND_ROOM = 60  # px of a chart's height the legend above it takes (Streamlit fits title, legend and plot in the height)


def _text(title: str | list[str]) -> str:
    return " ".join(title) if isinstance(title, list) else title


def _colors(series: list[str]) -> alt.Scale:
    """Registry colours by loss; the rescaled variant "mse-logits (k=…, M=…)" gets its own."""
    return alt.Scale(domain=series, range=[color(name, GREY) if "(" not in name else BLACK for name in series])


def _dashes(series: list[str]) -> alt.StrokeDash:
    """Registry dashes by loss, the rescaled variant its own; same title as the colour: one legend."""
    dashes = [dash(name) if "(" not in name else list(RESCALED_DASH) for name in series]
    return alt.StrokeDash("run:N", title="loss", scale=alt.Scale(domain=series, range=dashes), legend=LEGEND)


def reliability_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Accuracy against confidence per bin (dot size = samples); the diagonal is perfect calibration."""
    series = list(dict.fromkeys(table.run))
    diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(color="gray", strokeDash=[4, 4])
    title = alt.Title(["Reliability on validation data", "(dashed: perfectly calibrated)"])  # two lines: fits a phone
    base = alt.Chart(table, title=title).encode(
        x=alt.X("confidence:Q", title="mean confidence in bin", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("accuracy:Q", title="accuracy in bin", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("run:N", title="loss", scale=_colors(series), legend=LEGEND),
    )
    tooltip = [
        "run",
        "bin_from",
        "bin_to",
        alt.Tooltip("confidence:Q", format=".3f"),
        alt.Tooltip("accuracy:Q", format=".3f"),
        "count",
    ]
    dots = base.mark_circle(opacity=0.8).encode(
        size=alt.Size("count:Q", title="samples in bin", legend=alt.Legend(symbolType="circle")), tooltip=tooltip
    )
    description = f"Reliability diagram, one line per loss ({', '.join(series)}): accuracy against mean confidence per bin; dashed diagonal: perfect calibration."
    line = base.mark_line(strokeWidth=2).encode(strokeDash=_dashes(series))
    return (diagonal.encode(x="x:Q", y="y:Q") + line + dots).properties(height=320 + LEGEND_ROOM, description=description)


def accuracy_domain(*columns: pd.Series) -> list[float]:
    """A shared y range from the lowest value shown (to the 0.05 below) to 1: differences stay visible."""
    low = min((float(c.min()) for c in columns if c.notna().any()), default=0.0)  # all diverged: the whole range
    return [max(0.0, math.floor(low * 20) / 20), 1.0]


def sweep_chart(sweep: pd.DataFrame, x: str, x_title: str, title: str | list[str], log_x: bool = False,
                y: str = "val_accuracy", y_title: str = "validation accuracy", domain: list[float] | None = None) -> alt.Chart:  # fmt: skip
    """One accuracy per loss against a swept setting (validation accuracy unless told); a title list is one per line."""
    series = list(dict.fromkeys(sweep.run))
    tooltip = ["run", x, alt.Tooltip(f"{y}:Q", title=y_title, format=".3f"), "status"]
    tooltip += [alt.Tooltip("lr:Q", title="learning rate")] if "lr" in sweep else []
    return (
        alt.Chart(sweep, title=title)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale()),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=domain or [0, 1])),
            color=alt.Color("run:N", title="loss", scale=_colors(series), legend=LEGEND),
            strokeDash=_dashes(series),
            tooltip=tooltip,
        )
        .properties(
            height=300 + LEGEND_ROOM,
            description=f"Line chart, one line per loss ({', '.join(series)}): {y_title} against {x_title}. {_text(title)}.",
        )
    )


def epoch_chart(rows: pd.DataFrame, y: str, y_title: str, title: str, log_y: bool = False) -> alt.Chart:
    """One line per loss of a per-checkpoint column against epoch (a log axis leaves out zeros)."""
    series = list(dict.fromkeys(rows.run))
    shown = rows[rows[y] > 0] if log_y else rows
    scale = alt.Scale(type="log") if log_y else alt.Scale(domain=[0, 1])
    return (
        alt.Chart(shown, title=title)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("epoch:Q", title="epoch"),
            y=alt.Y(f"{y}:Q", title=y_title, scale=scale),
            color=alt.Color("run:N", title="loss", scale=_colors(series), legend=LEGEND),
            strokeDash=_dashes(series),
            tooltip=["run", "epoch", alt.Tooltip(f"{y}:Q", title=y_title, format=".3g")],
        )
        .properties(
            height=300 + LEGEND_ROOM,
            description=f"Line chart, one line per loss ({', '.join(series)}): {y_title} against epoch. {title}.",
        )
    )
