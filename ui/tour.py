"""The interview tour: seven steps, each a headline, talking points, one live figure and a link into its page."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from core import split, timeline
from core.experiments import CLASS_COUNTS, CLASSES, SQUARE_K, SQUARE_M, tuned
from core.presets import PRESETS
from core.summary import per_epoch, summarize, verdict
from core.theory import neuron_curves, neuron_point, z_grid
from ui import cached, grad_charts, links, misuse_charts, mse_fine_charts, race_charts, theory_charts

SATURATED = PRESETS["Saturated start"]
CONFIDENTLY_WRONG = 0.1  # step 5's p(true class) threshold, the per-sample page's default


def neuron_figure(quantity: str, z: float, log: bool) -> None:
    """One panel of the Theory page's neuron (y = 1, textbook ½-MSE), marked at z."""
    marks = neuron_curves(torch.tensor([z], dtype=torch.float64), 1, half_mse=True)
    named = {"loss": "Loss", "gradient": "|∂L/∂z|, log axis" if log else "The gradient ∂L/∂z"}[quantity]
    title = f"{named} against the logit z, true label y = 1"
    st.altair_chart(
        theory_charts.neuron_panel(neuron_curves(z_grid(8.0, 161), 1, True), quantity, z, marks, title, log=log), width="stretch"
    )


def question() -> None:
    neuron_figure("loss", -4.6, log=False)


def short_answer() -> None:
    neuron_figure("gradient", -4.6, log=True)
    p = neuron_point(-4.6, 1, half_mse=True)
    st.caption(f"At z = −4.6: ∂CE/∂z = {p['ce_grad']:.4f}, ∂MSE/∂z = {p['mse_grad']:.6f}, ratio {p['ratio']:.1f}×.")


def live_neuron() -> None:
    z = st.slider("logit z (true label y = 1)", -8.0, 8.0, -4.6, 0.1, key="tour.z")
    p = neuron_point(z, 1, half_mse=True)
    cols = st.columns(3)
    cols[0].metric("p = σ(z)", f"{p['p']:.4f}")
    cols[1].metric("∂CE/∂z = p − y", f"{p['ce_grad']:.4g}")
    cols[2].metric("∂MSE/∂z = (p − y)·p(1 − p)", f"{p['mse_grad']:.4g}")
    neuron_figure("gradient", z, log=False)


def saturated_race() -> None:
    history = cached.race_history(SATURATED.to_dict())
    epochs, losses = per_epoch(history), SATURATED.losses
    left, right = st.columns(2)
    left.vega_lite_chart(race_charts.accuracy_data(epochs), race_charts.accuracy_spec(losses), width="stretch")
    right.vega_lite_chart(race_charts.gradient_data(epochs), race_charts.gradient_spec(losses), width="stretch")
    st.markdown(verdict(summarize(history), SATURATED.epochs))


def per_sample_sentences(versus: pd.DataFrame, band: pd.DataFrame) -> list[str]:
    """The numbers behind step 5's talking points: each loss's confidently wrong against its rest, and MSE's band."""
    rows = {r.run: r for r in versus.itertuples()}
    ce, mse = rows["ce"], rows["mse"]
    mse_band = band[band.run == "mse"]
    return [
        f"**{ce.n}** samples are confidently wrong (p(true class) < {CONFIDENTLY_WRONG:g}). Cross-entropy pushes them "
        f"**{ce.ratio:.2f}×** as hard as its other samples (mean ‖∂ℓ/∂z‖ {ce.wrong:.3f} vs {ce.rest:.3f}); MSE "
        f"**{mse.ratio:.2f}×** ({mse.wrong:.3f} vs {mse.rest:.3f}), a mean below the push of {1 - mse.percentile:.0%} "
        f"of its samples. On them cross-entropy pushes **{ce.wrong / mse.wrong:.3g}×** harder than MSE.",
        f"For cross-entropy the line is the band's upper edge. For MSE it is only from p = {split.line_on_top_from(mse_band):.2f} "
        f"on: below, a split wrong mass is pushed harder (at p = 0 up to {mse_band.high.iloc[0]:.3f}, where the line gives 0).",
    ]


def per_sample() -> None:
    config = timeline.DEFAULT  # the per-sample page's default race, its epoch 0: one cache entry for both
    frame = timeline.at_checkpoint(cached.checkpoints(config.to_dict()), 0, config.seed)
    band = split.bands(config.losses)
    for sentence in per_sample_sentences(split.versus_rest(frame, CONFIDENTLY_WRONG), band):
        st.markdown(sentence)
    for column, name in zip(st.columns(len(config.losses)), config.losses):
        panel = grad_charts.band_panel(frame[frame.run == name], band[band.run == name], name, CONFIDENTLY_WRONG)
        column.altair_chart(panel, width="stretch")
    st.caption(f"Shaded: p(true class) < {CONFIDENTLY_WRONG:g}. Each panel has its own y-axis. No ½ in MSE (nn.MSELoss).")


