"""The Practice page's questions: each a prompt to commit to, its answer, and the live evidence drawn on reveal."""

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st
import torch

from core import misuse
from core import practice as core
from ui import cached, misuse_charts
from ui import practice_charts as charts

Z_GRID = torch.linspace(-8, 8, 161, dtype=torch.float64)


def signed(x: float) -> str:
    """A number as the page writes it: a true minus sign."""
    return f"{x:g}".replace("-", "−")


WRONG = signed(core.WRONG_LOGIT)  # the confidently wrong logit, as text


def span(values) -> str:
    """A range as the page writes it: 0.612 to 0.654, or 0.654 at each when it is one number at this precision."""
    low, high = f"{min(values):.3f}", f"{max(values):.3f}"
    return f"{low} at each" if low == high else f"{low} to {high}"


def gradient() -> None:
    norms, p = core.norm_at(("ce", "mse")), core.true_probability(core.WRONG_LOGIT)
    st.markdown(
        "**p − y**, for a softmax and a sigmoid alike: its size is the error itself, so the more wrong the model, the "
        f"harder the push. At z = [{WRONG}, 0, 0] with the first class true (p_y = {p:.4f}), ‖∂CE/∂z‖ = "
        f"{norms['ce']:.4f}, while MSE on softmax gets {norms['mse']:.3g}, {norms['ce'] / norms['mse']:.0f}× less: its "
        "gradient passes through the softmax's derivative, which flattens as the model grows confidently wrong "
        "(for one logit and (σ(z) − y)², exactly 2(p − y)·p(1 − p))."
    )
    st.altair_chart(charts.gradient_chart(core.gradient_norms(("ce", "mse"), Z_GRID), core.CLASSES), width="stretch")


def raw_logits() -> None:
    check, sweep = core.fused_loss_check(), cached.misuse_sweep()
    row = sweep.set_index("C").loc[3]
    st.markdown(
        "It applies `log_softmax` itself: `CrossEntropyLoss()(z, y)` is `NLLLoss()(log_softmax(z), y)`; on random "
        f"logits torch gives {check['loss']:.6f} both ways (difference {check['gap_nll']:.1g}). Probabilities raise "
        f"no error: they are squashed a second time, and the loss moves by {check['gap_doubled']:.4f}. The gradient "
        f"is the worse part: at z = [{misuse.MARGIN:g}, 0, 0] with class {misuse.TRUE_CLASS} true, max |∂ℓ/∂z| is "
        f"{row.grad_ce:.4f} from logits and {row.grad_doubled:.3g} from probabilities; for every C from "
        f"{sweep.C.min()} to {sweep.C.max()} the doubled one is {sweep.shrink.min():.0f}× to {sweep.shrink.max():.0f}× smaller."
    )
    st.altair_chart(misuse_charts.sweep_chart(sweep, *misuse_charts.SWEEP_PANELS[2]), width="stretch")


def floor_value() -> float:
    return misuse.floor(10)


def floor() -> None:
    classes, value, cap = 10, floor_value(), misuse.max_probability(10)
    st.markdown(
        f"**{math.log(1 + (classes - 1) / math.e):.4f}** = log(1 + (C − 1)/e): the inner softmax outputs q ∈ [0, 1], so "
        f"the outer one can put at most e/(e + C − 1) = {cap:.4f} on a class. The registry's softmax-ce at logits "
        f"[1000, 0, …, 0] gives {value:.6f}. To spot it: training accuracy near 100 % while the loss sits near this "
        f"floor, or no predicted probability above {cap:.3f}."
    )
    st.altair_chart(misuse_charts.sweep_chart(cached.misuse_sweep(), *misuse_charts.SWEEP_PANELS[0]), width="stretch")


