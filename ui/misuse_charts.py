"""Misuse lab charts: pure DataFrame → Altair builders; the live ones are Vega-Lite specs built once (cached)."""

import altair as alt
import numpy as np
import pandas as pd

from core.losses import color, dash
from core.misuse import MARGIN
from core.palette import BLACK, GREY, REFERENCE_DASH, SOLID
from ui import race_charts
from ui.specs import frozen

FLOOR = "softmax-ce floor"
CAP = "softmax-ce cap e/(e + C − 1)"
LOSSES = ("ce", "softmax-ce")
METHOD_COLORS = {"log(softmax(z))": color("softmax-ce"), "log_softmax(z)": color("ce")}  # the bug's, the fix's
EVENT_COLORS = [BLACK, GREY]  # naive gradient NaN, naive value −inf
HEIGHT = 300  # live charts: room for a title and a legend on top without squashing the plot


def _run_color(names: list[str]) -> alt.Color:
    return alt.Color("run:N", title=None, scale=alt.Scale(domain=names, range=[color(n, GREY) for n in names]))


def loss_data(history: pd.DataFrame, floor: float, total_epochs: int) -> pd.DataFrame:
    """Raw loss per run and epoch, plus the floor as a two-point line across every epoch (keeps the x axis fixed)."""
    loss = history.loss.to_numpy()
    return pd.DataFrame({
        "run": np.concatenate([history.run.to_numpy(), [FLOOR, FLOOR]]),
        "epoch": np.concatenate([history.epoch.to_numpy(), [0, total_epochs]]),
        "loss": np.concatenate([np.where(np.isfinite(loss), loss, np.nan), [floor, floor]]),  # a diverged inf breaks the axis
        "label": [""] * (len(loss) + 1) + [f"floor {floor:.4f}"],
    })  # fmt: skip


def accuracy_data(history: pd.DataFrame) -> pd.DataFrame:
    """One seed's history in the long form race_charts.accuracy_spec draws (its seed band collapses to the line)."""
    value = np.concatenate([history.accuracy.to_numpy(), history.val_accuracy.to_numpy()])
    split = np.repeat(["train", "validation"], len(history))
    run, epoch = np.tile(history.run.to_numpy(), 2), np.tile(history.epoch.to_numpy(), 2)
    return pd.DataFrame({"run": run, "epoch": epoch, "split": split, "value": value, "value_min": value, "value_max": value})


@frozen
def loss_spec() -> alt.LayerChart:
    base = alt.Chart(title=alt.Title(["Training loss (raw values)", "and the softmax-ce floor"]))
    lines = base.mark_line(strokeWidth=2).encode(
        x=alt.X("epoch:Q"),
        y=alt.Y("loss:Q", title="mean training loss", scale=alt.Scale(zero=True)),
        color=_run_color([*LOSSES, FLOOR]).legend(orient="top", columns=2),  # two a row: the third ran off a phone
        strokeDash=alt.StrokeDash(
            "run:N", legend=None, scale=alt.Scale(domain=[*LOSSES, FLOOR], range=[dash(n) for n in [*LOSSES, FLOOR]])
        ),
        tooltip=["run:N", "epoch:Q", alt.Tooltip("loss:Q", format=".5f")],
    )
    labelled = base.transform_filter("datum.label").mark_text(color=GREY, fontSize=11, align="right", dy=10)
    text = labelled.encode(x="epoch:Q", y="loss:Q", text="label:N")  # below the line: softmax-ce sits just above it
    description = "Line chart: mean training loss of ce and softmax-ce against epoch, with softmax-ce's floor as a dotted line."
    return alt.layer(lines, text).properties(height=HEIGHT, description=description)


def confidence_data(histogram: pd.DataFrame, cap: float) -> pd.DataFrame:
    """Histogram rows with the doubled model's largest expressible probability as a column."""
    return histogram.assign(cap=cap)


@frozen
def confidence_spec() -> alt.LayerChart:
    base = alt.Chart(title="Largest probability per training sample")
    bars = base.mark_bar(opacity=0.6).encode(
        x=alt.X("p_from:Q", title="largest probability", scale=alt.Scale(domain=[0, 1])),
        x2="p_to:Q",
        y=alt.Y("count:Q", title="samples", stack=None),
        y2=alt.datum(0),  # ranged x (bins) needs an explicit base, or Vega-Lite draws thin ticks
        color=_run_color([*LOSSES, CAP]).legend(orient="top", columns=2),
        tooltip=["run:N", "p_from:Q", "p_to:Q", "count:Q"],
    )
    cap = base.transform_aggregate(cap="max(cap)").mark_rule(strokeDash=[6, 4], strokeWidth=2)
    rule = cap.encode(x="cap:Q", color=alt.datum(CAP), tooltip=[alt.Tooltip("cap:Q", format=".4f")])  # named in the legend
    description = (
        "Histograms of ce and softmax-ce: training samples by their largest predicted probability; a rule marks softmax-ce's cap."
    )
    return alt.layer(bars, rule).properties(height=HEIGHT, description=description)


def ratio_data(history: pd.DataFrame) -> pd.DataFrame:
    """‖∇θ L‖ of the doubled run ÷ the correct run's, per epoch (finite, positive: a log axis)."""
    names, epochs, norms = history.run.to_numpy(), history.epoch.to_numpy(), history.grad_norm.to_numpy()
    correct, doubled = (pd.Series(norms[names == name], index=epochs[names == name]) for name in LOSSES)
    ratio = (doubled / correct).replace([np.inf, -np.inf], np.nan)  # aligned on epoch: a diverged run stops early
    return pd.DataFrame({"epoch": ratio.index, "ratio": ratio.to_numpy()})[ratio.to_numpy() > 0]


