"""How hard a softmax loss pushes one sample, ‖∂ℓ/∂z‖, given its whole probability vector (exact), and the band of
values it can take at one p(true class) when the wrong mass 1 − p is split between the other classes (C = 3)."""

import math

import pandas as pd
import torch

from core import losses
from core.timeline import curve

SPLITS = 1001  # shares t of the wrong mass on the first other class, 0 … ½ (the rest mirrors it)


def exact_norms(name: str, probs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """‖∂ℓ/∂z‖ of a softmax loss from probabilities (N, C) and labels (N,): its closed form at z = log p (softmax
    recovers p from any logits log p + constant, and these losses see z only through p), in float64."""
    if losses.get(name).binary or losses.get(name).curve.norm is None:
        raise ValueError(f"{name}: its push is not a function of the probabilities")
    z = probs.to(torch.float64).clamp_min(1e-300).log()
    return losses.get(name).dlogits(z, y).norm(dim=-1)


def split_probs(p: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Probability vectors (P, T, 3): p on the true class 0, (1 − p)·t and (1 − p)·(1 − t) on the others."""
    p, t = torch.broadcast_tensors(p[:, None], t[None, :])
    return torch.stack([p, (1 - p) * t, (1 - p) * (1 - t)], -1)


def band(name: str, p: torch.Tensor, splits: int = SPLITS) -> pd.DataFrame:
    """At each p (float64): the lowest and highest ‖∂ℓ/∂z‖ over every split of the wrong mass (C = 3), and the
    one-class line (all wrong mass on one class, t = 0: the registry's curve)."""
    t = torch.linspace(0, 0.5, splits, dtype=torch.float64)
    probs = split_probs(p.to(torch.float64), t)
    norms = exact_norms(name, probs.flatten(0, 1), torch.zeros(probs.shape[0] * splits, dtype=torch.long))
    norms = norms.view(len(p), splits)
    return pd.DataFrame({"run": name, "p": p.numpy(), "low": norms.min(1).values.numpy(),
                         "high": norms.max(1).values.numpy(), "one_class": curve(name, p, 3).numpy()})  # fmt: skip


def bands(names: tuple[str, ...], points: int = 201) -> pd.DataFrame:
    """band() of every loss on an even p grid from 0 to 1."""
    p = torch.linspace(0, 1, points, dtype=torch.float64)
    return pd.concat([band(name, p) for name in names], ignore_index=True)


def line_on_top_from(table: pd.DataFrame) -> float:
    """The smallest grid p from which on the one-class line is the band's upper edge (1e-9 of it)."""
    below = table[table.one_class < table.high * (1 - 1e-9) - 1e-12]
    return float(table.p.min()) if below.empty else float(table.p[table.p > below.p.max()].min())


def versus_rest(frame: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per loss of one checkpoint's sample rows: the mean ‖∂ℓ/∂z‖ of the confidently wrong (p(true) < threshold) and
    of the rest, their ratio, and the percentile of the first mean among all the loss's samples."""
    rows = []
    for run, group in frame.groupby("run", sort=False):
        wrong = group.p_true < threshold
        mine, rest = group.dlogit_norm[wrong].mean(), group.dlogit_norm[~wrong].mean()
        share = float((group.dlogit_norm < mine).mean()) if wrong.any() else math.nan
        rows.append({"run": run, "n": int(wrong.sum()), "wrong": mine, "rest": rest, "ratio": mine / rest, "percentile": share})
    return pd.DataFrame(rows)
