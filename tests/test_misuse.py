"""core.misuse against closed forms (REFERENCE.md §1) and independent torch computations."""

import math
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from core import mistakes, misuse
from core.engine import Race

FLOORS = {2: 0.313262, 3: 0.551445, 4: 0.743668, 10: 1.461150, 100: 3.622207, 1000: 5.909472}  # REFERENCE.md §1


@pytest.mark.parametrize("classes", [2, 3, 4, 7, 10, 20, 100, 1000])
def test_floor_and_max_probability_match_the_closed_forms(classes):
    assert misuse.floor(classes) == pytest.approx(math.log1p((classes - 1) / math.e), abs=1e-12)
    assert misuse.max_probability(classes) == pytest.approx(math.e / (math.e + classes - 1), abs=1e-12)
    if classes in FLOORS:
        assert misuse.floor(classes) == pytest.approx(FLOORS[classes], abs=5e-7)


def test_reference_max_probabilities():
    assert round(misuse.max_probability(2), 3) == 0.731 and round(misuse.max_probability(10), 3) == 0.232


def _autograd_dlogits(z: torch.Tensor, y: torch.Tensor, doubled: bool) -> torch.Tensor:
    z = z.clone().requires_grad_()
    F.cross_entropy(z.softmax(-1) if doubled else z, y).backward()
    return z.grad  # (1, C)


def test_class_sweep_against_closed_forms_and_autograd():
    sweep = misuse.class_sweep().set_index("C")
    assert sweep.index.min() == 2 and sweep.index.max() == 1000 and set(FLOORS) <= set(sweep.index)
    classes = torch.tensor(sweep.index, dtype=torch.float64)
    assert torch.allclose(torch.tensor(sweep.floor.to_numpy()), torch.log1p((classes - 1) / math.e))
    assert torch.allclose(torch.tensor(sweep.uniform_loss.to_numpy()), classes.log())
    assert torch.allclose(torch.tensor(sweep.uniform_prob.to_numpy()), 1 / classes)
    y = torch.tensor([misuse.TRUE_CLASS])
    for c in [2, 3, 10, 100, 1000]:
        z = torch.zeros(1, c, dtype=torch.float64)
        z[0, 0] = misuse.MARGIN
        assert sweep.grad_ce[c] == pytest.approx(float(_autograd_dlogits(z, y, False).abs().max()), rel=1e-9)
        assert sweep.grad_doubled[c] == pytest.approx(float(_autograd_dlogits(z, y, True).abs().max()), rel=1e-9)
    assert round(sweep.grad_ce[3], 4) == 0.9997 and round(sweep.grad_doubled[3], 6) == 0.000579  # REFERENCE.md's pair


def test_reference_pair_is_for_a_wrong_true_class():
    right = misuse.class_sweep([3], true_class=0).iloc[0]  # the model is right: both gradients are small
    assert right.grad_ce < 1e-3 and right.grad_doubled < 1e-3
    assert right.grad_ce == pytest.approx(math.e**-8 * 2 / (math.e**-8 * 2 + 1), rel=1e-9)  # 1 − p_0 with p_0 = e⁸/(e⁸ + 2)


CONFIGS = [  # small and short: the floor is a bound at every step, not only at convergence
    {},
    {"classes": 2, "optimizer": "adam", "lr": 0.05},
    {"classes": 20, "lr": 2.0},
    {"dataset": "spirals", "classes": 3, "lr": 1.0},
    {"dataset": "digits", "classes": 10, "noise": 0.0, "epochs": 20, "batch_size": 100},
]


@pytest.mark.parametrize("overrides", CONFIGS)
def test_trained_softmax_ce_never_reports_a_loss_below_its_floor(overrides):
    config = replace(misuse.DEFAULTS, **{"samples": 300, "epochs": 100, **overrides})
    race = Race(config)
    race.advance(config.epochs)
    doubled = [h["loss"] for h in race.history if h["run"] == misuse.DOUBLED]
    assert len(doubled) == config.epochs + 1
    assert min(doubled) >= misuse.floor(config.classes) - 1e-6  # float32 training vs the float64 floor


def test_default_race_accuracy_climbs_while_the_doubled_loss_is_pinned():
    race = Race(misuse.DEFAULTS)
    race.advance(misuse.DEFAULTS.epochs)
    last = {h["run"]: h for h in race.history}
    first = {h["run"]: h for h in race.history if h["epoch"] == 0}
    for run in misuse.DEFAULTS.losses:
        assert last[run]["accuracy"] > 0.9 > first[run]["accuracy"] + 0.5
    floor = misuse.floor(misuse.DEFAULTS.classes)
    assert 0 < last[misuse.DOUBLED]["loss"] - floor < 0.05 and last[misuse.CORRECT]["loss"] < floor / 10