@frozen
def ratio_spec() -> alt.LayerChart:
    title = alt.Title(["‖∇θ L‖ of softmax-ce ÷ ‖∇θ L‖ of ce", "(log axis; dashed: equal)"])  # one line: no plot on a phone
    base = alt.Chart(title=title)
    line = base.mark_line(strokeWidth=2, color=color("softmax-ce")).encode(
        x=alt.X("epoch:Q"),
        y=alt.Y("ratio:Q", title="gradient-norm ratio", scale=alt.Scale(type="log")),
        tooltip=["epoch:Q", alt.Tooltip("ratio:Q", format=".4g")],
    )
    one = alt.Chart(alt.Data(values=[{"ratio": 1}])).mark_rule(color=GREY, strokeDash=[6, 4]).encode(y="ratio:Q")
    description = "Line chart, log axis: softmax-ce's parameter-gradient norm divided by ce's against epoch; a dashed rule at 1."
    return alt.layer(line, one).properties(height=HEIGHT, description=description)


def accuracy_spec() -> dict:
    """The race page's accuracy chart, at this page's height."""
    return {**race_charts.accuracy_spec(LOSSES), "height": HEIGHT}


SWEEP_PANELS = [  # (columns of core.misuse.class_sweep → legend labels, title, y title, log y)
    ({"floor": "softmax-ce floor log(1 + (C − 1)/e)", "uniform_loss": "loss at uniform logits, log C"}, "Lowest softmax-ce loss", "loss", False),
    ({"max_prob": "softmax-ce cap e/(e + C − 1)", "uniform_prob": "uniform guess 1/C"}, "Largest probability", "probability", True),
    ({"grad_doubled": "softmax-ce", "grad_ce": "ce"}, f"max |∂ℓ/∂z| at z = [{MARGIN:g}, 0, …, 0]", "max |∂ℓ/∂z|", True),
]  # fmt: skip


def sweep_chart(sweep: pd.DataFrame, series: dict[str, str], title: str, y_title: str, log_y: bool = False) -> alt.Chart:
    """Columns of the class-count sweep (renamed by `series`) against C on a log axis."""
    long = sweep.melt(id_vars="C", value_vars=list(series), var_name="series", value_name="value")
    long["series"] = long.series.map(series)
    names = list(series.values())
    colors = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=[color("softmax-ce"), color("ce")]))
    dashes = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names, range=[list(SOLID), list(REFERENCE_DASH)]))
    return (
        alt.Chart(long, title=title)
        .mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("C:Q", title="classes C (log axis)", scale=alt.Scale(type="log"), axis=alt.Axis(values=[2, 10, 100, 1000])),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log") if log_y else alt.Scale()),
            color=colors.legend(orient="top", direction="vertical", labelLimit=260),
            strokeDash=dashes.legend(orient="top", direction="vertical", labelLimit=260),
            tooltip=["C:Q", "series:N", alt.Tooltip("value:Q", format=".6g")],
        )
        .properties(
            height=HEIGHT + 60, description=f"Line chart, log axes: {title} ({' and '.join(names)}) against the class count C."
        )
    )


def stability_chart(curve: pd.DataFrame, limits: dict[str, float], dtype: str) -> alt.LayerChart:
    """log p₀ both ways against s (−inf drawn as a gap), and rules where the naive value and gradient break."""
    names = {"naive": "log(softmax(z))", "log_softmax": "log_softmax(z)"}
    long = curve.melt(id_vars="s", value_vars=list(names), var_name="method", value_name="log_p0")
    long = long.assign(method=long.method.map(names), log_p0=long.log_p0.where(np.isfinite(long.log_p0)))
    events = pd.DataFrame({
        "s": [limits["nan_from"], limits["inf_from"]],
        "method": [f"naive gradient NaN from s = {limits['nan_from']:.5g}", f"naive value −inf from s = {limits['inf_from']:.5g}"],
    })  # fmt: skip
    events = events[events.s <= curve.s.max()]
    domain = list(METHOD_COLORS) + list(events.method)
    color = alt.Color("method:N", title=None, scale=alt.Scale(domain=domain, range=list(METHOD_COLORS.values()) + EVENT_COLORS))
    color = color.legend(orient="top", columns=1, labelLimit=300, labelFontSize=12)  # one column: two ran off a phone
    lines = (
        alt.Chart(long, title=f"log p₀ for z = [0, s] in {dtype}")
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("s:Q", title="logit gap s"),
            y=alt.Y("log_p0:Q", title="log p₀"),
            color=color,
            strokeDash=alt.condition(alt.datum.method == "log_softmax(z)", alt.value([6, 3]), alt.value([1, 0])),
            # where both agree the dashed line lies on the naive one: the naive one wider, so both show
            strokeWidth=alt.condition(alt.datum.method == "log_softmax(z)", alt.value(2), alt.value(6)),
            tooltip=["method:N", alt.Tooltip("s:Q", format=".4g"), alt.Tooltip("log_p0:Q", format=".6g")],
        )
    )
    rules = alt.Chart(events).mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(x="s:Q", color=color, tooltip=["method:N"])
    description = (f"Line chart: log p₀ for z = [0, s] in {dtype} against the logit gap s, computed as log(softmax(z)) and as "
                   "log_softmax(z); rules mark where the naive value and gradient break.")  # fmt: skip
    return alt.layer(lines, rules).properties(height=HEIGHT + 60, description=description)
