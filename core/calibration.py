"""Calibration of predicted probabilities: reliability table, expected calibration error, Brier score, NLL."""

import pandas as pd
import torch

from core.losses import one_hot


def reliability(probs: torch.Tensor, y: torch.Tensor, bins: int = 10) -> pd.DataFrame:
    """Per confidence bin (max probability): mean confidence, accuracy and count; probs (N, C), y (N,)."""
    confidence, predicted = probs.max(1)  # (N,), (N,)
    correct = (predicted == y).to(probs.dtype)
    index = (confidence * bins).long().clamp(max=bins - 1)  # bin i holds [i/bins, (i+1)/bins)
    rows = []
    for i in range(bins):
        inside = index == i
        n = int(inside.sum())
        if n:
            rows.append((i / bins, (i + 1) / bins, confidence[inside].mean().item(), correct[inside].mean().item(), n))
    return pd.DataFrame(rows, columns=["bin_from", "bin_to", "confidence", "accuracy", "count"])


def expected_calibration_error(probs: torch.Tensor, y: torch.Tensor, bins: int = 10) -> float:
    """Σ_bins (n_b / N)·|accuracy_b − confidence_b|."""
    table = reliability(probs, y, bins)
    return float((table["count"] * (table.accuracy - table.confidence).abs()).sum() / len(y))


def brier(probs: torch.Tensor, y: torch.Tensor) -> float:
    """Multi-class Brier score: mean over samples of ‖p − onehot(y)‖² (MSE on probabilities, summed over classes)."""
    return float((probs - one_hot(y, probs.shape[1], probs)).pow(2).sum(1).mean())


def nll(probs: torch.Tensor, y: torch.Tensor) -> float:
    """Mean −log p_y (clamped at 1e-12 so a confident mistake costs 27.6, not infinity)."""
    return float(-probs.gather(1, y.unsqueeze(1)).clamp_min(1e-12).log().mean())
