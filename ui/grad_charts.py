"""Per-sample gradient charts as (data, spec): specs built with Altair once per setting (cached), data shipped per frame.

The scatter and input-space panels share one wide table (a row per training sample), so an Altair interval
selection on any panel tests the same rows in every other panel: brushing links the views by sample.
"""

from pathlib import Path
from typing import NamedTuple

import altair as alt
import pandas as pd

from core import timeline
from core.losses import LOSSES, color
from core.palette import CLASSES, GREY, VERMILLION
from core.timeline import analytic_curves, curve_label, has_curve
from ui.race_charts import loss_color, loss_dash
from ui.specs import frozen

FITTING_CSS = Path(__file__).with_name("fitting.css")  # shows the wide or the stacked layout, whichever fits
MUTED = "#c8c8c8"
SHADE = VERMILLION
PANEL = 230  # px per panel: three panels a row fit beside the sidebar at 1400 px
PER_ROW = 3
STACKED_WIDTH = 250  # px: a panel with its axes fits a phone's 358 px column
FRAME_COLUMNS = ["index", "label", "p_true", "dlogit_norm", "param_grad_norm"]


def wide_points(frame: pd.DataFrame, shown: tuple[str, ...]) -> pd.DataFrame:
    """One row per sample: index, label, x0/x1 if 2-D, and p_i, g_i (‖∂ℓ/∂z‖), t_i (‖∂ℓ/∂θ‖) for the i-th shown loss."""
    keep = ["index", "label"] + [c for c in ("x0", "x1") if c in frame]
    out = frame[frame.run == shown[0]][keep].reset_index(drop=True)
    for i, name in enumerate(shown):
        mine = frame[frame.run == name].reset_index(drop=True)  # same sample order in every run (sample_table)
        out[[f"p_{i}", f"g_{i}", f"t_{i}"]] = mine[["p_true", "dlogit_norm", "param_grad_norm"]].to_numpy()
    return out


def _title(name: str) -> alt.Title:
    first, *rest = curve_label(name).split("; ")
    subtitle = [f"line: {first}" if has_curve(name) else first, *rest]
    return alt.Title(f"{LOSSES[name].label} ({name})", subtitle=subtitle, anchor="start")


def _scatter(i: int, name: str, curves: pd.DataFrame, threshold: float, log: bool, brush, linked) -> alt.LayerChart:
    """Points of run i over the shaded confidently-wrong band, with the analytic curve drawn on top."""
    x_scale = alt.Scale(domain=[0, 1], nice=False)
    y_scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    shade = (
        alt.Chart(pd.DataFrame({"lo": [0.0], "hi": [threshold]}))
        .mark_rect(color=SHADE, opacity=0.13)
        .encode(x=alt.X("lo:Q", scale=x_scale, title="p(true class)"), x2="hi:Q", tooltip=[alt.Tooltip("hi:Q", title="p below")])
    )
    points = (
        alt.Chart()
        .mark_circle(size=24)
        .encode(
            x=alt.X(f"p_{i}:Q", scale=x_scale, title="p(true class)"),
            y=alt.Y(f"g_{i}:Q", scale=y_scale, title="‖∂ℓᵢ/∂zᵢ‖"),
            color=alt.condition(linked, alt.value(color(name)), alt.value(MUTED)),
            opacity=alt.condition(linked, alt.value(0.75), alt.value(0.35)),
            tooltip=[
                "index:Q",
                "label:N",
                alt.Tooltip(f"p_{i}:Q", title="p(true)", format=".4f"),
                alt.Tooltip(f"g_{i}:Q", title="‖∂ℓ/∂z‖", format=".4g"),
                alt.Tooltip(f"t_{i}:Q", title="‖∂ℓ/∂θ‖", format=".4g"),
            ],
        )
        .add_params(brush)
    )
    mine = curves[curves.run == name]
    line = (
        alt.Chart(mine[mine.value > 0] if log else mine).mark_line(color=GREY, strokeWidth=2).encode(x="p:Q", y="value:Q")
    )  # not black: mae's points are
    if log:  # a log axis cannot place zeros
        points = points.transform_filter(f"datum.g_{i} > 0")
    layers = [shade, points, line] if len(mine) else [shade, points]  # mse-logits: no curve in p
    return alt.layer(*layers, title=_title(name)).properties(width=PANEL, height=PANEL)