def test_confidence_is_what_each_loss_scores():
    race = Race(replace(misuse.DEFAULTS, samples=200, epochs=40))
    race.advance(40)
    with torch.no_grad():
        z = race.logits(race.data.x_train)  # (R, N, C)
    conf = misuse.confidence(race.train_probs, list(race.config.losses))
    assert torch.allclose(conf["ce"], z[0].softmax(-1).max(-1).values)
    assert torch.allclose(conf["softmax-ce"], z[1].softmax(-1).softmax(-1).max(-1).values)
    assert float(conf["softmax-ce"].max()) <= misuse.max_probability(race.config.classes) + 1e-6
    histogram = misuse.confidence_histogram(conf)
    assert histogram.groupby("run")["count"].sum().tolist() == [len(race.data.y_train)] * 2


SUBNORMAL_EXPONENT = {"float32": 149, "float16": 24, "bfloat16": 133}  # smallest subnormal = 2^-m
LARGEST = {"float32": (2 - 2**-23) * 2**127, "float16": 65504.0, "bfloat16": (2 - 2**-7) * 2**127}


@pytest.mark.parametrize("dtype", list(misuse.DTYPES))
def test_stability_thresholds_match_the_dtype_limits(dtype):
    limits = misuse.thresholds(dtype)
    assert limits["inf_predicted"] == pytest.approx((SUBNORMAL_EXPONENT[dtype] + 1) * math.log(2))
    assert limits["nan_predicted"] == pytest.approx(math.log(LARGEST[dtype]))
    spacing = 0.5 if dtype == "bfloat16" else 0.05  # bfloat16 stores s near 90 in steps of 0.5
    assert limits["inf_predicted"] <= limits["inf_from"] + 1e-3 < limits["inf_predicted"] + spacing
    assert limits["nan_predicted"] <= limits["nan_from"] + 1e-3 < limits["nan_predicted"] + spacing
    assert limits["nan_from"] < limits["inf_from"]  # the gradient breaks before the value does


def test_float32_reference_row_and_log_softmax_against_float64():
    row = misuse.stability_table("float32", 200).set_index("s").loc[200.0]
    assert row.naive == -math.inf and math.isnan(row.naive_grad_z0) and math.isnan(row.naive_grad_z1)
    assert (row.log_softmax, row.log_softmax_grad_z0, row.log_softmax_grad_z1) == (-200.0, -1.0, 1.0)
    curve = misuse.stability_curve("float32", 1000)
    truth = -curve.s - torch.log1p(torch.exp(-torch.tensor(curve.s.to_numpy()))).numpy()  # log p₀ in float64
    assert ((curve.log_softmax - truth).abs() <= 1e-6 * (1 + truth.abs())).all()
    finite = curve[curve.s < 80]
    assert ((finite.naive - truth[curve.s < 80]).abs() < 1e-4).all()


@pytest.mark.parametrize("dtype", list(misuse.DTYPES))
@pytest.mark.parametrize("gap", [1, 17, 100, 1000])
def test_every_allowed_panel_setting_computes(dtype, gap):
    curve, table = misuse.stability_curve(dtype, gap), misuse.stability_table(dtype, gap)
    assert len(curve) == 401 and curve.s.max() == pytest.approx(gap, rel=4e-3) and table.s.max() == pytest.approx(gap, rel=4e-3)
    assert torch.tensor(curve.log_softmax.to_numpy()).isfinite().all()  # the stable line never breaks


def _as_displayed(outcome: mistakes.Outcome):
    """Run the code exactly as the page shows it, its last line being the result."""
    head, _, last = outcome.code.rpartition("\n")
    scope = {"torch": torch, "nn": nn, "F": F}
    exec(f"{head}\nresult = {last}", scope)  # the snippet text exactly as the page shows it
    return scope["result"]


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return all(_same(x, y) for x, y in zip(a, b, strict=True))
    return torch.equal(a, b) if isinstance(a, torch.Tensor) else a == b


