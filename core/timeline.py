"""Per-sample gradients through training: checkpoint tables, analytic ‖∂ℓ/∂z‖ curves against p, confidently-wrong stats."""

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import torch

from core import losses
from core.config import RunConfig
from core.data import Dataset
from core.engine import Race
from core.grads import sample_table
from core.presets import PRESETS

# The Default race started confidently wrong (init scale 3), so both losses have confidently wrong samples to compare.
DEFAULT = replace(PRESETS["Default"], init_scale=3.0, epochs=150)
MAX_CHECKPOINTS = 20
ONE_CLASS = "wrong mass 1 − p on one class"


def checkpoint_epochs(epochs: int, max_checkpoints: int = MAX_CHECKPOINTS) -> list[int]:
    """Epoch 0, every k epochs, and the last epoch: at most `max_checkpoints` of them."""
    step = max(1, math.ceil(epochs / (max_checkpoints - 1)))
    return sorted({*range(0, epochs, step), epochs})


def is_checkpoint(race: Race, max_checkpoints: int = MAX_CHECKPOINTS) -> bool:
    """Whether the race's epoch is one of its checkpoints: on checkpoint_epochs, or the epoch every run had diverged by."""
    return race.epoch in checkpoint_epochs(race.config.epochs, max_checkpoints) or race.done


def checkpoint(race: Race) -> pd.DataFrame:
    """A timeline's rows at the race's epoch: core.grads.sample_table of the config's own seed (the one the page
    draws), without the class probabilities nothing reads, with its `epoch` and each run's `status`."""
    table = sample_table(race)
    status = np.repeat(race.status, len(race.data.y_train))  # sample_table is run-major
    mine = (table.seed == race.config.seed).to_numpy()
    columns = {c: table[c].to_numpy()[mine] for c in table if not c.startswith("prob_")}
    return pd.DataFrame({**columns, "epoch": race.epoch, "status": status[mine]})  # one frame: the worker makes 20 a race


