"""core.split: each sample's exact push from its probability vector (autograd as oracle), the band over splits of the
wrong mass (closed forms for cross-entropy, a bounded scalar optimiser for MSE), and the confidently-wrong comparison."""

import math

import pandas as pd
import pytest
import torch
from scipy.optimize import minimize_scalar

from core import losses, split


def autograd_norm(name: str, probs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """‖∂ℓᵢ/∂zᵢ‖ by autograd of the registry's loss at logits z = log p."""
    z = probs.double().log().requires_grad_()
    losses.get(name).loss(z, y).sum().backward()
    return z.grad.norm(dim=-1)


@pytest.mark.parametrize("name", ["ce", "mse", "mae", "softmax-ce"])
def test_exact_norms_equal_autograd(name):
    g = torch.Generator().manual_seed(3)
    probs = torch.softmax(3 * torch.randn(50, 4, generator=g, dtype=torch.float64), -1)
    y = torch.randint(0, 4, (50,), generator=g)
    torch.testing.assert_close(split.exact_norms(name, probs, y), autograd_norm(name, probs, y), rtol=1e-10, atol=1e-12)


def test_exact_norms_refuse_losses_of_the_logits():
    with pytest.raises(ValueError, match="mse-logits"):
        split.exact_norms("mse-logits", torch.full((1, 3), 1 / 3), torch.tensor([0]))


def test_cross_entropy_band_is_the_even_split_and_the_one_class_line():
    band = split.bands(("ce",))
    q = 1 - band.p
    assert band.low.to_numpy() == pytest.approx((q * math.sqrt(3 / 2)).to_numpy(), abs=1e-12)
    assert band.high.to_numpy() == pytest.approx((q * math.sqrt(2)).to_numpy(), abs=1e-12)
    assert band.one_class.to_numpy() == pytest.approx(band.high.to_numpy(), abs=1e-12)
    assert split.line_on_top_from(band) == 0.0


def mse_extreme(p: float, sign: float) -> float:
    """The largest (sign = −1) or smallest (+1) MSE push over splits t of the wrong mass, by a bounded optimiser."""

    def push(t):
        probs = torch.tensor([[p, (1 - p) * t, (1 - p) * (1 - t)]], dtype=torch.float64).clamp_min(1e-300)
        return sign * autograd_norm("mse", probs, torch.tensor([0])).item()

    best = min((minimize_scalar(push, bounds=b, method="bounded", options={"xatol": 1e-10}) for b in [(0, 0.5), (0.5, 1)]),
               key=lambda r: r.fun)  # fmt: skip
    return sign * min(best.fun, push(0.0), push(0.5))


def test_mse_band_edges_against_an_optimiser_and_where_the_line_is_on_top():
    band = split.bands(("mse",)).set_index("p")
    for p in (0.0, 0.05, 0.16, 0.3, 0.7):
        assert band.high[p] == pytest.approx(mse_extreme(p, -1.0), abs=1e-6)
        assert band.low[p] == pytest.approx(mse_extreme(p, 1.0), abs=1e-6)
    assert band.high[0.0] == pytest.approx(0.0907, abs=1e-4) and band.one_class[0.0] == 0.0
    assert mse_extreme(0.16, -1.0) > band.one_class[0.16] + 1e-4  # a split beats the line just below 0.17 …
    for p in (0.17, 0.2, 0.5, 0.9):
        assert mse_extreme(p, -1.0) == pytest.approx(band.one_class[p], abs=1e-9)  # … and the line is the top from there
    assert split.line_on_top_from(band.reset_index()) == pytest.approx(0.17)


def test_versus_rest_closed_form():
    frame = pd.DataFrame({"run": ["a"] * 4 + ["b"] * 4, "p_true": [0.05, 0.5, 0.6, 0.9] * 2,
                          "dlogit_norm": [1.0, 0.5, 0.25, 0.25, 0.1, 0.2, 0.4, 0.0]})  # fmt: skip
    got = split.versus_rest(frame, 0.1).set_index("run")
    assert got.n.tolist() == [1, 1]
    assert got.loc["a", "ratio"] == pytest.approx(1.0 / (1.0 / 3)) and got.loc["a", "percentile"] == 0.75
    assert got.loc["b", "ratio"] == pytest.approx(0.1 / (0.6 / 3)) and got.loc["b", "percentile"] == 0.25
