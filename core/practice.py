"""The Practice page's evidence: each follow-up question's numbers, from the loss registry, core.misuse and torch."""

import math
from dataclasses import replace

import pandas as pd
import torch
import torch.nn.functional as F

from core import losses
from core.engine import Race
from core.presets import PRESETS

CLASSES = 3  # z = [z_y, 0, 0]: REFERENCE.md §1's multi-class example
WRONG_LOGIT = -6.0  # its confidently wrong true-class logit
SATURATED = replace(PRESETS["Saturated start"], epochs=200)  # the Loss race's confidently wrong start, SGD
ADAM_LRS = (0.1, 0.3, 1.0)  # the small sweep the Adam answer states; 0.3 is the one drawn
ADAM_LR = 0.3
WRONG_P = 0.1  # "confidently wrong": p(true class) below this
SMOOTHING, SMOOTH_CLASSES = 0.1, 10
IMBALANCE = (90, 10)  # samples per class in the imbalance question
P_TRUE = 0.7  # the proper-scoring question: a label is 1 with this probability
SHIFT = 3.0  # two free logits [a, a + z]: a shift that changes nothing


def margin_logits(z_true: torch.Tensor, classes: int = CLASSES) -> torch.Tensor:
    """(N, C) float64 logits [z_y, 0, …, 0], true class 0."""
    z = torch.zeros(len(z_true), classes, dtype=torch.float64)
    z[:, 0] = z_true
    return z


def gradient_norms(names: tuple[str, ...], z_true: torch.Tensor, classes: int = CLASSES) -> pd.DataFrame:
    """‖∂ℓ/∂z‖ of each registry loss at z = [z_y, 0, …, 0] with true class 0, from its closed form: (z_y, loss, norm)."""
    z, y = margin_logits(z_true, classes), torch.zeros(len(z_true), dtype=torch.long)
    frames = [
        pd.DataFrame({"z_y": z_true.numpy(), "loss": name, "norm": losses.get(name).dlogits(z, y).norm(dim=-1).numpy()})
        for name in names
    ]
    return pd.concat(frames, ignore_index=True)


def norm_at(names: tuple[str, ...], z_true: float = WRONG_LOGIT) -> dict[str, float]:
    """gradient_norms at one logit, per loss."""
    table = gradient_norms(names, torch.tensor([z_true], dtype=torch.float64))
    return dict(zip(table["loss"], table["norm"]))


def true_probability(z_true: float, classes: int = CLASSES) -> float:
    """p_y = softmax([z_y, 0, …, 0])₀."""
    return float(torch.softmax(margin_logits(torch.tensor([z_true], dtype=torch.float64), classes), -1)[0, 0])


def fused_loss_check(seed: int = 0, rows: int = 8, classes: int = 5) -> dict[str, float]:
    """nn.CrossEntropyLoss on random logits against NLLLoss(log_softmax) and −mean log softmax: the largest gaps."""
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(rows, classes, generator=generator, dtype=torch.float64) * 3
    y = torch.randint(classes, (rows,), generator=generator)
    fused = torch.nn.CrossEntropyLoss()(z, y)
    return {
        "loss": float(fused),
        "gap_nll": abs(float(fused - torch.nn.NLLLoss()(torch.log_softmax(z, -1), y))),
        "gap_doubled": abs(float(fused - torch.nn.CrossEntropyLoss()(torch.softmax(z, -1), y))),
    }


def expected_losses(q: float = P_TRUE, points: int = 199) -> pd.DataFrame:
    """Expected BCE and MSE over a label that is 1 with probability q, for predictions p on (0, 1): (p, loss, value)."""
    p = torch.linspace(0, 1, points + 2, dtype=torch.float64)[1:-1]  # (P,): open interval, log p stays finite
    z = torch.logit(p).unsqueeze(-1)  # (P, 1): the logit that predicts p
    ones, zeros = torch.ones(points, dtype=torch.long), torch.zeros(points, dtype=torch.long)
    rows = []
    for name in ("bce", "mse-sigmoid"):
        loss = losses.get(name).loss
        rows.append(pd.DataFrame({"p": p.numpy(), "loss": name, "value": (q * loss(z, ones) + (1 - q) * loss(z, zeros)).numpy()}))
    return pd.concat(rows, ignore_index=True)


def minimisers(table: pd.DataFrame) -> dict[str, float]:
    """Where each expected loss is lowest on its grid."""
    return {name: float(group.p.iloc[group.value.argmin()]) for name, group in table.groupby("loss")}