def _input_space(classes: int, brush, linked) -> alt.Chart:
    """The 2-D training inputs coloured by class (as the decision regions are); brushing here selects samples in every scatter."""
    scale = alt.Scale(domain=list(range(classes)), range=[CLASSES[k % len(CLASSES)] for k in range(classes)])
    legend = alt.Legend(orient="bottom", symbolType="circle")  # not the theme's stroke: a dot, filled, as the points
    color = alt.Color("label:N", title="class", scale=scale, legend=legend)
    repeat = [f"colours repeat after {len(CLASSES)} classes"] if classes > len(CLASSES) else []
    subtitle = ["drag in any panel to select samples", *repeat]
    return (
        alt.Chart(title=alt.Title("Input space", subtitle=subtitle, anchor="start"))
        .mark_circle(size=24)
        .encode(
            x=alt.X("x0:Q", title="x₀", scale=alt.Scale(zero=False)),
            y=alt.Y("x1:Q", title="x₁", scale=alt.Scale(zero=False)),
            color=alt.condition(linked, color, alt.value(MUTED)),
            tooltip=["index:Q", "label:N"],
        )
        .add_params(brush)
        .properties(width=PANEL, height=PANEL)
    )


@frozen
def scatter_spec(shown: tuple[str, ...], classes: int, threshold: float, log: bool, two_d: bool) -> alt.HConcatChart:
    """Data: wide_points. One panel per shown loss (shared y), plus the linked input space for 2-D data."""
    brushes = [alt.selection_interval(name=f"brush_{i}", encodings=["x", "y"]) for i in range(len(shown))]
    brushes += [alt.selection_interval(name="brush_x")] if two_d else []
    linked = brushes[0]
    for brush in brushes[1:]:
        linked = linked & brush  # highlighted: inside every drawn brush (an empty brush selects all)
    curves = analytic_curves(shown, classes)
    panels = [_scatter(i, name, curves, threshold, log, brushes[i], linked) for i, name in enumerate(shown)]
    rows = [alt.hconcat(*panels[k : k + PER_ROW]) for k in range(0, len(panels), PER_ROW)]
    scatters = (alt.vconcat(*rows) if len(rows) > 1 else rows[0]).resolve_scale(y="shared")  # magnitudes compare
    description = (f"Scatter plots, one per loss ({', '.join(shown)}): each training sample's ‖∂ℓ/∂z‖ against its p(true class), "
                   "with the formula's curve; drag to select samples in every panel.")  # fmt: skip
    if two_d:
        space = _input_space(classes, brushes[-1], linked)
        scatters = alt.hconcat(scatters, space) if len(panels) < PER_ROW else alt.vconcat(scatters, space)
        description += " The last panel shows the 2-D inputs coloured by class."
    # Canvas: Vega-Lite's SVG brush rectangles carry a role but no name (axe: svg-img-alt); the description names the chart.
    return scatters.properties(description=description, usermeta={"embedOptions": {"renderer": "canvas"}})