def double_softmax() -> None:
    sweep = cached.misuse_sweep()
    left, right = st.columns(2)
    for column, panel in zip((left, right), misuse_charts.SWEEP_PANELS[::2]):  # the loss floor and the gradient collapse
        column.altair_chart(misuse_charts.sweep_chart(sweep, *panel), width="stretch")


def counterpoint() -> None:
    sweep = tuned(cached.class_counts(CLASSES.to_dict(), CLASS_COUNTS, SQUARE_K, SQUARE_M))  # the page's cached sweep
    title = ["Validation accuracy,", "each loss at its best learning rate"]
    domain = mse_fine_charts.accuracy_domain(sweep.val_accuracy)
    chart = mse_fine_charts.sweep_chart(sweep, "classes", "classes C (log axis)", title, log_x=True, domain=domain)
    st.altair_chart(chart, width="stretch")


@dataclass(frozen=True)
class Step:
    headline: str
    points: tuple[str, ...]
    figure: Callable[[], None]  # draws the live figure
    page: str  # the full page behind this step
    query: dict[str, str]  # the settings that page opens with


STEPS = [
    Step("The question: why cross-entropy and not MSE?", (
        "Both losses are minimised by the right answer: p = 1 for the true class.",
        "Yet every classifier trains with cross-entropy. The reason is not where the minimum is, but how you get there.",
        "Look at the loss when the model is confidently wrong (left): cross-entropy is steep, MSE is flat.",
    ), question, "pages/1_theory.py", {}),
    Step("The short answer: the gradient", (
        "Cross-entropy on a sigmoid or softmax: ∂L/∂z = p − y. Wrong by a lot, pushed by a lot.",
        "MSE on the same output: ∂L/∂z = (p − y)·p(1 − p). The factor p(1 − p) vanishes when p is near 0 or 1.",
        "Confidently wrong at p = 0.01: about 100× less gradient for MSE (log axis).",
    ), short_answer, "pages/1_theory.py", {}),
    Step("The formula, live", (
        "Slide the logit: cross-entropy's gradient stays near −1 all the way into the wrong side.",
        "MSE's gradient peaks at p = 1/3 (4/27 for ½-MSE) and dies on both sides.",
        "The ratio is 1/(p(1 − p)) whatever the label: the chain rule through σ′ is the whole story.",
    ), live_neuron, "pages/1_theory.py", {}),
    Step("The race: a confidently wrong start", (
        "Two identical linear softmax models, same weights, same batches; only the loss differs.",
        "Started with large weights, the model is confidently wrong: MSE's gradient is tiny from epoch 0.",
        "Cross-entropy recovers within a few epochs; MSE barely moves.",
    ), saturated_race, "pages/2_loss_race.py", SATURATED.to_dict()),
    Step("Per sample: who gets pushed", (
        "Each dot is one training sample of a model started confidently wrong (epoch 0): its p(true class) and the push ‖∂ℓ/∂z‖ it gets.",
        "Cross-entropy pushes the confidently wrong samples (shaded) harder than its others; MSE pushes them less hard than its others.",
        "Each dot is exactly its loss's closed form on the sample's whole probability vector. No line in p alone can be: "
        "the push also depends on how the wrong mass is split. The band holds every split (C = 3); the line is all on one class.",
    ), per_sample, "pages/3_per_sample_gradients.py", {}),
    Step("The classic bug: softmax before CrossEntropyLoss", (
        "nn.CrossEntropyLoss applies log-softmax itself; feeding it probabilities applies softmax twice.",
        "The loss can never go below log(1 + (C − 1)/e), and the gradient at a confident mistake collapses.",
        "Accuracy still rises, which is why the bug survives code review.",
    ), double_softmax, "pages/4_misuse_lab.py", {}),
    Step("The counterpoint: when MSE is fine", (
        "MSE on probabilities is the Brier score, a proper scoring rule: its optimum is right, its optimisation is slow.",
        "Give each loss its best learning rate: MSE on softmax comes close, at a rate that grows with C; "
        "the square loss on raw logits keeps up, rescaled for 50 classes (Hui & Belkin 2021).",
        "So the precise answer: cross-entropy because its gradient never starves, not because MSE is 'wrong'.",
    ), counterpoint, "pages/5_when_mse_is_fine.py", {}),
]  # fmt: skip


LINK = links.Link("tour", extras={"step": links.whole(1, len(STEPS), 1), "presenter": links.flag()})