def timeline(
    config: RunConfig,
    max_checkpoints: int = MAX_CHECKPOINTS,
    report: Callable[[int], None] | None = None,
    data: Dataset | None = None,
) -> pd.DataFrame:
    """Train `config` (on `data`, an uploaded table's, if given); its `checkpoint` rows at every checkpoint (until every
    run has diverged). `report(epoch)` hears of progress about every hundredth of the epochs, for a progress bar."""
    race, frames, stride = Race(config, data), [], max(1, config.epochs // 100)
    for target in checkpoint_epochs(config.epochs, max_checkpoints):
        while race.epoch < target and not race.done:
            race.advance(min(stride, target - race.epoch))
            if report is not None:
                report(race.epoch)
        frames.append(checkpoint(race))
        if race.done:  # the last epoch, or every run diverged: nothing more to see
            break
    return pd.concat(frames, ignore_index=True)


def at_checkpoint(table: pd.DataFrame, epoch: int, seed: int) -> pd.DataFrame:
    """One checkpoint's rows for one seed (the page draws the config's own seed)."""
    return table[(table.epoch == epoch) & (table.seed == seed)].reset_index(drop=True)


def has_curve(name: str) -> bool:
    """Whether a registry loss's ‖∂ℓ/∂z‖ is a function of p alone (core.losses.Curve)."""
    return losses.get(name).curve.norm is not None


def curve(name: str, p: torch.Tensor, classes: int) -> torch.Tensor | None:
    """‖∂ℓ/∂z‖ against p(true class) for a registry loss; None when it is not a function of p."""
    norm = losses.get(name).curve.norm
    return None if norm is None else norm(p, 1 - p, classes)


def curve_label(name: str) -> str:
    """The curve's formula and, for softmax losses, its assumption (or why there is no curve)."""
    entry = losses.get(name)
    if entry.curve.norm is None or entry.binary:
        return entry.curve.formula
    return f"{entry.curve.formula}; assumes {ONE_CLASS}"


def analytic_curves(loss_names: tuple[str, ...], classes: int, points: int = 201) -> pd.DataFrame:
    """Long table (run, p, value) of every loss's curve on an even p grid, float64."""
    p = torch.linspace(0, 1, points, dtype=torch.float64)  # (P,)
    frames = [pd.DataFrame({"run": n, "p": p.numpy(), "value": curve(n, p, classes).numpy()}) for n in loss_names if has_curve(n)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["run", "p", "value"])


def confidently_wrong(table: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per (epoch, run) of healthy rows: n samples with p(true) < threshold and their mean ‖∂ℓ/∂z‖ (NaN if none)."""
    ok = table[table.status == "ok"]
    wrong = ok.p_true < threshold
    grouped = ok.assign(wrong=wrong, wrong_norm=ok.dlogit_norm.where(wrong)).groupby(["epoch", "run"], sort=False)
    out = grouped.agg(n=("wrong", "sum"), mean_dlogit_norm=("wrong_norm", "mean")).reset_index()
    return out.astype({"n": int})


def reference_loss(loss_names: tuple[str, ...]) -> str:
    """The loss the others are compared with: cross-entropy (ce or bce) when racing, else the first."""
    return next((n for n in loss_names if n in ("ce", "bce")), loss_names[0])


def _name(loss: str) -> str:
    label = losses.get(loss).label  # "Cross-entropy" reads as "cross-entropy" mid-sentence; "MSE on softmax" stays
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def push_sentences(stats: pd.DataFrame, threshold: float) -> list[str]:
    """One sentence per loss against the reference, from one checkpoint's rows of `confidently_wrong`."""
    rows = {r.run: r for r in stats.itertuples()}
    if not rows:
        return []
    ref = rows.get(reference_loss(tuple(rows)))
    sentences = []
    for other in [r for r in rows.values() if r.run != ref.run] or [ref]:
        sentences.append(_sentence(ref, other, threshold))
    return sentences


def _sentence(ref, other, threshold: float) -> str:
    a, b, where = _name(ref.run), _name(other.run), f"p(true class) < {threshold:g}"
    if ref.run == other.run or not (ref.n and other.n):
        parts = [f"**{r.n}** under {_name(r.run)}" for r in dict.fromkeys([ref, other])]
        return f"Confidently wrong ({where}): {' and '.join(parts)}."
    k = ref.mean_dlogit_norm / other.mean_dlogit_norm
    times = "∞" if math.isinf(k) else f"{k:,.0f}" if k >= 1000 else f"{k:.3g}"
    means = f"(mean ‖∂ℓ/∂z‖ {ref.mean_dlogit_norm:.3g} vs {other.mean_dlogit_norm:.3g})"
    if ref.n == other.n:
        are = "sample is" if ref.n == 1 else "samples are"
        return f"**{ref.n}** {are} confidently wrong ({where}); {a} pushes {'it' if ref.n == 1 else 'them'} **{times}×** harder than {b} on average {means}."
    return (
        f"Confidently wrong ({where}): **{ref.n}** sample{'' if ref.n == 1 else 's'} under {a}, **{other.n}** under {b}; "
        f"{a} pushes its own **{times}×** harder than {b} pushes its own, on average {means}."
    )


def grad_histogram(frame: pd.DataFrame, bins: int = 30) -> pd.DataFrame:
    """Counts of log10 ‖∂ℓᵢ/∂θ‖ per run on shared bin edges (zeros and NaN left out: a log axis cannot show them)."""
    positive = frame[frame.param_grad_norm > 0]
    logs = np.log10(positive.param_grad_norm.to_numpy(dtype=np.float64))
    if not len(logs):
        return pd.DataFrame(columns=["run", "lo", "hi", "count"])
    low = math.floor(logs.min() * 2) / 2  # half-decade aligned edges read well on the axis
    high = max(math.ceil(logs.max() * 2) / 2, low + 0.5)
    edges = np.linspace(low, high, bins + 1)
    frames = []
    for run, group in positive.groupby("run", sort=False):
        counts, _ = np.histogram(np.log10(group.param_grad_norm.to_numpy(dtype=np.float64)), edges)
        frames.append(pd.DataFrame({"run": run, "lo": edges[:-1], "hi": edges[1:], "count": counts}))
    return pd.concat(frames, ignore_index=True)


def extremes(frame: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """Per run, the k samples with the largest and the k with the smallest ‖∂ℓᵢ/∂θ‖."""
    columns = ["run", "index", "label", "p_true", "dlogit_norm", "param_grad_norm"]
    frames = []
    for _, group in frame.groupby("run", sort=False):
        ranked = group.sort_values("param_grad_norm", ascending=False, kind="stable")[columns]
        frames += [ranked.head(k).assign(which="largest"), ranked.tail(k).iloc[::-1].assign(which="smallest")]
    return pd.concat(frames, ignore_index=True)[["run", "which", *columns[1:]]]