def log_softmax() -> None:
    limits = cached.misuse_thresholds().set_index("dtype").loc["float32"]
    at = misuse.log_p0(torch.tensor([200.0], dtype=torch.float64), "float32").iloc[0]
    st.markdown(
        f"From s = **{limits.inf_from:.2f}**: p₀ = e⁻ˢ/(1 + e⁻ˢ) rounds to 0 below half float32's smallest subnormal, "
        f"ln(2 / smallest subnormal) = {limits.inf_predicted:.2f}, and log 0 = −inf. The gradient is NaN even earlier, "
        f"from s = {limits.nan_from:.2f} = ln(largest float32): backward divides by p₀. `log_softmax` subtracts max z "
        f"first: at s = 200 it returns {signed(at.log_softmax)} with gradient [{signed(at.log_softmax_grad_z0)}, "
        f"{signed(at.log_softmax_grad_z1)}], where the naive line gives {signed(at.naive)} and "
        f"[{signed(at.naive_grad_z0)}, {signed(at.naive_grad_z1)}]."
    )
    st.altair_chart(
        misuse_charts.stability_chart(misuse.stability_curve("float32", 200), limits.to_dict(), "float32"), width="stretch"
    )


def proper() -> None:
    table = core.expected_losses()
    best = core.minimisers(table)
    st.markdown(
        f"**p = {best['mse-sigmoid']:.2f}**, and cross-entropy's expected loss is lowest there too (p = {best['bce']:.2f}): "
        "(p − y)² on probabilities is the Brier score, a proper scoring rule, minimised by the true probability. So MSE "
        "is a sound way to score probabilities; where it fails is training through a saturating output (question 1)."
    )
    st.altair_chart(charts.expected_loss_chart(table, core.P_TRUE), width="stretch")


def adam() -> None:
    history, table = core.adam_rescue()
    rows = table.set_index(["optimizer", "loss"])
    sgd, drawn = f"sgd lr {core.SATURATED.lr:g}", f"adam lr {core.ADAM_LR:g}"
    adam_mse, adam_ce, sgd_ce, sgd_mse = rows.loc[drawn, "mse"], rows.loc[drawn, "ce"], rows.loc[sgd, "ce"], rows.loc[sgd, "mse"]
    lrs = ", ".join(f"{lr:g}" for lr in core.ADAM_LRS)
    adam_rows = table[table.optimizer.str.startswith("adam") & (table["loss"] == "mse")]
    st.markdown(
        "**Partly.** Adam divides each parameter's step by the gradient's running size, so from the Loss race's "
        f"saturated start its first step moves MSE's weights by ‖Δθ‖ = {adam_mse.first_step:.3f}, as far as "
        f"cross-entropy's ({adam_ce.first_step:.3f}); SGD moved them {sgd_mse.first_step:.4f} against "
        f"{sgd_ce.first_step:.3f}. MSE starts moving, then stalls: after {core.SATURATED.epochs} epochs "
        f"{adam_mse.wrong:.0f} samples are still confidently wrong (p_y < {core.WRONG_P:g}; "
        f"{adam_mse.wrong_at_start:.0f} at the start), at accuracy {adam_mse.accuracy:.3f}, while cross-entropy has {adam_ce.wrong:.0f} left at {adam_ce.accuracy:.3f}. "
        f"Adam rescales parameters, not samples. The same at Adam's lr {lrs}: MSE ends at accuracy {span(adam_rows.accuracy)}."
    )
    st.altair_chart(charts.adam_chart(history, [sgd, drawn]), width="stretch")
    named = {
        "first_step": "first step ‖Δθ‖",
        "accuracy": "final accuracy",
        "wrong_at_start": "wrong at start",
        "wrong": "wrong at the end",
    }
    shown = table.rename(columns=named).set_index(["optimizer", "loss"])
    st.table(shown.style.format({named["first_step"]: "{:.4f}", named["accuracy"]: "{:.3f}"}))


def square_logits() -> None:
    norms = core.norm_at(("ce", "mse", "mse-logits"))
    st.markdown(
        "**No.** Its gradient (2/C)(z − y) has no squashing factor: at "
        f"z = [{WRONG}, 0, 0], ‖∂ℓ/∂z‖ = {norms['mse-logits']:.4f}, more than cross-entropy's "
        f"{norms['ce']:.4f} (MSE on softmax: {norms['mse']:.3g}). The other side: it also pulls a confidently right "
        "logit back to its target 1 (the chart's right half), where cross-entropy's gradient fades away."
    )
    table = core.gradient_norms(("ce", "mse", "mse-logits"), Z_GRID)
    st.altair_chart(charts.gradient_chart(table[table.norm > 0], core.CLASSES), width="stretch")


