"""The 'When is MSE fine?' experiments: each a few lockstep races, returned as plain tables."""

import math
from dataclasses import replace

import pandas as pd
import torch

from core import calibration, losses
from core.config import RunConfig
from core.engine import Race, load_dataset

# The page's experiments. Adam for calibration (both losses train: we compare what they reach). SGD for label noise,
# where the size of each sample's push is the point (Adam would rescale it), and for the class sweep.
CALIBRATION = RunConfig(dataset="blobs", classes=3, samples=1000, noise=0.8, val_fraction=0.5, hidden=(32, 32),
                        optimizer="adam", lr=0.01, epochs=200, losses=("ce", "mse"))  # fmt: skip
# 200 training points and 4.6k weights: enough to memorise every flipped label, given 2000 epochs.
NOISE = RunConfig(dataset="blobs", classes=4, samples=400, noise=0.4, val_fraction=0.5, hidden=(64, 64),
                  optimizer="sgd", lr=0.5, momentum=0.9, epochs=2000, losses=("ce", "mse", "mae"))  # fmt: skip
NOISE_EVERY = 100  # epochs between the label-noise checkpoints
# lr: each of LEARNING_RATES in turn.
CLASSES = RunConfig(dataset="blobs", classes=2, samples=600, noise=0.1, hidden=(64, 64), optimizer="sgd",
                    epochs=200, losses=("ce", "mse", "mse-logits"))  # fmt: skip
CLASS_COUNTS = (2, 10, 50)  # the class sweep's C values
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # every loss at every C trains at each; `tuned` picks
SQUARE_K = SQUARE_M = 5.0  # the page's default rescaling; the tour draws the same sweep (one cache entry for both)


def trained(config: RunConfig) -> Race:
    """A race run to its last epoch."""
    race = Race(config)
    race.advance(config.epochs)
    return race


