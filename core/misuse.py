"""Misuse lab: double-softmax limits evaluated by torch, and the log(softmax) stability scan."""

import math

import numpy as np
import pandas as pd
import torch

from core import losses
from core.config import RunConfig

DOUBLED, CORRECT = "softmax-ce", "ce"
# Well-separated blobs: both models reach high accuracy while the doubled loss stays pinned above its floor.
DEFAULTS = RunConfig(
    dataset="blobs", classes=5, samples=600, noise=0.3, losses=(CORRECT, DOUBLED), hidden=(32, 32),
    optimizer="sgd", lr=0.5, momentum=0.9, epochs=200,
)  # fmt: skip
CERTAIN = 1000.0  # a logit margin softmax turns into an exact one-hot in float64 (e^-1000 underflows to 0)
MARGIN = 8.0  # z = [8, 0, …, 0]: REFERENCE.md §1's gradient-collapse example
TRUE_CLASS = 1  # a wrong class: the model is confidently wrong, where a gradient matters most
SWEEP_CLASSES = sorted({2, 3} | {round(10 ** (k / 20)) for k in range(6, 61)})  # 2 … 1000, 20 per decade
LOG_P = {  # the two ways to get log-probabilities, (..., C) -> (..., C)
    "naive": lambda z: torch.log(torch.softmax(z, -1)),
    "log_softmax": lambda z: torch.log_softmax(z, -1),  # log-sum-exp inside: subtracts max z first
}
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
MAX_GAP = 1000  # largest s in z = [0, s]
SCAN_STEP = 0.01  # grid for the threshold scan
CLASS_LIMITS = (2, 20)  # the double-softmax race: enough classes to see the floor rise, few enough to train live


def _margin_logits(classes: int, margin: float) -> torch.Tensor:
    """(1, C) float64 logits: `margin` on class 0, zeros elsewhere."""
    z = torch.zeros(1, classes, dtype=torch.float64)  # (1, C)
    z[0, 0] = margin
    return z


def floor(classes: int) -> float:
    """Lowest loss the doubled model can report: softmax-ce at logits so confident the inner softmax is one-hot."""
    return float(losses.get(DOUBLED).loss(_margin_logits(classes, CERTAIN), torch.tensor([0])))


def max_probability(classes: int) -> float:
    """Largest probability the doubled model can put on a class: the outer softmax of a one-hot inner softmax."""
    inner = torch.softmax(_margin_logits(classes, CERTAIN), -1)  # (1, C) exactly one-hot
    return float(torch.softmax(inner, -1)[0, 0])


def class_sweep(classes: list[int] = SWEEP_CLASSES, true_class: int = TRUE_CLASS) -> pd.DataFrame:
    """Per C: floor, loss and probability at uniform logits, largest doubled probability, max |∂ℓ/∂z| at z = [8, 0, …]."""
    rows = []
    y = torch.tensor([true_class])  # (1,)
    for c in classes:
        z, uniform = _margin_logits(c, MARGIN), _margin_logits(c, 0.0)  # (1, C) each
        grads = {name: float(losses.get(name).dlogits(z, y).abs().max()) for name in (CORRECT, DOUBLED)}
        rows.append({
            "C": c, "floor": floor(c), "uniform_loss": float(losses.get(CORRECT).loss(uniform, y)),
            "max_prob": max_probability(c), "uniform_prob": float(torch.softmax(uniform, -1)[0, 0]),
            "grad_ce": grads[CORRECT], "grad_doubled": grads[DOUBLED], "shrink": grads[CORRECT] / grads[DOUBLED],
        })  # fmt: skip
    return pd.DataFrame(rows)


def confidence(train_probs: torch.Tensor, runs: list[str]) -> dict[str, torch.Tensor]:
    """Per run, each training sample's largest probability the loss scores: softmax(z), or softmax(softmax(z)) for the bug.

    train_probs (R, N, C) is softmax(z) of every run; returns (N,) per run.
    """
    return {
        name: (train_probs[r].softmax(-1) if name == DOUBLED else train_probs[r]).max(-1).values for r, name in enumerate(runs)
    }


def confidence_histogram(conf: dict[str, torch.Tensor], bins: int = 20) -> pd.DataFrame:
    """Counts of the per-sample largest probability in [0, 1], per run."""
    edges = torch.linspace(0, 1, bins + 1).numpy()  # (bins + 1,)
    counts = {name: torch.histc(p, bins, 0, 1).numpy() for name, p in conf.items()}
    return pd.concat([pd.DataFrame({"run": n, "p_from": edges[:-1], "p_to": edges[1:], "count": c}) for n, c in counts.items()])


def log_p0(gaps: torch.Tensor, dtype: str) -> pd.DataFrame:
    """For z = [0, s] in `dtype`, class 0 true: log p₀ naively and by log_softmax, and ∂ℓ/∂z of ℓ = −log p₀ for each."""
    z = torch.stack([torch.zeros_like(gaps), gaps], -1).to(DTYPES[dtype])  # (S, 2); s rounds to the dtype
    out = {"s": z[:, 1].double().numpy()}
    for method, log_p in LOG_P.items():
        leaf = z.clone().requires_grad_()
        value = log_p(leaf)[:, 0]  # (S,)
        (grad,) = torch.autograd.grad(-value.sum(), leaf)  # (S, 2): rows are independent, so each is its own ∂ℓ/∂z
        out |= {method: value.detach().double().numpy(), f"{method}_grad_z0": grad[:, 0].double().numpy()}
        out[f"{method}_grad_z1"] = grad[:, 1].double().numpy()
    return pd.DataFrame(out)


def thresholds(dtype: str) -> dict[str, float]:
    """First s (as stored in the dtype) where the naive log p₀ is −inf and where its gradient is NaN, with predictions.

    p₀ = e^-s / (1 + e^-s) rounds to 0 once below half the smallest subnormal; the log's backward 1/p₀ overflows past
    the largest finite number first, and the softmax backward then forms inf − inf (0 · inf once p₀ = 0): NaN.
    """
    scan = log_p0(torch.arange(0, MAX_GAP / SCAN_STEP + 1, dtype=torch.float64) * SCAN_STEP, dtype)  # 100 001 rows
    info = torch.finfo(DTYPES[dtype])
    inf, nan = scan[~np.isfinite(scan.naive)], scan[scan.naive_grad_z0.isna() | scan.naive_grad_z1.isna()]
    return {
        "inf_from": float(inf.s.iloc[0]) if len(inf) else math.nan,
        "inf_predicted": math.log(2 / (info.tiny * info.eps)),  # smallest subnormal = tiny · eps
        "nan_from": float(nan.s.iloc[0]) if len(nan) else math.nan,
        "nan_predicted": math.log(info.max),
    }


def stability_curve(dtype: str, s_max: float, points: int = 401) -> pd.DataFrame:
    """log_p0 on an even grid over [0, s_max]."""
    return log_p0(torch.linspace(0, s_max, points, dtype=torch.float64), dtype)


def stability_table(dtype: str, s_max: float) -> pd.DataFrame:
    """log_p0 at a few telling gaps up to s_max (and s_max itself)."""
    gaps = sorted({g for g in (1, 10, 12, 18, 50, 88, 89, 93, 100, 104, 200, 500, 1000) if g < s_max} | {s_max})
    return log_p0(torch.tensor(gaps, dtype=torch.float64), dtype)
