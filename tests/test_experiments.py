"""Calibration metrics on hand-made predictions (closed forms) and the sweeps against directly trained races."""

import math
from dataclasses import replace

import pandas as pd
import pytest
import torch

from core import losses
from core.calibration import brier, expected_calibration_error, nll, reliability
from core.config import RunConfig
from core.data import make_dataset
from core.engine import Race
from core.experiments import calibration_report, class_sweep, noise_sweep, rescaled_sweep, trained, tuned

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


def test_noise_sweep_checkpoints_equal_direct_races_and_flipped_samples():
    config = replace(SMALL, epochs=6)
    sweep = noise_sweep(config, [0.0, 0.3], every=3)
    assert sorted(set(sweep.epoch)) == [0, 3, 6] and sweep[sweep.label_noise == 0.0].flipped_fitted.isna().all()
    noisy = replace(config, label_noise=0.3)
    race = Race(noisy)
    race.advance(3)
    got = sweep[(sweep.label_noise == 0.3) & (sweep.epoch == 3)].set_index("run")
    clean = make_dataset("blobs", 3, 90, SMALL.noise, 0.0, SMALL.val_fraction, SMALL.seed).y_train
    y = race.data.y_train
    flipped = y != clean
    assert int(flipped.sum()) == round(0.3 * len(y))
    predicted = race.logits(race.data.x_train).argmax(-1)[:, flipped]  # (R, flipped), an independent forward pass
    for r, (name, _) in enumerate(race.runs):
        assert got.loc[name, "val_accuracy"] == race.history[-3 + r]["val_accuracy"]
        assert got.loc[name, "flipped_fitted"] == pytest.approx((predicted[r] == y[flipped]).float().mean().item())
        assert got.loc[name, "flipped_true"] == pytest.approx((predicted[r] == clean[flipped]).float().mean().item())
        z = race.logits(race.data.x_train)[r].double().requires_grad_()
        losses.get(name).loss(z, y).sum().backward()  # autograd: each sample's own ‖∂ℓᵢ/∂zᵢ‖
        norms = z.grad.norm(dim=1)
        assert got.loc[name, "flipped_push"] == pytest.approx(norms[flipped].mean().item(), rel=1e-4)
        assert got.loc[name, "clean_push"] == pytest.approx(norms[~flipped].mean().item(), rel=1e-4)


def test_class_sweeps_train_every_rate_and_tuned_picks_the_lowest_training_loss():
    config = replace(SMALL, losses=("ce", "mse", "mse-logits"))
    plain = class_sweep(config, [2, 4], lrs=(0.1, 1.0))
    rescaled = rescaled_sweep(config, [4], k=3.0, m=2.0, lrs=(0.1, 1.0))
    assert set(plain.run) == {"ce", "mse", "mse-logits"} and set(rescaled.run) == {"mse-logits (k=3, M=2)"}
    assert len(plain) == 2 * 2 * 3 and sorted(set(plain.lr)) == [0.1, 1.0]
    direct = trained(replace(config, classes=4, samples=120, lr=1.0, losses=("mse-logits",), square_k=3.0, square_m=2.0))
    assert rescaled[rescaled.lr == 1.0].iloc[0].val_accuracy == direct.history[-1]["val_accuracy"]
    best = tuned(pd.concat([plain, rescaled]))
    assert len(best) == 2 * 3 + 1
    for row in best.itertuples():
        same = plain[(plain.classes == row.classes) & (plain.run == row.run)] if row.run in plain.run.values else rescaled
        assert row.loss == same[same.status == "ok"]["loss"].min()


def test_tuned_skips_diverged_runs_and_breaks_ties_to_the_smaller_rate():
    nan, bad = float("nan"), "diverged at epoch 3 (loss became NaN/inf)"
    sweep = pd.DataFrame({
        "classes": [2] * 6, "run": ["a", "a", "a", "b", "b", "c"], "lr": [0.1, 1.0, 3.0, 0.1, 1.0, 0.1],
        "loss": [0.5, 0.2, nan, 0.3, 0.3, nan], "status": ["ok", "ok", bad, "ok", "ok", bad],
    })  # fmt: skip
    best = tuned(sweep).set_index("run")
    assert best.lr.to_dict() == {"a": 1.0, "b": 0.1, "c": 0.1} and best.status["c"] == bad
