"""Practice page charts: core.practice tables in, Altair charts out, no streamlit."""

import altair as alt
import pandas as pd

import ui.chart_theme  # noqa: F401  (registers the theme every chart is built with)
from core.losses import color, dash
from core.palette import GREY, REFERENCE_DASH, SOLID

NORM_DOMAIN = [1e-7, 10]  # the square loss's exact zero at z_y = 1 would stretch a log axis to 1e-16
HEIGHT = 380  # the plot keeps ~250 px under a two-line title and a one-column legend
LABELS = {"ce": "cross-entropy", "mse": "MSE on softmax", "mse-logits": "square loss on logits",
          "bce": "cross-entropy (BCE)", "mse-sigmoid": "MSE, (p − y)²"}  # fmt: skip


def _legend(labels: list[str], colours: list[str], dashes: list[list[int]]) -> tuple[alt.Color, alt.StrokeDash]:
    """Colour and dash per label, in one legend above the plot."""
    colour = alt.Color("label:N", title=None, scale=alt.Scale(domain=labels, range=colours))
    dash_ = alt.StrokeDash("label:N", title=None, scale=alt.Scale(domain=labels, range=dashes))
    return colour.legend(orient="top", columns=1, labelLimit=280), dash_.legend(orient="top", columns=1, labelLimit=280)


def _line_chart(data: pd.DataFrame, title: list[str], x: alt.X, y: alt.Y, legend, tooltip: list, description: str) -> alt.Chart:
    """One line per `label`, styled by `legend` (a _legend pair)."""
    colors, dashes = legend
    return (
        alt.Chart(data, title=alt.Title(title))
        .mark_line(strokeWidth=2.5)
        .encode(x=x, y=y, color=colors, strokeDash=dashes, tooltip=tooltip)
        .properties(height=HEIGHT, description=description)
    )


def _lines(data: pd.DataFrame, title: str, x: alt.X, y: alt.Y, names: list[str], description: str) -> alt.Chart:
    """Registry losses under their labels, each in its own colour and dash."""
    legend = _legend([LABELS[n] for n in names], [color(n) for n in names], [dash(n) for n in names])
    labelled = data.assign(label=data["loss"].map(LABELS))
    return _line_chart(labelled, title.split("; "), x, y, legend, ["label:N", x.shorthand, y.shorthand], description)


def _rule(x: float, text: str) -> alt.LayerChart:
    """A dotted vertical reference line, labelled at the top."""
    base = alt.Chart(pd.DataFrame({"x": [x], "text": [text]}))
    rule = base.mark_rule(color=GREY, strokeDash=list(REFERENCE_DASH), strokeWidth=2).encode(x="x:Q")
    label = base.mark_text(color=GREY, align="left", baseline="top", dx=4, y=4).encode(x="x:Q", text="text:N")
    return rule + label


def gradient_chart(table: pd.DataFrame, classes: int) -> alt.Chart:
    """‖∂ℓ/∂z‖ against the true-class logit (core.practice.gradient_norms), log axis."""
    names = list(dict.fromkeys(table["loss"]))
    zeros = ", ".join(["0"] * (classes - 1))
    return _lines(
        table, f"‖∂ℓ/∂z‖ at z = [z_y, {zeros}], true class first; log axis",
        alt.X("z_y:Q", title="true-class logit z_y (left: confidently wrong)"),
        alt.Y("norm:Q", title="‖∂ℓ/∂z‖", scale=alt.Scale(type="log", domain=NORM_DOMAIN, clamp=True)), names,
        f"Line chart, log axis: the gradient norm of {', '.join(LABELS[n] for n in names)} against the true-class logit.",
    )  # fmt: skip


def expected_loss_chart(table: pd.DataFrame, q: float) -> alt.LayerChart:
    """Expected losses against the predicted probability (core.practice.expected_losses), a rule at the true q."""
    lines = _lines(
        table, f"Expected loss when the label is 1; with probability {q:g}",
        alt.X("p:Q", title="predicted probability p"), alt.Y("value:Q", title="expected loss"), ["bce", "mse-sigmoid"],
        f"Line chart: expected cross-entropy and MSE against the predicted probability; a rule at the true {q:g}.",
    )  # fmt: skip
    return alt.layer(lines, _rule(q, f"true probability {q:g}")).properties(description=lines.description)  # a layer's own


