"""benchmarks/bench_grads.py --quick runs and reports; the reduction facts the page states, checked in float64."""

import pytest
import torch
from torch.func import functional_call, grad, vmap

from benchmarks import bench_grads
from core import losses
from core.config import RunConfig
from core.grads import param_grad_norms

TINY = RunConfig(samples=50, hidden=(6, 5), epochs=1)


def test_quick_mode_prints_every_measurement(capsys):
    assert bench_grads.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for line in ["ratio loop / torch.func", "slider move, data + charts", "slider move, AppTest", "summary"]:
        assert line in out
    assert "ratio opacus / torch.func" in out or "Opacus is unavailable" in out


def test_the_loop_agrees_with_torch_func():
    model, params, x, y = bench_grads.workload(TINY)
    fast = param_grad_norms(model, params, "ce", x, y)
    torch.testing.assert_close(bench_grads.loop_norms(model, params, x, y), fast, rtol=1e-5, atol=1e-7)


def per_sample_grads(model, params, x, y) -> dict[str, torch.Tensor]:
    """∂ℓᵢ/∂θ of each sample's own ce loss, name -> (N, *shape)."""

    def sample_loss(p, xi, yi):
        return losses.get("ce").loss(functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0)).squeeze(0)

    return vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, x, y)


def test_mean_reduced_batch_gradient_is_the_average_of_per_sample_gradients():
    model, params, x, y = bench_grads.workload(TINY)
    model, x = model.double(), x.double()
    params = {k: v.double().requires_grad_() for k, v in params.items()}
    batch = torch.autograd.grad(losses.get("ce").loss(functional_call(model, params, (x,)), y).mean(), list(params.values()))
    each = per_sample_grads(model, {k: v.detach() for k, v in params.items()}, x, y)
    for g_each, g_batch in zip(each.values(), batch):
        torch.testing.assert_close(g_each.mean(0), g_batch, rtol=1e-10, atol=1e-12)  # N times too small if read as one sample's


def test_opacus_multiplies_a_mean_reduced_loss_by_n():
    pytest.importorskip("opacus")
    model, params, x, y = bench_grads.workload(TINY)
    opacus = bench_grads.opacus_runner(model, params)
    torch.testing.assert_close(opacus(x, y), param_grad_norms(model, params, "ce", x, y), rtol=1e-5, atol=1e-7)
