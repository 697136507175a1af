"""Registry losses against torch.nn, closed-form gradients against autograd (float64, 1e-9)."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from core import losses as L

C = 4


def logits_for(name, n=64, scale=6.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    k = 1 if L.get(name).binary else C
    z = scale * torch.randn(n, k, generator=g, dtype=torch.float64)
    y = torch.randint(0, 2 if L.get(name).binary else C, (n,), generator=g)
    return z, y


@pytest.mark.parametrize("name", list(L.LOSSES))
@pytest.mark.parametrize("scale", [0.1, 3.0, 12.0])
def test_closed_form_gradient_matches_autograd(name, scale):
    z, y = logits_for(name, scale=scale)
    z.requires_grad_()
    (auto,) = torch.autograd.grad(L.get(name).loss(z, y).sum(), z)
    torch.testing.assert_close(L.get(name).dlogits(z.detach(), y), auto, atol=1e-9, rtol=1e-9)


@pytest.mark.parametrize("name", list(L.LOSSES))
def test_batched_leading_dims(name):
    z, y = logits_for(name)
    zz, yy = z.view(4, 16, -1), y.view(4, 16)
    torch.testing.assert_close(L.get(name).loss(zz, yy), L.get(name).loss(z, y).view(4, 16))
    torch.testing.assert_close(L.get(name).dlogits(zz, yy), L.get(name).dlogits(z, y).view(4, 16, -1))


def test_losses_equal_torch_nn():
    z, y = logits_for("ce")
    onehot = F.one_hot(y, C).double()
    p = z.softmax(-1)
    torch.testing.assert_close(L.get("ce").loss(z, y), nn.CrossEntropyLoss(reduction="none")(z, y))
    torch.testing.assert_close(L.get("mse").loss(z, y).mean(), nn.MSELoss()(p, onehot))
    torch.testing.assert_close(L.get("mse-logits").loss(z, y).mean(), nn.MSELoss()(z, onehot))
    torch.testing.assert_close(L.get("softmax-ce").loss(z, y), nn.CrossEntropyLoss(reduction="none")(p, y))
    torch.testing.assert_close(L.get("mae").loss(z, y), 2 * (1 - p.gather(1, y[:, None]).squeeze(1)))
    zb, yb = logits_for("bce")
    torch.testing.assert_close(
        L.get("bce").loss(zb, yb), F.binary_cross_entropy_with_logits(zb[:, 0], yb.double(), reduction="none")
    )
    torch.testing.assert_close(L.get("mse-sigmoid").loss(zb, yb), (zb[:, 0].sigmoid() - yb) ** 2)
    playground_target = torch.where(yb == 1, 1.0, -1.0).double()  # TensorFlow Playground's labels ±1
    half_square = nn.MSELoss(reduction="none")(zb[:, 0].tanh(), playground_target) / 2
    torch.testing.assert_close(L.get("square-tanh").loss(zb, yb), half_square)


def logit_of(p):
    return torch.tensor([[math.log(p / (1 - p))]], dtype=torch.float64)


def test_confidently_wrong_binary_reference_values():
    z, y = logit_of(0.01), torch.tensor([1])
    ce = L.get("bce").dlogits(z, y).abs().item()
    mse_half = L.get("mse-sigmoid").dlogits(z, y).abs().item() / 2  # registry has no ½
    assert ce == pytest.approx(0.99, abs=1e-12)
    assert mse_half == pytest.approx(0.99 * 0.01 * 0.99, rel=1e-12)
    assert round(mse_half, 6) == 0.009801
    assert ce / mse_half == pytest.approx(1 / (0.01 * 0.99), rel=1e-12)  # 101.01: the p(1-p) factor
    assert round(ce / mse_half, 1) == 101.0


def test_half_mse_gradient_peaks_at_one_third():
    zs = torch.linspace(-10, 10, 200001, dtype=torch.float64).unsqueeze(1)
    g = L.get("mse-sigmoid").dlogits(zs, torch.ones(len(zs), dtype=torch.long)).abs() / 2
    assert g.max().item() == pytest.approx(4 / 27, abs=1e-9)
    assert torch.sigmoid(zs[g.argmax()]).item() == pytest.approx(1 / 3, abs=1e-4)


def test_multiclass_saturation_reference():
    z, y = torch.tensor([[-6.0, 0.0, 0.0]], dtype=torch.float64), torch.tensor([0])
    assert L.get("ce").dlogits(z, y).norm().item() == pytest.approx(1.2232, abs=1e-4)
    sum_of_squares = 3 * L.get("mse").dlogits(z, y).norm().item()  # registry mse is the mean over C
    assert sum_of_squares == pytest.approx(0.00454, abs=1e-5)


def test_double_softmax_gradient_collapse():
    z, wrong = torch.tensor([[8.0, 0.0, 0.0]], dtype=torch.float64), torch.tensor([1])
    assert L.get("ce").dlogits(z, wrong).abs().max().item() == pytest.approx(0.9997, abs=1e-4)
    assert L.get("softmax-ce").dlogits(z, wrong).abs().max().item() == pytest.approx(0.000579, abs=1e-6)


def test_probabilities_and_output_size():
    assert L.output_size("bce", 2) == 1 and L.output_size("ce", 5) == 5
    p = L.probabilities("bce", torch.tensor([[0.0], [2.0]]))
    torch.testing.assert_close(p.sum(-1), torch.ones(2))
    assert p[1, 1].item() == pytest.approx(torch.sigmoid(torch.tensor(2.0)).item())
    with pytest.raises(KeyError, match="unknown loss"):
        L.get("hinge")


def test_reference_point_z_minus_4_6():
    """REFERENCE.md's 'p = 0.01' numbers are at z = -4.6 (p = 0.00995)."""
    z, y = torch.tensor([[-4.6]], dtype=torch.float64), torch.tensor([1])
    ce, mse_half = L.get("bce").dlogits(z, y).abs().item(), L.get("mse-sigmoid").dlogits(z, y).abs().item() / 2
    assert (round(ce, 5), round(mse_half, 6), round(ce / mse_half, 1)) == (0.99005, 0.009755, 101.5)


