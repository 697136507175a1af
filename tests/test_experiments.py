"""Calibration metrics on hand-made predictions (closed forms) and the sweeps against directly trained races."""

import math
from dataclasses import replace

import pytest
import torch

from core.calibration import brier, expected_calibration_error, nll, reliability
from core.config import RunConfig
from core.experiments import calibration_report, class_sweep, noise_sweep, trained

P = torch.tensor([[0.8, 0.2], [0.8, 0.2], [0.8, 0.2], [0.8, 0.2], [0.8, 0.2], [0.3, 0.7], [0.3, 0.7]], dtype=torch.float64)
Y = torch.tensor([0, 0, 0, 0, 1, 1, 0])  # bin 0.8: 4 of 5 right (calibrated); bin 0.7: 1 of 2 right


def test_reliability_bins_and_ece_closed_form():
    table = reliability(P, Y).set_index("bin_from")
    assert table.loc[0.8, "count"] == 5 and table.loc[0.8, "accuracy"] == pytest.approx(0.8)
    assert table.loc[0.7, "confidence"] == pytest.approx(0.7) and table.loc[0.7, "accuracy"] == pytest.approx(0.5)
    assert expected_calibration_error(P, Y) == pytest.approx(2 / 7 * 0.2)


def test_brier_and_nll_closed_form():
    expected_brier = (4 * (0.2**2 + 0.2**2) + (0.8**2 + 0.8**2) + (0.3**2 + 0.3**2) + (0.7**2 + 0.7**2)) / 7
    assert brier(P, Y) == pytest.approx(expected_brier)
    expected_nll = -(4 * math.log(0.8) + math.log(0.2) + math.log(0.7) + math.log(0.3)) / 7
    assert nll(P, Y) == pytest.approx(expected_nll)
    uniform = torch.full((4, 4), 0.25, dtype=torch.float64)
    assert brier(uniform, torch.arange(4)) == pytest.approx(3 / 4)  # (C − 1)/C, REFERENCE.md
    assert nll(uniform, torch.arange(4)) == pytest.approx(math.log(4))


SMALL = RunConfig(dataset="blobs", classes=3, samples=90, hidden=(8,), epochs=5, losses=("ce", "mse", "mae"))


def test_calibration_report_uses_validation_probabilities():
    table, metrics = calibration_report(SMALL)
    race = trained(SMALL)
    probs = race.probabilities(race.data.x_val)
    assert metrics.loss.tolist() == ["ce", "mse", "mae"]
    assert metrics.Brier[1] == pytest.approx(brier(probs[1], race.data.y_val))
    assert table.groupby("run")["count"].sum().tolist() == [len(race.data.y_val)] * 3


def test_noise_sweep_rows_equal_direct_races():
    sweep = noise_sweep(SMALL, [0.0, 0.3])
    direct = trained(replace(SMALL, label_noise=0.3)).history[-3:]
    got = sweep[sweep.label_noise == 0.3].set_index("run").val_accuracy
    assert [got[h["run"]] for h in direct] == [h["val_accuracy"] for h in direct]


def test_class_sweep_has_plain_and_rescaled_square_loss():
    sweep = class_sweep(replace(SMALL, losses=("ce", "mse", "mse-logits")), [2, 4], k=3.0, m=2.0)
    assert set(sweep.run) == {"ce", "mse", "mse-logits", "mse-logits (k=3, M=2)"}
    assert sorted(set(sweep.classes)) == [2, 4]
    direct = trained(replace(SMALL, classes=4, samples=120, losses=("mse-logits",), square_k=3.0, square_m=2.0))
    row = sweep[(sweep.classes == 4) & (sweep.run == "mse-logits (k=3, M=2)")].iloc[0]
    assert row.val_accuracy == direct.history[-1]["val_accuracy"]