@frozen
def timeline_spec(losses: tuple[str, ...], threshold: float) -> alt.HConcatChart:
    """Data: core.timeline.confidently_wrong plus a `current` epoch column; the rule marks the shown checkpoint."""
    base = alt.Chart().encode(x=alt.X("epoch:Q", title="epoch"), color=loss_color(losses))
    rule = alt.Chart().mark_rule(color="black", strokeDash=[4, 3]).encode(x="current:Q")
    tip = ["run:N", "epoch:Q", "n:Q", alt.Tooltip("mean_dlogit_norm:Q", title="mean ‖∂ℓ/∂z‖", format=".4g")]
    mean = (
        base.mark_line(point=True)
        .encode(
            y=alt.Y("mean_dlogit_norm:Q", title="mean ‖∂ℓ/∂z‖ (log)", scale=alt.Scale(type="log")),
            tooltip=tip,
            strokeDash=loss_dash(losses),
        )
        .transform_filter("datum.mean_dlogit_norm > 0")  # float32 underflow to 0 would break the log axis
    )
    count = base.mark_line(point=True).encode(y=alt.Y("n:Q", title="samples"), tooltip=tip, strokeDash=loss_dash(losses))
    title = f"Confidently wrong samples (p < {threshold:g}) through training"
    description = (f"Two line charts against epoch, one line per loss ({', '.join(losses)}): the mean ‖∂ℓ/∂z‖ and the number "
                   f"of training samples with p(true class) below {threshold:g}; a dashed rule marks the shown checkpoint.")  # fmt: skip
    return alt.hconcat(
        alt.layer(mean, rule, title=alt.Title(title, subtitle="mean ‖∂ℓ/∂z‖ of the group", anchor="start")).properties(width=330),
        alt.layer(count, rule, title=alt.Title(" ", subtitle="how many there are", anchor="start")).properties(width=330),
        description=description,
    )


def stacked(spec: dict, width: int | None = None) -> dict:
    """The same chart one panel a row, for a phone: every hconcat made a vconcat (the views, brushes and data are the
    same, so nothing is built again); `width` sets the top-level panels' width, and the legend goes below them."""

    def walk(node) -> None:
        if isinstance(node, dict):
            if "hconcat" in node:
                node["vconcat"] = node.pop("hconcat")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    if width is not None:
        for panel in spec["vconcat"]:
            panel["width"] = width
        spec.setdefault("config", {}).setdefault("legend", {})["orient"] = "bottom"  # beside the panels: no room on a phone
    return spec


def timeline_data(stats: pd.DataFrame, current: int) -> pd.DataFrame:
    """confidently_wrong rows with the shown checkpoint's epoch on every row (for the rule)."""
    return stats.assign(current=current)


@frozen
def histogram_spec(shown: tuple[str, ...]) -> alt.Chart:
    """Data: core.timeline.grad_histogram; one row of bars per loss on a shared log10 axis."""
    return (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("lo:Q", title="log₁₀ ‖∂ℓᵢ/∂θ‖ (per-sample parameter gradient)"),
            x2="hi:Q",
            y=alt.Y("count:Q", title="samples"),
            y2=alt.datum(0),
            color=loss_color(shown).legend(None),
            row=alt.Row("run:N", title=None, sort=list(shown), header=alt.Header(labelAngle=0, labelAlign="left")),
            tooltip=["run:N", alt.Tooltip("lo:Q", format=".2f"), alt.Tooltip("hi:Q", format=".2f"), "count:Q"],
        )
        .properties(
            width=220,  # with its axis and row labels, a phone's width
            height=90,
            description=f"Histograms, one row per loss ({', '.join(shown)}): training samples by log₁₀ of their per-sample parameter-gradient norm.",
        )
    )


class View(NamedTuple):
    """What one slider position draws; each chart is (data, spec) for st.vega_lite_chart."""

    problems: dict[str, str]  # loss -> status, for runs that diverged by this checkpoint (no chart for them)
    sentences: list[str]
    scatter: tuple[pd.DataFrame, dict] | None
    timeline: tuple[pd.DataFrame, dict]
    stacked: tuple[dict | None, dict]  # the scatter's and the timeline's specs laid out one panel a row, for a phone
    histogram: tuple[pd.DataFrame, dict] | None
    extremes: pd.DataFrame | None
    two_d: bool


