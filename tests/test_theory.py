"""The one-neuron numbers against autograd and REFERENCE.md's closed forms; its chart builder."""

import json

import pandas as pd
import pytest
import torch

from core.theory import (
    COSTS,
    NIELSEN_STARTS,
    _cost,
    neuron_curves,
    neuron_gradients,
    neuron_point,
    neuron_values,
    slowdown,
    z_grid,
)
from ui import theory_charts


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("half", [True, False])
def test_neuron_gradients_match_autograd(y, half):
    z = z_grid(12.0, 241).requires_grad_()
    p = torch.sigmoid(z)
    ce = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
    mse = (0.5 if half else 1.0) * (p - y) ** 2
    (d_ce,) = torch.autograd.grad(ce.sum(), z, retain_graph=True)
    (d_mse,) = torch.autograd.grad(mse.sum(), z)
    v = neuron_values(z.detach(), y, half)
    torch.testing.assert_close(v["ce_grad"], d_ce, atol=1e-9, rtol=1e-9)
    torch.testing.assert_close(v["mse_grad"], d_mse, atol=1e-12, rtol=1e-9)
    torch.testing.assert_close(v["ce_loss"], ce.detach(), atol=1e-9, rtol=1e-9)
    torch.testing.assert_close(v["mse_loss"], mse.detach())


def test_reference_point_values():
    point = neuron_point(-4.6, 1, half_mse=True)
    assert round(point["ce_grad"], 5) == -0.99005 and round(point["mse_grad"], 6) == -0.009755
    assert round(point["ratio"], 1) == 101.5
    assert neuron_point(0.0, 1, True)["ratio"] == pytest.approx(4.0)
    assert neuron_point(0.0, 0, False)["ratio"] == pytest.approx(2.0)


def test_curves_table_and_chart_spec():
    curves = neuron_curves(z_grid(10.0, 101), 1, True)
    assert set(curves.quantity) == {"loss", "gradient"} and len(curves) == 5 * 101
    marks = neuron_curves(torch.tensor([-4.6], dtype=torch.float64), 1, True)
    spec = theory_charts.neuron_panel(curves, "gradient", -4.6, marks, "t", log=True).to_dict()
    layer_values = [json.dumps(layer) for layer in spec["layer"]]
    assert any('"type": "log"' in text for text in layer_values)
    assert all(v["value"] > 0 for rows in spec["datasets"].values() for v in rows if "value" in v)


def test_nielsen_starting_outputs_and_gradients():
    a, gw, gb = neuron_gradients(0.6, 0.9, "quadratic")
    assert round(a, 4) == 0.8176
    a, gw_quadratic, _ = neuron_gradients(2.0, 2.0, "quadratic")
    _, gw_ce, gb_ce = neuron_gradients(2.0, 2.0, "cross-entropy")
    assert round(a, 4) == 0.9820
    assert round(gw_quadratic, 5) == 0.01735 and round(gw_ce, 4) == 0.9820
    assert gw_quadratic == pytest.approx(a * a * (1 - a))  # (a − y)σ′(z)x with y = 0, x = 1
    assert gw_ce == pytest.approx(a) and gb_ce == pytest.approx(a)


def test_slowdown_training_matches_the_closed_form_first_step():
    runs = slowdown(lr=0.15, epochs=3).set_index(["start", "cost", "epoch"])
    a0 = runs.loc[("(w, b) = (2, 2)", "quadratic", 0), "output"]
    a1 = runs.loc[("(w, b) = (2, 2)", "quadratic", 1), "output"]
    g = a0 * a0 * (1 - a0)  # the same for w and b (x = 1)
    assert a1 == pytest.approx(torch.sigmoid(torch.tensor(4.0 - 2 * 0.15 * g, dtype=torch.float64)).item(), rel=1e-12)
    slow = slowdown(lr=0.15, epochs=300).groupby(["start", "cost"]).output.last()
    assert slow[("(w, b) = (2, 2)", "cross-entropy")] < 0.1 < slow[("(w, b) = (2, 2)", "quadratic")]


def test_slowdown_equals_autograd_and_torch_optim():
    """The closed-form lockstep training against the textbook loop: autograd through the cost, torch.optim.SGD."""
    rows = []
    for start, (w0, b0) in NIELSEN_STARTS.items():
        for cost in COSTS:
            params = torch.tensor([w0, b0], dtype=torch.float64, requires_grad=True)
            optimizer = torch.optim.SGD([params], lr=0.3)
            for epoch in range(41):
                a = torch.sigmoid(params[0] * 1.0 + params[1])
                c = _cost(a, cost, 0.0)
                rows.append((start, cost, epoch, a.item(), c.item()))
                optimizer.zero_grad()
                c.backward()
                optimizer.step()
    expected = pd.DataFrame(rows, columns=["start", "cost", "epoch", "output", "cost_value"])
    pd.testing.assert_frame_equal(slowdown(lr=0.3, epochs=40), expected, rtol=1e-10, atol=0)
