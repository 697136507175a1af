"""Theory page charts (also the home page's and the tour's neuron): DataFrame in, Altair chart out, no streamlit."""

import altair as alt
import pandas as pd

import ui.chart_theme  # noqa: F401  (registers the theme every chart is built with)
from core.losses import color as color_of
from core.losses import dash

CURVE_LOSSES = {"cross-entropy": "ce", "MSE": "mse"}  # curves drawn in their loss's colour and dash; others: reference


def _loss_of(name: str) -> str:
    return next((loss for key, loss in CURVE_LOSSES.items() if name.startswith(key)), "")


def _magnitudes(frame: pd.DataFrame) -> pd.DataFrame:
    """|value|, without the zeros a log axis cannot show."""
    frame = frame.assign(value=frame.value.abs())
    return frame[frame.value > 0]


def neuron_panel(
    curves: pd.DataFrame, quantity: str, z_now: float, marks: pd.DataFrame, title: str, log: bool = False
) -> alt.LayerChart:
    """Curves of one quantity against z, a rule at the current z, and dots at the current values."""
    data, marks = curves[curves.quantity == quantity], marks[marks.quantity == quantity]
    if log:
        data, marks = _magnitudes(data), _magnitudes(marks)
    y_scale = alt.Scale(type="log") if log else alt.Scale()
    names = list(dict.fromkeys(data.curve))
    color = alt.Color("curve:N", title=None, scale=alt.Scale(domain=names, range=[color_of(_loss_of(n)) for n in names]))
    color = color.legend(orient="bottom", columns=2)  # two columns: three in a row ran off a phone
    dashes = alt.StrokeDash("curve:N", title=None, scale=alt.Scale(domain=names, range=[dash(_loss_of(n)) for n in names]))
    lines = (
        alt.Chart(data, title=alt.Title(title.split("; ")))  # a line per clause: one long line ran off a phone
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("z:Q", title="logit z"),
            y=alt.Y("value:Q", title=f"|{quantity}|" if log else quantity, scale=y_scale),
            color=color,
            strokeDash=dashes.legend(orient="bottom", columns=2),
            tooltip=["curve", alt.Tooltip("z:Q", format=".2f"), alt.Tooltip("value:Q", format=".5f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"z": [z_now]})).mark_rule(color="black", strokeDash=[3, 3]).encode(x="z:Q")
    dots = (
        alt.Chart(marks)
        .mark_point(filled=True, size=90, stroke="black")
        .encode(x="z:Q", y="value:Q", color=color, tooltip=["curve", alt.Tooltip("value:Q", format=".5f")])
    )
    description = f"Line chart: {title}, one line per curve ({', '.join(names)}); a dashed rule and dots mark z = {z_now:g}."
    return (lines + rule + dots).properties(height=300, description=description)


def slowdown_chart(table: pd.DataFrame, value: str, title: str) -> alt.Chart:
    """Nielsen's neuron over epochs: colour = cost, dash = start (core.theory.slowdown)."""
    costs = ["quadratic", "cross-entropy"]
    return (
        alt.Chart(table, title=title)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("epoch:Q"),
            y=alt.Y(f"{value}:Q", title=value.replace("_", " ")),
            color=alt.Color("cost:N", scale=alt.Scale(domain=costs, range=[color_of("mse"), color_of("ce")])),
            strokeDash=alt.StrokeDash("start:N", title="start"),
            tooltip=["start", "cost", "epoch", alt.Tooltip(f"{value}:Q", format=".4f")],
        )
        .properties(
            height=260, description=f"Line chart: {title} against epoch, one line per cost (quadratic, cross-entropy) and start."
        )
    )
