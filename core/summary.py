"""Reading a finished race: how fast each loss got there, and one plain sentence about it."""

import pandas as pd

from core import losses


def per_epoch(history: pd.DataFrame) -> pd.DataFrame:
    """Mean, min and max over seeds of every metric, per (run, epoch); relative_loss = loss ÷ its epoch-0 value."""
    start = history[history.epoch == 0].set_index(["run", "seed"]).loss
    keys = pd.MultiIndex.from_frame(history[["run", "seed"]])
    history = history.assign(relative_loss=history.loss / start.reindex(keys).to_numpy())
    metrics = ["loss", "relative_loss", "accuracy", "val_accuracy", "mean_dlogit_norm", "grad_norm"]
    grouped = history.groupby(["run", "epoch"], sort=False)[metrics]
    out = grouped.mean()
    for stat in ("min", "max"):
        out = out.join(grouped.agg(stat).add_suffix(f"_{stat}"))
    return out.reset_index()


def summarize(history: pd.DataFrame) -> pd.DataFrame:
    """Per loss, on the seed-mean train accuracy: first epoch reaching 90% and 99% of the best accuracy any loss reached."""
    mean = per_epoch(history)
    best = mean.accuracy.max()
    rows = []
    for run, g in mean.groupby("run", sort=False):
        statuses = history[history.run == run].groupby("seed").status.last()
        rows.append({
            "loss": run,
            "epochs to 90% of best": _first_epoch(g, 0.9 * best),
            "epochs to 99% of best": _first_epoch(g, 0.99 * best),
            "final accuracy": g.accuracy.iloc[-1],
            "final val accuracy": g.val_accuracy.iloc[-1],
            "status": next((s for s in statuses if s != "ok"), "ok"),
        })  # fmt: skip
    return pd.DataFrame(rows).astype({"epochs to 90% of best": "Int64", "epochs to 99% of best": "Int64"})


def _first_epoch(g: pd.DataFrame, threshold: float):
    hit = g[g.accuracy >= threshold - 1e-12]
    return int(hit.epoch.iloc[0]) if len(hit) else None


def verdict(summary: pd.DataFrame, epochs: int) -> str:
    """One sentence: which loss got to 90% of the best accuracy first, and how the others compare."""
    reached = summary.dropna(subset=["epochs to 90% of best"]).sort_values("epochs to 90% of best", kind="stable")
    if reached.empty:
        return "No loss reached 90% of the best accuracy."
    lead = reached.iloc[0]
    name = losses.get(lead.loss).label
    parts = [f"{name} reached 90% of the best accuracy in {lead['epochs to 90% of best']} epochs"]
    for _, row in summary[summary.loss != lead.loss].iterrows():
        other, n = losses.get(row.loss).label, row["epochs to 90% of best"]
        if pd.isna(n):
            parts.append(f"{other} never did within {epochs} epochs (final accuracy {row['final accuracy']:.0%})")
        elif n == lead["epochs to 90% of best"]:
            parts.append(f"{other} did too, in the same number")
        else:
            parts.append(f"{other} needed {n} ({n / max(lead['epochs to 90% of best'], 1):.1f}× as many)")
    return "; ".join(parts) + "."