def binary() -> None:
    table = core.binary_equivalence()
    gap, grad_gap = float((table.bce - table.ce).abs().max()), float(table.grad_gap.max())
    shifted = float((table.ce_shifted - table.ce).abs().max())
    st.markdown(
        "**The same loss:** softmax([0, z])₁ = σ(z), so cross-entropy on [0, z] is BCE with logits on z. Over "
        f"z ∈ [−10, 10] and both labels the registry's two losses differ by at most {gap:.1g}, their ∂ℓ/∂z by "
        f"{grad_gap:.1g}. Two free logits [a, a + z] change nothing (largest change {shifted:.1g} at a = "
        f"{core.SHIFT:g}): only their difference counts, so a second logit adds parameters and nothing else."
    )
    st.altair_chart(charts.binary_chart(table), width="stretch")


def smoothing_value() -> float:
    return core.smoothed_optimum()["p"]


def smoothing() -> None:
    best, table = core.smoothed_optimum(), core.smoothed_losses()
    smooth = table[table.eps == core.SMOOTHING]
    plain = table[table.eps == 0].loss
    st.markdown(
        f"**{best['p']:.2f}** = 1 − ε + ε/C: the smoothed target is the loss's own minimiser, reached at the logit "
        f"margin log({best['p']:.2f} / {core.SMOOTHING / core.SMOOTH_CLASSES:g}) = {best['margin']:.3f}; torch's "
        f"loss, scanned over margins, is lowest at m = {smooth.m.iloc[smooth.loss.argmin()]:.2f}. Without smoothing "
        f"the loss only falls as the margin grows ({plain.iloc[0]:.3f} → {plain.iloc[-1]:.2g}), so nothing stops the "
        "logits growing. Smoothing caps the confidence it rewards; whether a model ends calibrated is measured on "
        "held-out data (a reliability diagram, When is MSE fine? §1)."
    )
    st.altair_chart(charts.smoothing_chart(table, best["margin"]), width="stretch")


def imbalance_value() -> float:
    shares = core.imbalance_shares()
    return 100 * float(shares[(shares.scheme == "mean") & (shares["class"] == 0)].share.iloc[0])


def imbalance() -> None:
    shares = core.imbalance_shares().set_index(["scheme", "class"])
    counts = core.IMBALANCE
    st.markdown(
        f"**{shares.loc[('mean', 0), 'share']:.0%}.** The mean divides each sample's p − y by N, and at a uniform start "
        "every sample's ‖∂ℓ/∂z‖ is the same, so each class pushes in proportion to its count; predicting class 0 "
        f"always already scores {counts[0] / sum(counts):.0%} accuracy. Class weights N/(C·n_c) make it "
        f"{shares.loc[('weighted', 0), 'share']:.0%} / {shares.loc[('weighted', 1), 'share']:.0%} "
        "(`CrossEntropyLoss(weight=…)`, whose mean divides by Σ wᵢ rather than N)."
    )
    st.altair_chart(charts.share_chart(core.imbalance_shares()), width="stretch")


@dataclass(frozen=True)
class Question:
    """One follow-up question: what the visitor commits to, how it is marked, and the answer drawn on reveal."""

    title: str  # the follow-up question, as an interviewer asks it
    prompt: str  # what the visitor commits to
    answer: Callable[[], None]  # draws the model answer and its live evidence
    options: tuple[str, ...] = ()  # a choice, the first one right (shown shuffled by a fixed order below)
    order: tuple[int, ...] = ()  # the order the options are shown in
    value: Callable[[], float] | None = None  # a number to give instead, within `tolerance`
    tolerance: float = 0.0
    page: str = ""  # the full page behind the answer
    query: dict[str, str] | None = None  # the settings it opens with

    def shown_options(self) -> list[str]:
        """The choices in the order they are shown (the right one is not always first)."""
        return [self.options[i] for i in self.order]

    def right(self, given) -> bool:
        """Whether a committed choice or number is right."""
        if self.value is not None:
            return given is not None and abs(float(given) - self.value()) <= self.tolerance
        return given == self.options[0]


