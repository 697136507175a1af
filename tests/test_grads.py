"""Per-sample gradients: vmap(grad) against a loop of single-sample backward passes (float64)."""

import pytest
import torch
from torch.func import functional_call

from core import losses
from core.config import RunConfig
from core.data import Dataset
from core.engine import Race, load_dataset
from core.grads import param_grad_norms, sample_table


@pytest.mark.parametrize(
    "loss_names,classes", [(("ce", "mse", "softmax-ce", "mse-logits", "mae"), 3), (("bce", "mse-sigmoid"), 2)]
)
def test_vmap_param_grads_equal_single_sample_loop(loss_names, classes):
    race = Race(RunConfig(samples=40, hidden=(5, 4), classes=classes, losses=loss_names, epochs=2, dataset="blobs"))
    race.advance(2)
    model = race.model.double()
    x, y = race.data.x_train.double(), race.data.y_train
    for r, (name, _) in enumerate(race.runs):
        params = {k: v.double() for k, v in race.run_params(r).items()}
        fast = param_grad_norms(model, params, name, x, y)
        slow = []
        for i in range(len(y)):
            p = {k: v.clone().requires_grad_() for k, v in params.items()}
            loss = losses.get(name).loss(functional_call(model, p, (x[i : i + 1],)), y[i : i + 1]).sum()
            grads = torch.autograd.grad(loss, list(p.values()))
            slow.append(torch.sqrt(sum(g.pow(2).sum() for g in grads)))
        torch.testing.assert_close(fast, torch.stack(slow), atol=1e-10, rtol=1e-9)
    race.model.float()


def test_sample_table_columns_and_values():
    race = Race(RunConfig(samples=60, hidden=(6,), epochs=3))
    race.advance(3)
    table = sample_table(race)
    n = len(race.data.y_train)
    assert len(table) == 2 * n
    assert list(table.columns[:7]) == ["run", "seed", "index", "label", "p_true", "dlogit_norm", "param_grad_norm"]
    assert {"prob_0", "prob_1", "prob_2", "x0", "x1"} <= set(table.columns)
    ce = table[table.run == "ce"]
    probs = ce[["prob_0", "prob_1", "prob_2"]].to_numpy()
    assert probs.sum(1) == pytest.approx([1.0] * n, abs=1e-6)
    # for cross-entropy ‖p − y‖² = (1 − p_y)² + Σ_{k≠y} p_k²
    p_true = ce.p_true.to_numpy()
    expected = ((probs**2).sum(1) - p_true**2 + (1 - p_true) ** 2) ** 0.5
    assert ce.dlogit_norm.to_numpy() == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("hidden", [(), (5,), (5, 4), (3, 5, 4), (4, 3, 5, 2)], ids=lambda h: f"depth{len(h)}")
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize(
    "loss_names,classes", [(("ce", "mse", "softmax-ce", "mse-logits", "mae"), 3), (("bce", "mse-sigmoid"), 2)]
)
def test_closed_form_param_norms_equal_torch_func(float64, loss_names, classes, hidden, activation):
    """sample_table's ‖∂ℓᵢ/∂θ‖ = √Σ ‖δᵢ‖²(‖aᵢ‖² + 1) per layer, against vmap(grad) of each sample's own loss."""
    config = RunConfig(samples=40, hidden=hidden, activation=activation, classes=classes, losses=loss_names, epochs=2,
                       dataset="blobs", square_k=2.0, square_m=3.0, init_scale=2.0)  # fmt: skip
    d = load_dataset(config)
    race = Race(config, Dataset(d.name, d.num_classes, d.x_train.double(), d.y_train, d.x_val.double(), d.y_val))
    race.advance(2)
    table = sample_table(race)
    for r, (name, _) in enumerate(race.runs):
        options = config.loss_options(name)
        expected = param_grad_norms(race.model, race.run_params(r), name, race.data.x_train, race.data.y_train, **options)
        got = torch.tensor(table[table.run == name].param_grad_norm.to_numpy())
        torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)