def binary_chart(table: pd.DataFrame) -> alt.Chart:
    """BCE on z and CE on [0, z] against z for both labels (core.practice.binary_equivalence): the lines coincide."""
    long = table.melt(id_vars=["z", "y"], value_vars=["bce", "ce"], var_name="loss", value_name="value")
    long["label"] = (
        long["loss"].map({"bce": "BCEWithLogits on z", "ce": "CrossEntropy on [0, z]"}) + ", y = " + long.y.astype(str)
    )
    names = sorted(long.label.unique())
    palette = {0: color("mse"), 1: color("ce")}
    legend = _legend(names, [palette[int(n[-1])] for n in names], [list(SOLID) if n.startswith("BCE") else [4, 4] for n in names])
    return _line_chart(
        long, ["Loss against the logit z:", "one line hides the other"],
        alt.X("z:Q", title="logit z"), alt.Y("value:Q", title="loss"), legend,
        ["label:N", "z:Q", alt.Tooltip("value:Q", format=".6g")],
        "Line chart: BCE with logits on z and cross-entropy on [0, z] against z, "
        "for labels 0 and 1; each pair of lines lies on top of each other.",
    )  # fmt: skip


def smoothing_chart(table: pd.DataFrame, margin: float) -> alt.LayerChart:
    """Label-smoothed cross-entropy against the logit margin (core.practice.smoothed_losses), a rule at its minimum."""
    data = table.assign(label="label_smoothing = " + table.eps.map("{:g}".format))
    names = list(dict.fromkeys(data.label))
    legend = _legend(names, [color("ce"), color("mse")][: len(names)], [list(SOLID), [7, 3]][: len(names)])
    lines = _line_chart(
        data, ["nn.CrossEntropyLoss against", "the true-class logit margin m"],
        alt.X("m:Q", title="margin m in z = [m, 0, …, 0]"), alt.Y("loss:Q", title="loss"), legend,
        ["label:N", "m:Q", alt.Tooltip("loss:Q", format=".5f")],
        "Line chart: cross-entropy with and without label smoothing against the "
        "logit margin; a rule at the smoothed loss's minimum.",
    )  # fmt: skip
    return alt.layer(lines, _rule(margin, f"minimum, m = {margin:.3f}")).properties(description=lines.description)


def adam_chart(history: pd.DataFrame, optimizers: list[str]) -> alt.Chart:
    """Training accuracy per epoch of each (optimizer, loss) run (core.practice.adam_rescue's histories)."""
    data = history[history.optimizer.isin(optimizers)]
    data = data.assign(label=data.optimizer + ", " + data["run"].map(LABELS))
    names = [f"{o}, {LABELS[n]}" for o in optimizers for n in ("ce", "mse")]
    palette = [color(n) for _ in optimizers for n in ("ce", "mse")]
    dashes = [list(SOLID), list(SOLID), [7, 3], [7, 3]][: len(names)]
    return (
        alt.Chart(data, title=alt.Title(["Training accuracy", "from the saturated start"]))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("epoch:Q"), y=alt.Y("accuracy:Q", title="training accuracy", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("label:N", title=None, scale=alt.Scale(domain=names, range=palette)).legend(orient="top", columns=1, labelLimit=280),
            strokeDash=alt.StrokeDash("label:N", title=None, scale=alt.Scale(domain=names, range=dashes)).legend(orient="top", columns=1, labelLimit=280),
            tooltip=["label:N", "epoch:Q", alt.Tooltip("accuracy:Q", format=".3f")],
        )
        .properties(height=HEIGHT, description="Line chart: training accuracy against epoch for cross-entropy and MSE, "
                    f"trained with {' and '.join(optimizers)}.")
    )  # fmt: skip


def share_chart(table: pd.DataFrame) -> alt.Chart:
    """Each class's share of the gradient, stacked: plain mean against balanced weights (core.practice.imbalance_shares)."""
    data = table.assign(klass="class " + table["class"].astype(str) + " (" + table.samples.astype(str) + " samples)")
    return (
        alt.Chart(data, title=alt.Title(["Share of Σᵢ‖∂L/∂zᵢ‖ by class,", "at a uniform start"]))
        .mark_bar()
        .encode(
            x=alt.X("scheme:N", title=None, sort=["mean", "weighted"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title="share", stack="zero", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color("klass:N", title=None, scale=alt.Scale(range=[color("ce"), color("mse")])).legend(
                orient="top", columns=1, labelLimit=280, symbolType="square", symbolStrokeWidth=0
            ),  # filled squares for bars: the theme's strokes are for lines
            tooltip=["scheme:N", "klass:N", alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(height=HEIGHT, description="Stacked bars: each class's share of the gradient with the plain mean and "
                    "with balanced class weights.")
    )  # fmt: skip