def binary_equivalence(points: int = 401, z_max: float = 10.0) -> pd.DataFrame:
    """BCE with logits on one logit z against CE on two logits [0, z] (and [a, a + z]), both labels:
    (z, y, bce, ce, ce_shifted, grad_gap)."""
    z = torch.linspace(-z_max, z_max, points, dtype=torch.float64)
    two = torch.stack([torch.zeros_like(z), z], -1)  # (P, 2)
    frames = []
    for label in (0, 1):
        y = torch.full((points,), label, dtype=torch.long)
        bce_grad = losses.get("bce").dlogits(z.unsqueeze(-1), y)[:, 0]  # σ(z) − y
        ce_grad = losses.get("ce").dlogits(two, y)  # (P, 2) = [−(σ(z) − y), σ(z) − y]
        frames.append(pd.DataFrame({
            "z": z.numpy(), "y": label, "bce": losses.get("bce").loss(z.unsqueeze(-1), y).numpy(),
            "ce": losses.get("ce").loss(two, y).numpy(), "ce_shifted": losses.get("ce").loss(two + SHIFT, y).numpy(),
            "grad_gap": (ce_grad[:, 1] - bce_grad).abs().numpy(),
        }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def smoothed_losses(eps_values: tuple[float, ...] = (0.0, SMOOTHING), classes: int = SMOOTH_CLASSES) -> pd.DataFrame:
    """torch's CrossEntropyLoss(label_smoothing=ε) at z = [m, 0, …, 0], true class 0, for margins m: (m, eps, loss)."""
    m = torch.linspace(0, 12, 241, dtype=torch.float64)
    z, y = margin_logits(m, classes), torch.zeros(len(m), dtype=torch.long)
    frames = [
        pd.DataFrame({"m": m.numpy(), "eps": eps, "loss": F.cross_entropy(z, y, label_smoothing=eps, reduction="none").numpy()})
        for eps in eps_values
    ]
    return pd.concat(frames, ignore_index=True)


def smoothed_optimum(eps: float = SMOOTHING, classes: int = SMOOTH_CLASSES) -> dict[str, float]:
    """The smoothed target's own numbers: p_y = 1 − ε + ε/C and the logit margin log(p_y / (ε/C)) that predicts it."""
    p = 1 - eps + eps / classes
    return {"p": p, "margin": math.log(p / (eps / classes))}


def imbalance_shares(counts: tuple[int, ...] = IMBALANCE) -> pd.DataFrame:
    """Each class's share of Σᵢ‖∂L/∂zᵢ‖ at uniform logits, by autograd through nn.CrossEntropyLoss (mean reduction),
    without and with weights N/(C·n_c); also the weighted loss against Σ wᵢℓᵢ / Σ wᵢ (torch's weighted mean)."""
    y = torch.cat([torch.full((n,), c, dtype=torch.long) for c, n in enumerate(counts)])
    classes, total = len(counts), sum(counts)
    balanced = torch.tensor([total / (classes * n) for n in counts], dtype=torch.float64)
    rows = []
    for scheme, weight in (("mean", None), ("weighted", balanced)):
        z = torch.zeros(total, classes, dtype=torch.float64, requires_grad=True)
        loss = torch.nn.CrossEntropyLoss(weight=weight)(z, y)
        (grad,) = torch.autograd.grad(loss, z)
        per_sample = grad.norm(dim=-1)  # (N,)
        for c in range(classes):
            share = float(per_sample[y == c].sum() / per_sample.sum())
            rows.append({"scheme": scheme, "class": c, "samples": counts[c], "share": share, "loss": float(loss.detach())})
    return pd.DataFrame(rows)


def _p_true(race: Race) -> torch.Tensor:
    """p(true class) of every run's training samples at the last evaluation: (R, N)."""
    y = race.data.y_train.expand(len(race.runs), -1).unsqueeze(-1)
    return race.train_probs.gather(-1, y).squeeze(-1)


def adam_rescue(lrs: tuple[float, ...] = ADAM_LRS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The saturated start trained with SGD (the preset) and with Adam at each lr: the histories (optimizer column)
    and one row per (optimizer, loss): first-step ‖Δθ‖, final accuracy, samples confidently wrong at start and end."""
    histories, rows = [], []
    for optimizer, lr in [("sgd", SATURATED.lr), *[("adam", lr) for lr in lrs]]:
        race = Race(replace(SATURATED, optimizer=optimizer, lr=lr))
        wrong_at_start, before = (_p_true(race) < WRONG_P).sum(1), race.flat.clone()
        race.advance(1)
        first_step = (race.flat - before).norm(dim=1)  # (R,)
        race.advance(race.config.epochs - 1)
        label = f"{optimizer} lr {lr:g}"
        histories.append(pd.DataFrame(race.history).assign(optimizer=label))
        last, wrong = race.history[-len(race.runs) :], (_p_true(race) < WRONG_P).sum(1)
        for r, (name, _) in enumerate(race.runs):
            rows.append({
                "optimizer": label, "loss": name, "first_step": float(first_step[r]), "accuracy": last[r]["accuracy"],
                "wrong_at_start": int(wrong_at_start[r]), "wrong": int(wrong[r]),
            })  # fmt: skip
    return pd.concat(histories, ignore_index=True), pd.DataFrame(rows)
