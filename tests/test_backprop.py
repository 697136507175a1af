"""The hand-written engine against autograd + torch.optim in float64: gradients, optimizer steps, whole races."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch.func import functional_call

from core import backprop, losses
from core.backprop import backward, flat_views, layer_outputs, loss_terms
from core.config import RunConfig
from core.data import Dataset
from core.engine import ORDER_SEED_OFFSET, Race, load_dataset
from core.models import init_params, make_mlp
from core.optimizers import SGD, Adam

ROOT = Path(__file__).resolve().parents[1]

TOL = {"rtol": 1e-10, "atol": 1e-12}
DEPTHS = [(), (5,), (5, 4), (3, 5, 4), (4, 3, 5, 2)]  # 0–4 hidden layers
OPTIMIZERS = [("sgd", 0.9), ("sgd", 0.0), ("adam", 0.9)]


def stacked(model, runs: int, seed: int = 0) -> tuple[torch.Tensor, dict, dict]:
    """A flat (R, P) float64 buffer of `runs` random inits, its parameter views and a zero gradient's views."""
    inits = [init_params(model, torch.Generator().manual_seed(seed + r), 1.5) for r in range(runs)]
    shapes = {name: tuple(v.shape) for name, v in inits[0].items()}
    flat = torch.cat([torch.stack([init[name] for init in inits]).flatten(1) for name in shapes], 1).double()
    return flat, flat_views(flat, shapes), flat_views(torch.zeros_like(flat), shapes)


def autograd_grads(model, params: dict, r: int, name: str, x: torch.Tensor, y: torch.Tensor, options: dict) -> dict:
    """∂/∂θ of run r's mean loss through nn.Sequential, by autograd."""
    leaves = {k: v[r].detach().clone().requires_grad_() for k, v in params.items()}
    z = functional_call(model, leaves, (x,))
    loss = losses.get(name).loss(z, y, **options).mean()
    return dict(zip(leaves, torch.autograd.grad(loss, list(leaves.values()))))