ADAM_QUERY = replace(core.SATURATED, optimizer="adam", lr=core.ADAM_LR, losses=("ce", "mse")).to_dict()
QUESTIONS = [
    Question("What is ∂CE/∂z, and why does it not saturate?", "With p = softmax(z) and one-hot y, cross-entropy's gradient with respect to the logits is…",
             gradient, ("p − y", "(p − y)·p(1 − p)", "−1/p_y", "log p − y"), (1, 0, 3, 2), page="pages/1_theory.py"),
    Question("Why does nn.CrossEntropyLoss want raw logits?", "Because…", raw_logits,
             ("it applies log_softmax itself", "it raises an error on probabilities", "logits are faster, nothing else",
              "it needs negative inputs"), (2, 0, 1, 3), page="pages/4_misuse_lab.py"),
    Question("Softmax, then CrossEntropyLoss: how low can the loss go?",
             "With C = 10 classes, the lowest loss `CrossEntropyLoss()(logits.softmax(1), y)` can reach is… (to ±0.01)",
             floor, value=floor_value, tolerance=0.01, page="pages/4_misuse_lab.py", query={"classes": "10"}),
    Question("Why log_softmax rather than log(softmax)?",
             "In float32, from about which gap s does `torch.log(torch.softmax(z, -1))[0]` at z = [0, s] become −inf?",
             log_softmax, ("s ≈ 104", "s ≈ 17", "s ≈ 88", "never: float32 copes"), (1, 2, 0, 3),
             page="pages/4_misuse_lab.py", query={"dtype": "float32", "gap": "200"}),
    Question("When is MSE the right loss?",
             f"A label is 1 with probability {core.P_TRUE:g}. Which prediction p minimises the expected MSE (p − y)²?",
             proper, (f"p = {core.P_TRUE:g}, the true probability", "p = 1, the likelier label", "p = 0.5",
                      "no p in (0, 1): MSE's minimum is at the edge"), (1, 2, 0, 3), page="pages/5_when_mse_is_fine.py"),
    Question("Does Adam rescue MSE's slow start?", "From a confidently wrong start, switching MSE from SGD to Adam…", adam,
             ("helps partly: MSE starts moving, then stalls", "rescues it fully: MSE trains like cross-entropy",
              "changes nothing: a small gradient stays small"), (1, 0, 2), page="pages/2_loss_race.py", query=ADAM_QUERY),
    Question("What about a square loss on the logits?", "A square loss on raw logits, (1/C)·Σ(z_k − y_k)², when a sample is confidently wrong…",
             square_logits, ("does not starve it: the gradient grows with the error", "starves it, like MSE on softmax",
                             "has no gradient there"), (1, 0, 2), page="pages/5_when_mse_is_fine.py"),
    Question("BCE with one logit, or cross-entropy with two?", "BCEWithLogitsLoss on one logit z against CrossEntropyLoss on [0, z]:",
             binary, ("the same loss and gradient", "cross-entropy has a floor there", "different minima",
                      "BCE is larger by log 2"), (2, 0, 3, 1), page="pages/1_theory.py"),
    Question("Label smoothing: what does it do to confidence?",
             f"With `CrossEntropyLoss(label_smoothing={core.SMOOTHING:g})` and C = {core.SMOOTH_CLASSES}, the probability "
             "on the true class that minimises the loss is… (to ±0.005)", smoothing, value=smoothing_value, tolerance=0.005,
             page="pages/5_when_mse_is_fine.py"),
    Question("Class imbalance and the mean reduction",
             f"{core.IMBALANCE[0]} samples of class 0, {core.IMBALANCE[1]} of class 1, `CrossEntropyLoss()` with its mean, "
             "uniform logits: what share of Σᵢ‖∂L/∂zᵢ‖ comes from class 0, in %? (to ±1)", imbalance, value=imbalance_value,
             tolerance=1.0),
]  # fmt: skip
