"""The Practice page's evidence (core.practice) against closed forms, torch autograd and torch.nn losses."""

import math

import pytest
import torch
import torch.nn.functional as F

from core import losses, misuse
from core import practice as p
from core.config import parameter_count
from core.engine import Race


def autograd_norm(loss_of, z: torch.Tensor) -> torch.Tensor:
    """‖∂ℓᵢ/∂zᵢ‖ per row by autograd (rows are independent: the sum's gradient is each row's own)."""
    leaf = z.clone().requires_grad_()
    (grad,) = torch.autograd.grad(loss_of(leaf).sum(), leaf)
    return grad.norm(dim=-1)


def test_gradient_norms_are_autograd_of_torch_losses():
    z_true = torch.linspace(-8, 8, 33, dtype=torch.float64)
    table = p.gradient_norms(("ce", "mse", "mse-logits"), z_true).groupby("loss").norm.apply(list)
    z, y = p.margin_logits(z_true), torch.zeros(33, dtype=torch.long)
    onehot = F.one_hot(y, 3).double()
    oracles = {
        "ce": lambda v: F.cross_entropy(v, y, reduction="none"),
        "mse": lambda v: F.mse_loss(v.softmax(-1), onehot, reduction="none").mean(-1),
        "mse-logits": lambda v: F.mse_loss(v, onehot, reduction="none").mean(-1),
    }
    for name, oracle in oracles.items():
        assert torch.allclose(torch.tensor(table[name], dtype=torch.float64), autograd_norm(oracle, z), atol=1e-12), name


def test_the_numbers_at_the_confidently_wrong_logit():
    norms = p.norm_at(("ce", "mse", "mse-logits"))
    assert norms["ce"] == pytest.approx(1.2232, abs=5e-5)  # REFERENCE.md §1: z = [−6, 0, 0]
    assert norms["mse"] * 3 == pytest.approx(0.00454, abs=5e-6)  # its sum of squares, ÷ C for nn.MSELoss's mean
    assert norms["mse-logits"] == pytest.approx(2 / 3 * 7)  # (2/C)‖z − y‖ = (2/3)·‖[−7, 0, 0]‖
    assert p.true_probability(-6.0) == pytest.approx(math.exp(-6) / (math.exp(-6) + 2))


def test_one_logit_gradients_are_p_minus_y_and_twice_it_times_the_sigmoid_slope():
    z = torch.linspace(-8, 8, 33, dtype=torch.float64).unsqueeze(-1)
    for label in (0, 1):
        y = torch.full((33,), label)
        sig = torch.sigmoid(z)
        assert torch.allclose(losses.get("bce").dlogits(z, y), sig - label)  # "for a softmax and a sigmoid alike"
        assert torch.allclose(losses.get("mse-sigmoid").dlogits(z, y), 2 * (sig - label) * sig * (1 - sig))


def test_mse_flattens_as_the_model_grows_wrong_and_the_square_loss_pulls_back_right_logits():
    table = p.gradient_norms(("ce", "mse", "mse-logits"), torch.linspace(-8, 8, 161, dtype=torch.float64))
    norm = {name: g.set_index("z_y").norm for name, g in table.groupby("loss")}
    assert norm["mse"].loc[-8:-1].is_monotonic_increasing  # left of −1, ever smaller towards −8
    assert norm["ce"].loc[1:].is_monotonic_decreasing and norm["mse-logits"].loc[1:].is_monotonic_increasing
    assert (norm["ce"].loc[-8:-1] > 1).all()  # question 1: cross-entropy's push stays near its maximum √2


def test_cross_entropy_is_nll_of_log_softmax_and_probabilities_change_it():
    check = p.fused_loss_check()
    assert check["gap_nll"] < 1e-12 and check["gap_doubled"] > 0.1
    generator = torch.Generator().manual_seed(0)  # the same draw, by hand: −mean of the true class's log-sum-exp form
    z = torch.randn(8, 5, generator=generator, dtype=torch.float64) * 3
    y = torch.randint(5, (8,), generator=generator)
    by_hand = (torch.logsumexp(z, -1) - z.gather(1, y.unsqueeze(1)).squeeze(1)).mean()
    assert check["loss"] == pytest.approx(float(by_hand), abs=1e-12)


def test_the_doubled_gradient_is_a_thousand_times_smaller_at_every_class_count():
    sweep = misuse.class_sweep()
    assert sweep.shrink.min() > 1000 and misuse.max_probability(10) == pytest.approx(math.e / (math.e + 9))


def test_expected_losses_are_the_closed_forms_and_lowest_at_the_true_probability():
    table = p.expected_losses(0.7, 199)
    probs = torch.tensor(table[table["loss"] == "mse-sigmoid"].p.to_numpy())
    mse = table[table["loss"] == "mse-sigmoid"].value.to_numpy()
    bce = table[table["loss"] == "bce"].value.to_numpy()
    assert mse == pytest.approx((0.7 * (1 - probs) ** 2 + 0.3 * probs**2).numpy(), abs=1e-12)
    assert bce == pytest.approx((-0.7 * probs.log() - 0.3 * (1 - probs).log()).numpy(), abs=1e-12)
    assert p.minimisers(table) == {"bce": pytest.approx(0.7), "mse-sigmoid": pytest.approx(0.7)}