def checkpoint_view(
    table: pd.DataFrame,
    stats: pd.DataFrame,
    losses: tuple[str, ...],
    seed: int,
    classes: int,
    epoch: int,
    threshold: float,
    log: bool,
) -> View:
    """All data and specs for checkpoint `epoch` (seed `seed`) of a core.timeline table: the work of one slider move.

    `stats` is core.timeline.confidently_wrong of that seed's rows: it does not depend on the checkpoint, so the
    page computes it once per threshold, outside the fragment that reruns on every move.
    """
    frame = timeline.at_checkpoint(table, epoch, seed)
    status = frame.groupby("run", sort=False).status.first()
    shown = tuple(name for name in losses if status.get(name) == "ok")
    trend = (timeline_data(stats, epoch), timeline_spec(losses, threshold))
    problems = {name: text for name, text in status.items() if text != "ok"}
    if not shown:
        return View(
            problems, [], None, trend, (None, stacked(timeline_spec(losses, threshold), STACKED_WIDTH)), None, None, False
        )
    frame, two_d = frame[frame.run.isin(shown)], "x0" in frame
    scatter = scatter_spec(shown, classes, threshold, log, two_d)
    return View(
        problems=problems,
        sentences=timeline.push_sentences(stats[stats.epoch == epoch], threshold),
        scatter=(wide_points(frame, shown), scatter),
        timeline=trend,
        stacked=(
            stacked(scatter_spec(shown, classes, threshold, log, two_d)),
            stacked(timeline_spec(losses, threshold), STACKED_WIDTH),
        ),
        histogram=(timeline.grad_histogram(frame), histogram_spec(shown)),
        extremes=timeline.extremes(frame),
        two_d=two_d,
    )


def band_panel(frame: pd.DataFrame, band: pd.DataFrame, name: str, threshold: float) -> alt.LayerChart:
    """One loss's samples (core.grads.sample_table rows) over core.split's band: every ‖∂ℓ/∂z‖ its closed form allows at
    each p(true class) for C = 3, with the one-class line; the confidently wrong region shaded."""
    x = alt.X("p:Q", scale=alt.Scale(domain=[0, 1], nice=False), title="p(true class)")
    top = max(float(band.high.max()), float(frame.dlogit_norm.max())) * 1.05
    y = alt.Y("low:Q", scale=alt.Scale(domain=[0, top], nice=False), title="‖∂ℓᵢ/∂zᵢ‖")
    shade = (
        alt.Chart(pd.DataFrame({"p": [0.0], "hi": [threshold]}))
        .mark_rect(color=SHADE, opacity=0.13)
        .encode(x=x, x2="hi:Q", tooltip=[alt.Tooltip("hi:Q", title="p below")])
    )
    area = alt.Chart(band).mark_area(color=GREY, opacity=0.3).encode(x=x, y=y, y2="high:Q")
    line = alt.Chart(band).mark_line(color=GREY, strokeWidth=2).encode(x=x, y="one_class:Q")
    tooltip = [
        "index:Q",
        "label:N",
        alt.Tooltip("p:Q", title="p(true)", format=".4f"),
        alt.Tooltip("low:Q", title="‖∂ℓ/∂z‖", format=".4g"),
    ]
    dots = (
        alt.Chart(frame.rename(columns={"p_true": "p", "dlogit_norm": "low"})[["index", "label", "p", "low"]])
        .mark_circle(size=24, color=color(name), opacity=0.75)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    subtitle = ["band: every split of the wrong mass (C = 3)", "line: all wrong mass on one class"]
    description = (f"Scatter plot for {name}: each training sample's ‖∂ℓ/∂z‖ against its p(true class), over a grey band "
                   "of every value possible at that p and a line for the wrong mass on one class.")  # fmt: skip
    title = alt.Title(f"{LOSSES[name].label} ({name})", subtitle=subtitle, anchor="start")
    return alt.layer(shade, area, line, dots, title=title).properties(height=280, description=description)
