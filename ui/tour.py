"""The interview tour: seven steps, each a headline, talking points, one live figure and a link into its page."""

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
import torch

from core import timeline
from core.experiments import CLASS_COUNTS, CLASSES, SQUARE_K, SQUARE_M, tuned
from core.presets import PRESETS
from core.summary import per_epoch, summarize, verdict
from core.theory import neuron_curves, neuron_point, z_grid
from ui import cached, grad_charts, links, misuse_charts, mse_fine_charts, race_charts, theory_charts

SATURATED = PRESETS["Saturated start"]


def neuron_figure(quantity: str, z: float, log: bool) -> None:
    """One panel of the Theory page's neuron (y = 1, textbook ½-MSE), marked at z."""
    marks = neuron_curves(torch.tensor([z], dtype=torch.float64), 1, half_mse=True)
    title = f"{'|∂L/∂z|, log axis' if log else 'Loss'} against the logit z, true label y = 1"
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


def per_sample() -> None:
    config = timeline.DEFAULT
    table = cached.checkpoints(config.to_dict())
    stats = timeline.confidently_wrong(table[table.seed == config.seed], 0.1)
    view = grad_charts.checkpoint_view(table, stats, config.losses, config.seed, config.classes, 0, 0.1, False)
    for sentence in view.sentences:
        st.markdown(sentence)
    if view.scatter is not None:
        st.vega_lite_chart(*view.scatter)


def double_softmax() -> None:
    sweep = cached.misuse_sweep()
    left, right = st.columns(2)
    for column, panel in zip((left, right), misuse_charts.SWEEP_PANELS[::2]):  # the loss floor and the gradient collapse
        column.altair_chart(misuse_charts.sweep_chart(sweep, *panel), width="stretch")


def counterpoint() -> None:
    sweep = tuned(cached.class_counts(CLASSES.to_dict(), CLASS_COUNTS, SQUARE_K, SQUARE_M))  # the page's cached sweep
    title = "Validation accuracy, each loss at its best learning rate"
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
        "Each dot is one training sample at epoch 0: its p(true class) and its ‖∂ℓ/∂z‖.",
        "Cross-entropy pushes the confidently wrong samples (left) hardest; MSE pushes them least.",
        "The black curves are the closed forms; the dots sit on them.",
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