def test_square_tanh_is_playgrounds_loss_and_probability():
    """½(o − t)² on o = tanh(z): ∂ℓ/∂z = (o − t)(1 − o²) (Playground's der (o − t) times tanh'); p = (1 + o)/2 = σ(2z)."""
    z, y = logits_for("square-tanh", scale=3.0)
    o, t = z.tanh(), 2.0 * y.unsqueeze(1) - 1
    torch.testing.assert_close(L.get("square-tanh").dlogits(z, y), (o - t) * (1 - o**2), atol=1e-12, rtol=1e-12)
    p = L.probabilities("square-tanh", z)
    torch.testing.assert_close(p[:, 1:], (1 + o) / 2)
    torch.testing.assert_close(p[:, 1:], torch.sigmoid(2 * z))
    zero, one = torch.zeros(1, 1, dtype=torch.float64), torch.ones(1, dtype=torch.long)
    assert L.get("square-tanh").dlogits(zero, one).item() == -1.0  # the page's "at z = 0 … = 1, twice bce's ½"
    assert L.get("bce").dlogits(zero, one).item() == -0.5
    wrong = torch.tensor([[-6.0]], dtype=torch.float64)  # confidently wrong: o ≈ −1 for t = +1, the push vanishes
    assert abs(L.get("square-tanh").dlogits(wrong, one).item()) < 2e-4 < abs(L.get("bce").dlogits(wrong, one).item())


