"""The 'When is MSE fine?' experiments: each a few lockstep races, returned as plain tables."""

from dataclasses import replace

import pandas as pd

from core import calibration
from core.config import RunConfig
from core.engine import Race

# The page's experiments. Adam for calibration and noise (both losses train: we compare what they reach);
# SGD for the class sweep, where MSE on softmax starves as C grows.
CALIBRATION = RunConfig(dataset="blobs", classes=3, samples=1000, noise=0.8, val_fraction=0.5, hidden=(32, 32),
                        optimizer="adam", lr=0.01, epochs=200, losses=("ce", "mse"))  # fmt: skip
NOISE = RunConfig(dataset="blobs", classes=4, samples=600, noise=0.4, val_fraction=0.25, hidden=(32, 32),
                  optimizer="adam", lr=0.01, epochs=200, losses=("ce", "mse", "mae"))  # fmt: skip
CLASSES = RunConfig(dataset="blobs", classes=2, samples=600, noise=0.1, hidden=(64, 64), optimizer="sgd", lr=0.1,
                    epochs=200, losses=("ce", "mse", "mse-logits"))  # fmt: skip
CLASS_COUNTS = (2, 10, 50)  # the class sweep's C values
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


def noise_sweep(config: RunConfig, levels: list[float]) -> pd.DataFrame:
    """Final accuracies per loss for each label-noise fraction (validation labels stay clean)."""
    rows = [row for level in levels for row in final_rows(trained(replace(config, label_noise=level)), label_noise=level)]
    return pd.DataFrame(rows)


def class_sweep(config: RunConfig, class_counts: list[int], k: float, m: float) -> pd.DataFrame:
    """Final accuracies per loss for each class count; the rescaled square loss (k, M) runs beside the plain one."""
    rows = []
    for c in class_counts:
        plain = replace(config, classes=c, samples=max(config.samples, 30 * c))
        rows += final_rows(trained(plain), classes=c)
        rescaled = trained(replace(plain, losses=("mse-logits",), square_k=k, square_m=m))
        rows += [{**row, "run": f"mse-logits (k={k:g}, M={m:g})"} for row in final_rows(rescaled, classes=c)]
    return pd.DataFrame(rows)