def calibration_report(config: RunConfig, bins: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reliability table and (accuracy, ECE, Brier, NLL) on validation data, per loss of a trained race."""
    race = trained(config)
    probs, y = race.probabilities(race.data.x_val), race.data.y_val  # (R, N, C), (N,)
    tables, metrics = [], []
    for r, (name, _) in enumerate(race.runs):
        tables.append(calibration.reliability(probs[r], y, bins).assign(run=name))
        metrics.append({
            "loss": name, "val accuracy": float((probs[r].argmax(1) == y).float().mean()),
            "ECE": calibration.expected_calibration_error(probs[r], y, bins),
            "Brier": calibration.brier(probs[r], y), "NLL": calibration.nll(probs[r], y), "status": race.status[r],
        })  # fmt: skip
    return pd.concat(tables, ignore_index=True), pd.DataFrame(metrics)


def final_rows(race: Race, **columns) -> list[dict]:
    """The last record of every run, tagged with the sweep's columns; a diverged run has no accuracy to report."""
    last = {}
    for record in race.history:
        last[(record["run"], record["seed"])] = record
    nan = float("nan")
    return [
        {**columns, **record, **({} if record["status"] == "ok" else {"accuracy": nan, "val_accuracy": nan})}
        for record in last.values()
    ]


def noise_run(config: RunConfig, every: int = NOISE_EVERY) -> list[dict]:
    """Every `every` epochs, per loss: the race's record (accuracy on the noisy training labels, on the clean validation
    labels) and the flipped training samples: the fraction predicted as their flipped label (memorised), as their true
    label, and the mean push ‖∂ℓᵢ/∂zᵢ‖ on them and on the other training samples."""
    race, clean = Race(config), load_dataset(replace(config, label_noise=0.0)).y_train  # the same draw, unflipped
    noisy = race.data.y_train
    flipped, nan = noisy != clean, math.nan
    rows = []
    for epoch in range(0, config.epochs + 1, every):
        race.advance(epoch - race.epoch)
        z = race.train_logits  # (R, N, K)
        predicted = losses.predictions(config.losses[0], z)[:, flipped]
        push = torch.stack([race.dlogits(r, z[r], noisy).norm(dim=-1) for r in range(len(race.runs))])  # (R, N)
        for r, row in enumerate(final_rows(race, label_noise=config.label_noise)):
            seen = row["status"] == "ok" and bool(flipped.any())
            flips = {
                "flipped_fitted": (predicted[r] == noisy[flipped]).float().mean().item() if seen else nan,
                "flipped_true": (predicted[r] == clean[flipped]).float().mean().item() if seen else nan,
                "flipped_push": push[r, flipped].mean().item() if seen else nan,
                "clean_push": push[r, ~flipped].mean().item() if row["status"] == "ok" else nan,
            }
            rows.append({**row, "epoch": epoch, **flips})
    return rows


def noise_sweep(config: RunConfig, levels: list[float], every: int = NOISE_EVERY) -> pd.DataFrame:
    """noise_run for each label-noise fraction (validation labels stay clean)."""
    return pd.DataFrame([row for level in levels for row in noise_run(replace(config, label_noise=level), every)])


def lr_sweep(config: RunConfig, class_counts: list[int], lrs: tuple[float, ...], **columns) -> pd.DataFrame:
    """Final records of `config` at every (class count, learning rate); more classes get more samples."""
    rows = []
    for c in class_counts:
        sized = replace(config, classes=c, samples=max(config.samples, 30 * c))
        rows += [row for lr in lrs for row in final_rows(trained(replace(sized, lr=lr)), classes=c, lr=lr, **columns)]
    return pd.DataFrame(rows)


def class_sweep(config: RunConfig, class_counts: list[int], lrs: tuple[float, ...] = LEARNING_RATES) -> pd.DataFrame:
    """lr_sweep of the config's own losses."""
    return lr_sweep(config, class_counts, lrs)


def rescaled_sweep(
    config: RunConfig, class_counts: list[int], k: float, m: float, lrs: tuple[float, ...] = LEARNING_RATES
) -> pd.DataFrame:
    """lr_sweep of the square loss on logits rescaled by Hui & Belkin's (k, M), named with them."""
    sweep = lr_sweep(replace(config, losses=("mse-logits",), square_k=k, square_m=m), class_counts, lrs)
    return sweep.assign(run=f"mse-logits (k={k:g}, M={m:g})")


def tuned(sweep: pd.DataFrame) -> pd.DataFrame:
    """Per (class count, loss), the run whose learning rate ended with the lowest training loss: diverged runs
    excluded, ties to the smaller rate; a loss that diverged at every rate keeps its first run (diverged)."""
    sweep = sweep.reset_index(drop=True)  # idxmin's labels must name one row each
    rank = sweep["loss"].where(sweep.status == "ok", math.inf).fillna(math.inf)
    best = rank.groupby([sweep.classes, sweep.run], sort=False).idxmin()
    return sweep.loc[best.to_numpy()].reset_index(drop=True)


def last_checkpoints(sweep: pd.DataFrame) -> pd.DataFrame:
    """A noise sweep's rows at each noise level's last checkpoint (the end of training)."""
    return sweep[sweep.epoch == sweep.groupby("label_noise").epoch.transform("max")].reset_index(drop=True)


def memorised_by(sweep: pd.DataFrame, level: float, fraction: float = 0.5) -> dict[str, int | None]:
    """Per loss, the first checkpoint epoch after 0 at which `fraction` of the flipped labels are fitted (None: never)."""
    rows = sweep[(sweep.label_noise == level) & (sweep.epoch > 0)]
    return {run: next((int(r.epoch) for r in group.itertuples() if r.flipped_fitted >= fraction), None)
            for run, group in rows.groupby("run", sort=False)}  # fmt: skip


def noise_sentences(sweep: pd.DataFrame, level: float) -> list[str]:
    """What each loss did to the flipped labels at one noise level, in the legend's names."""
    end = last_checkpoints(sweep)
    end = end[end.label_noise == level]
    fits = [f"**{r.flipped_fitted:.0%}** under **{r.run}** (validation {r.val_accuracy:.3f})" for r in end.itertuples()]
    by = [f"by epoch **{e}** under **{run}**" if e else f"never under **{run}**" for run, e in memorised_by(sweep, level).items()]
    return [
        f"At {level:.0%} noise after {int(end.epoch.max())} epochs, the model predicts the flipped label for {_listed(fits)} of the flipped samples.",
        f"Half the flipped labels were memorised {_listed(by)}.",
    ]


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