@pytest.mark.parametrize("name", [n for n, entry in L.LOSSES.items() if entry.curve.norm is not None])
def test_analytic_curve_is_the_gradient_norm_at_two_classes(name):
    """The per-sample page's line ‖∂ℓ/∂z‖(p) is exact at C = 2, with p = p(true class) from the loss's own probabilities."""
    z, y = logits_for(name, scale=3.0)
    z, y = (z, y) if L.get(name).binary else (z[:, :2], y % 2)
    p = L.probabilities(name, z).gather(1, y.unsqueeze(1)).squeeze(1)
    expected = L.get(name).dlogits(z, y).norm(dim=1)
    torch.testing.assert_close(L.get(name).curve.norm(p, 1 - p, 2), expected, atol=1e-12, rtol=1e-9)


def test_run_probabilities_use_each_runs_own_loss():
    """Seed-major runs (square-tanh, bce) × 2 seeds: run r's probabilities are those of loss r % 2, not of the first."""
    names, z = ("square-tanh", "bce"), torch.randn(4, 9, 1, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    probs = L.run_probabilities(names, z)
    for r in range(4):
        torch.testing.assert_close(probs[r], L.probabilities(names[r % 2], z[r]))
    assert not torch.allclose(probs[0], probs[1])  # σ(2z) is not σ(z): one rule for both would be wrong
    assert torch.equal(L.run_probabilities(("bce", "mse-sigmoid"), z), L.probabilities("bce", z))


@pytest.mark.parametrize("k,m", [(1.0, 1.0), (5.0, 15.0), (0.5, 3.0)])
def test_rescaled_square_loss_matches_its_definition_and_autograd(k, m):
    z, y = logits_for("mse-logits", scale=4.0)
    onehot = F.one_hot(y, C).double()
    expected = (k * (z.gather(1, y[:, None]).squeeze(1) - m) ** 2 + ((z * (1 - onehot)) ** 2).sum(1)) / C
    torch.testing.assert_close(L.get("mse-logits").loss(z, y, k=k, m=m), expected)
    z.requires_grad_()
    (auto,) = torch.autograd.grad(L.get("mse-logits").loss(z, y, k=k, m=m).sum(), z)
    torch.testing.assert_close(L.get("mse-logits").dlogits(z.detach(), y, k=k, m=m), auto, atol=1e-9, rtol=1e-9)


@pytest.mark.parametrize("name", list(L.LOSSES))
def test_predictions_match_the_argmax_of_probabilities(name):
    z, _ = logits_for(name, scale=3.0)
    torch.testing.assert_close(L.predictions(name, z), L.probabilities(name, z).argmax(-1))


@pytest.mark.parametrize("name", list(L.LOSSES))
def test_every_entry_has_every_fact(name):
    """A new loss is one entry: the pages and the exported script read all of these from it."""
    entry = L.get(name)
    assert entry.name == name and entry.label and entry.formula and entry.help and entry.curve.formula
    assert len(entry.color) == 7 and int(entry.color[1:], 16) >= 0
    assert entry.curve.norm is not None or entry.curve.formula.startswith("no curve")


@pytest.mark.parametrize("name", list(L.LOSSES))
def test_exported_code_line_equals_the_registry_loss(name):
    """The script's expression of (logits, y, C), run by torch in float32 as the script does, is the registry's mean loss."""
    z, y = logits_for(name, scale=3.0)
    z = z.float()
    code = eval(f"lambda logits, y, C: {L.get(name).code}", {"nn": nn, "F": F, "torch": torch})
    torch.testing.assert_close(code(z, y, C), L.get(name).loss(z, y).mean(), atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("shape", [(480, 3), (2, 7, 10), (3, 1000), (5,)], ids=str)
def test_softmax_helpers_equal_torch_on_either_layout(shape):
    """losses.softmax picks torch's faster kernel by shape (rows vs classes); the values are torch's either way."""
    z = 30 * torch.randn(*shape, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(L.softmax(z), torch.softmax(z, -1), atol=1e-7, rtol=1e-6)
    torch.testing.assert_close(L.log_softmax(z), torch.log_softmax(z, -1), atol=1e-5, rtol=1e-6)
