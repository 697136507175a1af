"""Pure Altair builders for 'When is MSE fine?': reliability diagram, label-noise and class-count sweeps."""

import altair as alt
import pandas as pd

import ui.chart_theme  # noqa: F401  (registers the theme every chart is built with)
from core.losses import color, dash
from core.palette import BLACK, GREY

RESCALED_DASH = (1, 2)  # "mse-logits (k=…, M=…)": its own colour and dash


def _colors(series: list[str]) -> alt.Scale:
    """Registry colours by loss; the rescaled variant "mse-logits (k=…, M=…)" gets its own."""
    return alt.Scale(domain=series, range=[color(name, GREY) if "(" not in name else BLACK for name in series])


def _dashes(series: list[str]) -> alt.StrokeDash:
    """Registry dashes by loss, the rescaled variant its own; same title as the colour: one legend."""
    dashes = [dash(name) if "(" not in name else list(RESCALED_DASH) for name in series]
    return alt.StrokeDash("run:N", title="loss", scale=alt.Scale(domain=series, range=dashes))


def reliability_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Accuracy against confidence per bin (dot size = samples); the diagonal is perfect calibration."""
    series = list(dict.fromkeys(table.run))
    diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(color="gray", strokeDash=[4, 4])
    title = alt.Title(["Reliability on validation data", "(dashed: perfectly calibrated)"])  # two lines: fits a phone
    base = alt.Chart(table, title=title).encode(
        x=alt.X("confidence:Q", title="mean confidence in bin", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("accuracy:Q", title="accuracy in bin", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("run:N", title="loss", scale=_colors(series)),
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
    return (diagonal.encode(x="x:Q", y="y:Q") + line + dots).properties(height=320, description=description)


def sweep_chart(sweep: pd.DataFrame, x: str, x_title: str, title: str, log_x: bool = False) -> alt.Chart:
    """Final validation accuracy per loss against a swept setting."""
    series = list(dict.fromkeys(sweep.run))
    return (
        alt.Chart(sweep, title=title)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale()),
            y=alt.Y("val_accuracy:Q", title="validation accuracy", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("run:N", title="loss", scale=_colors(series)),
            strokeDash=_dashes(series),
            tooltip=["run", x, alt.Tooltip("val_accuracy:Q", format=".3f"), "status"],
        )
        .properties(
            height=300,
            description=f"Line chart, one line per loss ({', '.join(series)}): validation accuracy against {x_title}. {title}.",
        )
    )
