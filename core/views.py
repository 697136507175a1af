"""Tables a page draws from a live race: decision regions over input space, p(true class) per sample."""

import pandas as pd
import torch

from core.engine import Race


def shown_runs(race: Race) -> list[int]:
    """Runs drawn per loss: the config's own seed, and not diverged (a diverged run shows its status instead)."""
    return [r for r, (_, seed) in enumerate(race.runs) if seed == race.config.seed and bool(race.alive[r])]


def decision_grid(race: Race, cells: int = 60, margin: float = 0.3) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
    """Class probabilities of the shown runs on a cells×cells grid over the 2-D training data.

    Returns probs (R', cells, cells, C), the training points in grid-cell units (N, 2), and the run indices.
    """
    x = race.data.x_train  # (N, 2)
    low = x.min(0).values - margin
    step = float((x.max(0).values + margin - low).max()) / cells
    axis = torch.arange(cells) + 0.5  # cell centres, in cell units
    g0, g1 = torch.meshgrid(axis, axis, indexing="ij")
    grid = low + step * torch.stack([g0.flatten(), g1.flatten()], 1)  # (G, 2)
    runs = shown_runs(race)
    probs = race.probabilities(grid)[runs]  # (R', G, C)
    return probs.reshape(len(runs), cells, cells, -1), (x - low) / step, runs


def p_true_histogram(race: Race, bins: int = 20) -> pd.DataFrame:
    """Counts of the predicted probability of the true class over the training set, per shown run."""
    y, probs = race.data.y_train, race.train_probs  # (N,), (R, N, C) from the last evaluation
    edges = torch.linspace(0, 1, bins + 1)
    frames = []
    for r in shown_runs(race):
        p = probs[r].gather(1, y.unsqueeze(1)).squeeze(1)  # (N,)
        counts = torch.histc(p, bins=bins, min=0.0, max=1.0)
        frames.append(
            pd.DataFrame(
                {"run": race.runs[r][0], "p_from": edges[:-1].numpy(), "p_to": edges[1:].numpy(), "count": counts.numpy()}
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["run", "p_from", "p_to", "count"])