def test_bce_on_one_logit_is_cross_entropy_on_two():
    table = p.binary_equivalence()
    z = torch.tensor(table.z.to_numpy())
    softplus = torch.where(torch.tensor(table.y.to_numpy()) == 1, F.softplus(-z), F.softplus(z))  # closed-form BCE
    assert table.bce.to_numpy() == pytest.approx(softplus.numpy(), abs=1e-12)
    assert (table.bce - table.ce).abs().max() < 1e-12 and (table.ce_shifted - table.ce).abs().max() < 1e-12
    assert table.grad_gap.max() < 1e-12


def test_label_smoothing_against_its_closed_form_and_minimum():
    eps, c = p.SMOOTHING, p.SMOOTH_CLASSES
    table = p.smoothed_losses()
    smooth = table[table.eps == eps]
    z = p.margin_logits(torch.tensor(smooth.m.to_numpy()), c)
    log_p = z.log_softmax(-1)
    closed = -(1 - eps) * log_p[:, 0] - eps / c * log_p.sum(-1)  # (1 − ε)·CE + ε·mean over classes of −log p
    assert smooth.loss.to_numpy() == pytest.approx(closed.numpy(), abs=1e-12)
    best = p.smoothed_optimum()
    assert best["p"] == pytest.approx(0.91)
    at_best = p.margin_logits(torch.tensor([best["margin"]], dtype=torch.float64), c).softmax(-1)[0, 0]
    assert float(at_best) == pytest.approx(best["p"], abs=1e-12)  # that margin predicts the smoothed target
    assert abs(smooth.m.iloc[smooth.loss.argmin()] - best["margin"]) <= 0.05  # the grid's step
    assert table[table.eps == 0].loss.is_monotonic_decreasing


def test_imbalance_shares_and_torch_weighted_mean():
    shares = p.imbalance_shares((90, 10)).set_index(["scheme", "class"])
    assert shares.share.tolist() == pytest.approx([0.9, 0.1, 0.5, 0.5])
    weights = torch.tensor([100 / 180, 100 / 20], dtype=torch.float64)
    y = torch.tensor([0] * 90 + [1] * 10)
    per_sample = F.cross_entropy(torch.zeros(100, 2, dtype=torch.float64), y, reduction="none")
    assert torch.allclose(per_sample, torch.full((100,), math.log(2), dtype=torch.float64))  # every sample the same
    weighted = float((weights[y] * per_sample).sum() / weights[y].sum())  # Σ wᵢℓᵢ / Σ wᵢ, not / N
    assert shares.loc[("weighted", 0), "loss"] == pytest.approx(weighted) == pytest.approx(math.log(2))
    other = torch.tensor([1.0, 3.0], dtype=torch.float64)  # weights whose Σ wᵢ is not N: torch divides by Σ wᵢ
    loss = torch.nn.CrossEntropyLoss(weight=other)(torch.tensor([[0.0, 1.0]] * 3, dtype=torch.float64), torch.tensor([0, 1, 1]))
    terms = other[torch.tensor([0, 1, 1])] * F.cross_entropy(
        torch.tensor([[0.0, 1.0]] * 3, dtype=torch.float64), torch.tensor([0, 1, 1]), reduction="none"
    )
    assert float(loss) == pytest.approx(float(terms.sum() / 7)) and float(loss) != pytest.approx(float(terms.mean()))


@pytest.fixture(scope="module")
def rescue():
    return p.adam_rescue()


def test_the_first_steps_are_the_optimizers_closed_forms(rescue):
    history, table = rescue
    rows = table.set_index(["optimizer", "loss"])
    start = history[(history.epoch == 0) & (history.optimizer == "sgd lr 0.5")].set_index("run").grad_norm
    for loss in ("ce", "mse"):  # SGD's first step (momentum buffer = the gradient): lr·‖g‖
        assert rows.loc[("sgd lr 0.5", loss), "first_step"] == pytest.approx(0.5 * start[loss], rel=1e-4)  # float32 weights
    size = math.sqrt(parameter_count(p.SATURATED))  # Adam's first step is lr·g/(|g| + ε) ≈ lr·sign(g) per parameter
    for lr in p.ADAM_LRS:
        for loss in ("ce", "mse"):
            assert rows.loc[(f"adam lr {lr:g}", loss), "first_step"] == pytest.approx(lr * size, rel=1e-3)


def test_adam_rescues_mse_only_partly(rescue):
    history, table = rescue
    rows = table.set_index(["optimizer", "loss"])
    assert rows.loc[("sgd lr 0.5", "mse"), "wrong"] == rows.loc[("sgd lr 0.5", "mse"), "wrong_at_start"] > 0
    for lr in p.ADAM_LRS:
        adam_ce, adam_mse = rows.loc[(f"adam lr {lr:g}", "ce")], rows.loc[(f"adam lr {lr:g}", "mse")]
        assert adam_mse.accuracy > rows.loc[("sgd lr 0.5", "mse"), "accuracy"] + 0.2  # it starts moving
        assert 0 < adam_mse.wrong < adam_mse.wrong_at_start and adam_ce.wrong == 0  # but stalls; CE does not
        assert adam_ce.accuracy >= 0.99 and adam_mse.accuracy < 0.8
    late = history[(history.optimizer == f"adam lr {p.ADAM_LR:g}") & (history.run == "mse") & (history.epoch >= 100)]
    assert late.accuracy.nunique() == 1  # stalled: the second half changes nothing


def test_the_sgd_race_is_the_engines_own(rescue):
    history, _ = rescue
    race = Race(p.SATURATED)
    race.advance(p.SATURATED.epochs)
    sgd = history[history.optimizer == "sgd lr 0.5"].drop(columns="optimizer")
    assert sgd.to_dict("records") == race.history