def data(n: int, dim: int, classes: int, runs: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Random inputs (n, D), or (R, n, D) per run as a mini-batch gathers them, and labels to match."""
    g = torch.Generator().manual_seed(1)
    shape = (n,) if runs is None else (runs, n)
    return torch.randn(*shape, dim, generator=g, dtype=torch.float64), torch.randint(classes, shape, generator=g)


@pytest.mark.parametrize("per_run", [False, True], ids=["full-batch", "mini-batch"])
@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: f"depth{len(h)}")
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("name", list(losses.LOSSES))
def test_hand_gradients_equal_autograd(name, activation, hidden, per_run):
    entry, runs, classes = losses.get(name), 3, 2 if losses.get(name).binary else 4
    model = make_mlp(3, hidden, losses.output_size(name, classes), activation).double()
    flat, params, grads = stacked(model, runs)
    x, y = data(7, 3, classes, runs if per_run else None)
    options = {option: 1.7 for option in entry.options}
    outs = layer_outputs(params, x, activation)
    _, dz = loss_terms((name,), [options], outs[-1], y if per_run else y.expand(runs, -1))
    backward(params, outs, dz / x.shape[-2], activation, grads)
    for r in range(runs):
        xr, yr = (x[r], y[r]) if per_run else (x, y)
        expected = autograd_grads(model, params, r, name, xr, yr, options)
        for k in params:
            torch.testing.assert_close(grads[k][r], expected[k], **TOL)


def test_seed_major_runs_each_get_their_own_loss():
    names, seeds = ("ce", "mse", "mae"), 2
    model = make_mlp(3, (5,), 4, "tanh").double()
    flat, params, grads = stacked(model, len(names) * seeds)
    x, y = data(9, 3, 4)
    outs = layer_outputs(params, x, "tanh")
    values, dz = loss_terms(names, [{}] * 3, outs[-1], y.expand(len(names) * seeds, -1))
    backward(params, outs, dz / len(y), "tanh", grads)
    for r in range(len(names) * seeds):
        name = names[r % len(names)]
        z = functional_call(model, {k: v[r] for k, v in params.items()}, (x,))
        torch.testing.assert_close(values[r], losses.get(name).loss(z, y), **TOL)
        expected = autograd_grads(model, params, r, name, x, y, {})
        for k in params:
            torch.testing.assert_close(grads[k][r], expected[k], **TOL)


@pytest.mark.parametrize("optimizer,momentum", OPTIMIZERS)
def test_optimizer_steps_equal_torch_optim(optimizer, momentum):
    g = torch.Generator().manual_seed(2)
    flat = torch.randn(3, 11, generator=g, dtype=torch.float64)
    ours = Adam(0.05) if optimizer == "adam" else SGD(0.05, momentum)
    theirs_params = [flat[r].clone().requires_grad_() for r in range(3)]
    kwargs = {} if optimizer == "adam" else {"momentum": momentum}
    theirs = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(theirs_params, lr=0.05, **kwargs)
    for _ in range(3):  # the first step starts the buffers, the later ones use them
        grad = torch.randn(3, 11, generator=g, dtype=torch.float64)
        ours.step(flat, grad)
        for r, p in enumerate(theirs_params):
            p.grad = grad[r].clone()
        theirs.step()
    for r, p in enumerate(theirs_params):
        torch.testing.assert_close(flat[r], p.detach(), **TOL)


def float64_race(config: RunConfig) -> Race:
    """The config's race on its dataset in float64 (default dtype float64, so the inits are too)."""
    d = load_dataset(config)
    data64 = Dataset(d.name, d.num_classes, d.x_train.double(), d.y_train, d.x_val.double(), d.y_val)
    return Race(config, data64)


def textbook_run(config: RunConfig, race: Race, r: int, init: dict) -> list[dict]:
    """Run r alone: nn.Sequential + torch.optim + autograd, its metrics as the engine defines them."""
    d, (name, seed) = race.data, race.runs[r]
    model, options = race.model, config.loss_options(name)
    params = {k: v.clone().requires_grad_() for k, v in init.items()}
    kind = torch.optim.Adam if config.optimizer == "adam" else torch.optim.SGD
    opt = kind(params.values(), lr=config.lr, **({} if config.optimizer == "adam" else {"momentum": config.momentum}))
    order, records = torch.Generator().manual_seed(seed + ORDER_SEED_OFFSET), []

    def mean_loss(x, y):
        return losses.get(name).loss(functional_call(model, params, (x,)), y, **options).mean()

    for epoch in range(config.epochs + 1):
        if epoch and config.batch_size:
            for batch in torch.randperm(len(d.y_train), generator=order).split(config.batch_size):
                opt.zero_grad(), mean_loss(d.x_train[batch], d.y_train[batch]).backward(), opt.step()
        elif epoch:
            opt.step()  # the full-batch gradient of the evaluation below, one epoch earlier
        opt.zero_grad()
        z = functional_call(model, params, (d.x_train,))
        z.retain_grad()
        loss = losses.get(name).loss(z, d.y_train, **options).mean()
        loss.backward()
        with torch.no_grad():
            val = losses.predictions(name, functional_call(model, params, (d.x_val,)))
            records.append({
                "run": name, "seed": seed, "epoch": epoch, "loss": loss.item(),
                "accuracy": (losses.predictions(name, z) == d.y_train).double().mean().item(),
                "val_accuracy": (val == d.y_val).double().mean().item(),
                "mean_dlogit_norm": (z.grad * len(d.y_train)).norm(dim=1).mean().item(),
                "grad_norm": torch.cat([p.grad.flatten() for p in params.values()]).norm().item(),
            })  # fmt: skip
    return records


@pytest.mark.parametrize("batch_size", [0, 16], ids=["full-batch", "mini-batch"])
@pytest.mark.parametrize("optimizer,momentum", OPTIMIZERS)
def test_race_trains_like_textbook_loops(float64, optimizer, momentum, batch_size):
    config = RunConfig(
        samples=100, hidden=(6, 5), losses=("ce", "mse-logits", "softmax-ce"), seeds=2, epochs=4, square_k=2.0,
        optimizer=optimizer, momentum=momentum, lr=0.3 if optimizer == "sgd" else 0.02, batch_size=batch_size,
    )  # fmt: skip
    race = float64_race(config)
    inits = [{k: v.clone() for k, v in race.run_params(r).items()} for r in range(len(race.runs))]
    race.advance(config.epochs)
    expected = sorted(
        [h for r, init in enumerate(inits) for h in textbook_run(config, race, r, init)], key=lambda h: (h["epoch"], h["seed"])
    )
    got = sorted(race.history, key=lambda h: (h["epoch"], h["seed"]))
    assert [(h["run"], h["seed"], h["epoch"]) for h in got] == [(h["run"], h["seed"], h["epoch"]) for h in expected]
    for mine, theirs in zip(got, expected):
        for key in ["loss", "mean_dlogit_norm", "grad_norm", "accuracy", "val_accuracy"]:
            rel = 1e-7 if "accuracy" in key else 1e-10  # the engine reports accuracies as float32 means
            assert mine[key] == pytest.approx(theirs[key], rel=rel), (key, mine, theirs)


def test_loss_without_closed_form_trains_through_autograd(float64, monkeypatch):
    config = RunConfig(samples=80, hidden=(5,), losses=("ce", "mse"), epochs=3, optimizer="sgd", lr=0.5)
    closed = float64_race(config)
    closed.advance(3)
    z, y = closed.logits(closed.data.x_train)[1], closed.data.y_train
    closed_form = closed.dlogits(1, z, y)
    for name in config.losses:
        monkeypatch.setitem(losses.LOSSES, name, dataclasses.replace(losses.get(name), dlogits=None))
    fallback = float64_race(config)
    fallback.advance(3)
    torch.testing.assert_close(fallback.dlogits(1, z, y), closed_form, **TOL)
    for a, b in zip(closed.history, fallback.history):
        assert a.keys() == b.keys() and all(a[k] == pytest.approx(b[k], rel=1e-10) for k in a if k not in ("run", "status"))


def test_float32_tanh_is_as_accurate_as_torchs():
    """The engine's float32 tanh (oneDNN where available) is within ~1 ulp of the true tanh, like torch.tanh."""
    x = torch.linspace(-12, 12, 400_001)
    exact = torch.tanh(x.double())
    for tanh in (backprop.tanh, backprop._onednn_tanh, torch.tanh):
        error = (tanh(x).double() - exact).abs()
        assert error.max() <= 1.2e-7 and (error / exact.abs().clamp_min(1e-30))[x != 0].max() <= 2.4e-7
    assert backprop.ACTIVATIONS["tanh"] is backprop.tanh


def test_every_process_on_this_machine_picks_the_same_tanh_and_the_variable_fixes_it():
    """The app, its worker and the CLI each measure once: on one machine they must agree, or their last digits differ."""
    code = "from core import backprop; print(backprop.FAST_TANH)"
    for tanh, expected in [("", str(backprop.FAST_TANH)), ("onednn", "True"), ("aten", "False")]:
        env = {**os.environ, "LOSS_LAB_TANH": tanh, "PYTHONPATH": str(ROOT)}
        for _ in range(3 if not tanh else 1):
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            assert out.stdout.strip() == expected, (tanh, out.stdout, out.stderr)
