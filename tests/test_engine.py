"""Lockstep engine: shared init, independence of runs, determinism, divergence, metrics against torch."""

import math
from dataclasses import replace

import pytest
import torch
from torch.func import functional_call

from core import losses
from core.config import RunConfig
from core.engine import RECORD_COLUMNS, Race, train


def by_run(history, name, seed=0):
    return [h for h in history if h["run"] == name and h["seed"] == seed]


def test_same_config_same_records(small_config):
    a, b = Race(small_config), Race(small_config)
    a.advance(5), b.advance(5)
    assert a.history == b.history
    assert all(list(h) == RECORD_COLUMNS for h in a.history)


def test_generator_streams_epoch_zero_first(small_config):
    batches = list(train(small_config))
    assert [b[0]["epoch"] for b in batches] == list(range(6))
    assert all(len(b) == 2 for b in batches)


def test_runs_share_init_and_do_not_interact(small_config):
    race = Race(small_config)
    for p in race.params.values():
        assert torch.equal(p[0], p[1])  # ce and mse start from one init
    race.advance(5)
    alone = Race(replace(small_config, losses=("ce",)))
    alone.advance(5)
    assert by_run(race.history, "ce") == by_run(alone.history, "ce")


def test_minibatch_runs_are_independent_and_deterministic(small_config):
    cfg = replace(small_config, batch_size=16, optimizer="sgd", lr=0.1)
    race, alone = Race(cfg), Race(replace(cfg, losses=("mse",)))
    race.advance(5), alone.advance(5)
    assert by_run(race.history, "mse") == by_run(alone.history, "mse")
    assert race.history[-1]["loss"] != Race(cfg).history[-1]["loss"]  # it trained


def test_seeds_share_data_but_not_init(small_config):
    race = Race(replace(small_config, seeds=3))
    assert [s for _, s in race.runs] == [0, 0, 1, 1, 2, 2]
    w = race.params["0.weight"]
    assert torch.equal(w[0], w[1]) and not torch.equal(w[0], w[2])
    first = race.history[0]
    assert first["seed"] == 0 and len(race.history) == 6


def test_training_never_touches_global_rng(small_config):
    state = torch.get_rng_state()
    Race(replace(small_config, batch_size=8)).advance(3)
    assert torch.equal(torch.get_rng_state(), state)


def test_stacked_forward_equals_functional_call(small_config):
    race = Race(replace(small_config, seeds=2))
    z = race.logits(race.data.x_train)
    for r in range(len(race.runs)):
        torch.testing.assert_close(z[r], functional_call(race.model, race.run_params(r), (race.data.x_train,)))


@pytest.mark.parametrize("loss_names,classes", [(("ce", "mse"), 3), (("bce", "mse-sigmoid"), 2)])
def test_epoch_metrics_match_independent_torch(loss_names, classes):
    cfg = RunConfig(samples=100, hidden=(6,), classes=classes, losses=loss_names, epochs=3, dataset="blobs")
    race = Race(cfg)
    race.advance(2)
    d = race.data
    for r, (name, _) in enumerate(race.runs):
        params = {k: v.detach().double().requires_grad_() for k, v in race.run_params(r).items()}
        model = race.model.double()
        z = functional_call(model, params, (d.x_train.double(),))
        loss = losses.get(name).loss(z, d.y_train).mean()
        grads = torch.autograd.grad(loss, list(params.values()))
        zz = z.detach().requires_grad_()
        (dz,) = torch.autograd.grad(losses.get(name).loss(zz, d.y_train).sum(), zz)
        rec = race.history[-len(race.runs) + r]
        assert rec["epoch"] == 2
        assert rec["loss"] == pytest.approx(loss.item(), rel=1e-5)
        assert rec["grad_norm"] == pytest.approx(math.sqrt(sum(g.pow(2).sum().item() for g in grads)), rel=1e-4)
        assert rec["mean_dlogit_norm"] == pytest.approx(dz.norm(dim=1).mean().item(), rel=1e-5)
        pred = losses.probabilities(name, z).argmax(1)
        assert rec["accuracy"] == pytest.approx((pred == d.y_train).double().mean().item())
        race.model.float()


def test_divergence_stops_one_run_and_others_continue():
    cfg = RunConfig(samples=120, hidden=(8,), epochs=30, losses=("ce", "mse-logits"), optimizer="sgd", lr=10.0, activation="relu")
    race = Race(cfg)
    race.advance(30)
    assert race.status[0] == "ok"
    assert race.status[1].startswith("diverged at epoch ") and "NaN/inf" in race.status[1]
    ce, sq = by_run(race.history, "ce"), by_run(race.history, "mse-logits")
    assert len(ce) == 31 and ce[-1]["epoch"] == 30 and math.isfinite(ce[-1]["loss"])
    assert sq[-1]["status"] == race.status[1] and len(sq) < 31
    assert race.done


def test_advance_stops_at_epochs(small_config):
    race = Race(small_config)
    assert len(race.advance(100)) == 2 * 5 and race.done and race.epoch == 5
    assert race.advance(1) == []


def test_runs_stay_bit_identical_alone_with_many_classes_losses_and_seeds():
    cfg = RunConfig(samples=200, classes=10, hidden=(12, 12), epochs=4, losses=("ce", "mse", "mae"), seeds=2, batch_size=32)
    race, alone = Race(cfg), Race(replace(cfg, losses=("mse",), seeds=1))
    race.advance(4), alone.advance(4)
    assert by_run(race.history, "mse") == by_run(alone.history, "mse")