@pytest.mark.parametrize("snippet", [f for m in mistakes.MISTAKES for f in (m.wrong, m.fix)] + [mistakes.right_way])
def test_displayed_code_produces_the_displayed_result(snippet):
    outcome = mistakes.run(snippet)
    assert "def " not in outcome.code and "return" not in outcome.code
    assert max(map(len, outcome.code.splitlines())) <= 50  # two snippets fit side by side
    if outcome.error:
        with pytest.raises(Exception) as raised:
            _as_displayed(outcome)
        assert outcome.error == f"{type(raised.value).__name__}: {raised.value}"
    else:
        assert _same(_as_displayed(outcome), outcome.value) and outcome.text == repr(outcome.value)


def _outcomes(title: str) -> tuple[mistakes.Outcome, mistakes.Outcome]:
    mistake = next(m for m in mistakes.MISTAKES if m.title.startswith(title))
    return mistakes.run(mistake.wrong), mistakes.run(mistake.fix)


def test_double_softmax_and_sigmoid_floors():
    wrong, fix = _outcomes("Softmax before CrossEntropyLoss")
    assert float(wrong.value) == pytest.approx(FLOORS[3], abs=1e-6) and float(fix.value) < 1e-6
    wrong, fix = _outcomes("Sigmoid before BCEWithLogitsLoss")
    assert wrong.value.flatten().tolist() == pytest.approx([math.log1p(math.exp(-1)), math.log(2)], abs=1e-6)
    assert float(fix.value.max()) < 1e-8


def test_softmax_into_nll_is_minus_p_with_floor_minus_one():
    wrong, fix = _outcomes("Softmax into NLLLoss")
    z = torch.tensor([[20.0, 0.0, 0.0], [2.5, -1.0, 0.3]])  # (2, 3)
    assert torch.allclose(wrong.value, -z.softmax(1)[:, 0]) and float(wrong.value[0]) == pytest.approx(-1.0)
    assert (wrong.value < 0).all() and torch.allclose(fix.value, F.cross_entropy(z, torch.tensor([0, 0]), reduction="none"))


def test_log_softmax_before_ce_is_identical():
    wrong, fix = _outcomes("LogSoftmax before CrossEntropyLoss")
    assert wrong.value[0] == pytest.approx(fix.value[0], abs=1e-7) and torch.allclose(wrong.value[1], fix.value[1], atol=1e-7)
    z = torch.tensor([[2.5, -1.0, 0.3]], dtype=torch.float64)
    assert fix.value[0] == pytest.approx(float(F.cross_entropy(z, torch.tensor([0]))), abs=1e-6)
    assert torch.allclose(fix.value[1].double(), z.softmax(1) - torch.tensor([[1.0, 0, 0]], dtype=torch.float64), atol=1e-6)


def test_bce_on_logits_and_long_one_hot_raise_what_torch_raises():
    wrong, fix = _outcomes("BCELoss on raw logits")
    with pytest.raises(RuntimeError, match="between 0 and 1") as raised:
        nn.BCELoss()(torch.tensor([[2.5], [-1.0]]), torch.tensor([[1.0], [0.0]]))
    assert wrong.error == f"RuntimeError: {raised.value}"
    assert float(fix.value) == pytest.approx((math.log1p(math.exp(-2.5)) + math.log1p(math.exp(-1.0))) / 2, abs=1e-6)
    wrong, fix = _outcomes("Integer one-hot targets")
    z = torch.tensor([[2.5, -1.0, 0.3], [0.1, 0.2, 3.0]])  # (2, 3)
    with pytest.raises(RuntimeError) as raised:
        nn.CrossEntropyLoss()(z, torch.tensor([[1, 0, 0], [0, 0, 1]]))
    assert wrong.error == f"RuntimeError: {raised.value}" and "Long" in wrong.error
    soft, hard = fix.value
    assert torch.allclose(soft, hard) and torch.allclose(hard, F.cross_entropy(z, torch.tensor([0, 2])))


def test_right_way_matches_minus_log_softmax():
    loss, check = mistakes.run(mistakes.right_way).value
    closed = math.log(math.exp(2.5) + math.exp(-1.0) + math.exp(0.3)) - 2.5
    assert float(loss) == pytest.approx(closed, abs=1e-6) and float(check) == pytest.approx(closed, abs=1e-6)


def test_the_nll_fixs_minus_zero_is_a_zero_loss():
    """Mistake 3's note: −0.0000 is float32's negative zero, the loss of z = [20, 0, 0] to float32 precision."""
    first = mistakes.run(mistakes.softmax_nll_fix).value[0]
    assert first == 0 and torch.signbit(first) and mistakes.run(mistakes.softmax_nll_fix).text.startswith("tensor([-0.0000,")
    assert "negative zero" in next(m.why for m in mistakes.MISTAKES if m.fix is mistakes.softmax_nll_fix)
