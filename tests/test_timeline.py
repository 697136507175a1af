"""core.timeline: curves against autograd (float64), checkpoints against the CLI, statistics against direct sums."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from core import losses, timeline
from core.cli import run as cli_run
from core.config import RunConfig
from core.engine import Race
from core.grads import sample_table

P = torch.linspace(0.001, 0.999, 37, dtype=torch.float64)  # (P,)
SMALL = RunConfig(samples=100, hidden=(8,), epochs=13, init_scale=3.0, optimizer="sgd", lr=0.5)


def autograd_dlogit_norm(name: str, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """‖∂ℓᵢ/∂zᵢ‖ by autograd of the registry loss; z (N, K), y (N,) -> (N,)."""
    z = z.clone().requires_grad_()
    (g,) = torch.autograd.grad(losses.get(name).loss(z, y).sum(), z)  # rows are independent: row i is ∂ℓᵢ/∂zᵢ
    return g.norm(dim=1)


@pytest.mark.parametrize("classes", [2, 3, 10])
@pytest.mark.parametrize("name", ["ce", "mse", "mae", "softmax-ce"])
def test_softmax_curves_equal_autograd_with_the_wrong_mass_on_one_class(name, classes):
    probs = torch.full((len(P), classes), 1e-300, dtype=torch.float64)  # (P, C); ~0 mass elsewhere
    probs[:, 0], probs[:, 1] = P, 1 - P
    y = torch.zeros(len(P), dtype=torch.long)
    expected = autograd_dlogit_norm(name, probs.log(), y)  # softmax(log p) = p
    torch.testing.assert_close(timeline.curve(name, P, classes), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["bce", "mse-sigmoid"])
@pytest.mark.parametrize("label", [0, 1])
def test_one_logit_curves_equal_autograd_for_both_labels(name, label):
    z = torch.logit(P if label == 1 else 1 - P).unsqueeze(1)  # (P, 1): p(true class) = P either way
    y = torch.full((len(P),), label, dtype=torch.long)
    torch.testing.assert_close(timeline.curve(name, P, 2), autograd_dlogit_norm(name, z, y), rtol=1e-12, atol=1e-12)


def test_curve_values_from_the_reference():
    p = torch.tensor([0.01, 1 / 3, 0.5], dtype=torch.float64)
    assert timeline.curve("bce", p, 2)[0] == pytest.approx(0.99)
    assert timeline.curve("mse-sigmoid", p, 2)[1] / 2 == pytest.approx(4 / 27)  # ½-MSE maximum at p = 1/3
    ratio = timeline.curve("bce", p, 2) / timeline.curve("mse-sigmoid", p, 2)  # 1 / (2p(1 − p)): no ½ in nn.MSELoss
    assert 2 * ratio[2] == pytest.approx(4.0) and 2 * ratio[0] == pytest.approx(101.01, abs=0.01)  # ½-MSE: 4 and 101
    assert timeline.curve("mse-logits", p, 3) is None and "depends on the logits" in timeline.curve_label("mse-logits")
    assert "one class" in timeline.curve_label("mse") and "one class" not in timeline.curve_label("bce")


def test_cross_entropy_points_lie_between_spread_and_one_class_curves():
    spread = (1 - 0.001238) * math.sqrt(3 / 2)  # REFERENCE.md §1: z = [−6, 0, 0] gives ‖∇CE‖ = 1.2232
    assert spread == pytest.approx(1.2232, abs=1e-4)
    table = sample_table(_trained(SMALL))
    ce = table[table.run == "ce"]
    p = torch.tensor(ce.p_true.to_numpy(), dtype=torch.float64)
    upper, lower = timeline.curve("ce", p, 3).numpy(), (1 - p).numpy() * math.sqrt(3 / 2)
    assert (ce.dlogit_norm <= upper * (1 + 1e-5)).all() and (ce.dlogit_norm >= lower * (1 - 1e-5)).all()


@pytest.mark.parametrize("losses_", [("ce", "mse", "mae", "softmax-ce"), ("bce", "mse-sigmoid")])
def test_two_class_points_lie_on_the_curves(losses_):
    table = sample_table(_trained(replace(SMALL, dataset="moons", classes=2, losses=losses_)))
    for name, group in table.groupby("run"):
        p = torch.tensor(group.p_true.to_numpy(), dtype=torch.float64)
        assert group.dlogit_norm.to_numpy() == pytest.approx(timeline.curve(name, p, 2).numpy(), rel=2e-4, abs=1e-6)


@pytest.mark.parametrize("epochs", [1, 2, 19, 20, 150, 300, 3000])
def test_checkpoints_are_bounded_and_include_both_ends(epochs):
    marks = timeline.checkpoint_epochs(epochs)
    assert marks[0] == 0 and marks[-1] == epochs and len(marks) <= timeline.MAX_CHECKPOINTS
    assert marks == sorted(set(marks))
    assert len(timeline.checkpoint_epochs(epochs, 5)) <= 5


def _trained(config: RunConfig, epochs: int | None = None) -> Race:
    race = Race(config)
    race.advance(config.epochs if epochs is None else epochs)
    return race


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """sample_table's columns a timeline keeps (it leaves out the class probabilities)."""
    return frame.drop(columns=[c for c in frame if c.startswith("prob_")])


def test_every_checkpoint_equals_a_fresh_race_and_the_last_equals_the_cli():
    table = timeline.timeline(SMALL)
    assert sorted(table.epoch.unique()) == timeline.checkpoint_epochs(SMALL.epochs)
    cli = cli_run(SMALL, "grads")
    last = table[table.epoch == SMALL.epochs].drop(columns=["epoch", "status"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(last, _shown(cli), check_exact=True)
    middle = timeline.checkpoint_epochs(SMALL.epochs)[2]
    here = table[table.epoch == middle].drop(columns=["epoch", "status"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(here, _shown(sample_table(_trained(SMALL, middle))), check_exact=True)
    pd.testing.assert_frame_equal(timeline.timeline(SMALL), table, check_exact=True)  # same config, same numbers


def test_progress_is_reported_about_every_hundredth_of_the_epochs():
    config = replace(SMALL, epochs=250)
    heard = []
    table = timeline.timeline(config, report=heard.append)
    assert heard == sorted(set(heard)) and heard[-1] == 250 and set(timeline.checkpoint_epochs(250)[1:]) <= set(heard)
    assert max(b - a for a, b in zip([0, *heard], heard)) == 2 and len(heard) <= 125 + timeline.MAX_CHECKPOINTS
    pd.testing.assert_frame_equal(table, timeline.timeline(config), check_exact=True)  # reporting changes no number


def test_only_the_configs_own_seed_is_kept():
    config = replace(SMALL, seeds=3, seed=4, epochs=4)
    table = timeline.timeline(config)
    assert set(table.seed) == {4} and len(table) == len(timeline.checkpoint_epochs(4)) * 2 * 80  # 2 losses, 80 train
    mine = _shown(sample_table(_trained(config)))
    pd.testing.assert_frame_equal(
        table[table.epoch == 4].drop(columns=["epoch", "status"]).reset_index(drop=True),
        mine[mine.seed == 4].reset_index(drop=True),
        check_exact=True,
    )


def test_diverged_runs_carry_their_status():
    config = RunConfig(
        samples=120, hidden=(8,), epochs=30, losses=("ce", "mse-logits"), lr=10.0, activation="relu", optimizer="sgd"
    )
    table = timeline.timeline(config)
    last = table[table.epoch == 30]
    assert set(last[last.run == "ce"].status) == {"ok"}
    assert last[last.run == "mse-logits"].status.iloc[0].startswith("diverged at epoch")
    stats = timeline.confidently_wrong(table, 0.1)
    assert set(stats[stats.epoch == 30].run) == {"ce"}  # a diverged run has no statistics


def test_all_runs_diverged_stops_the_timeline():
    config = RunConfig(samples=60, hidden=(4,), epochs=300, losses=("mse-logits",), lr=50.0, activation="relu", optimizer="sgd")
    table = timeline.timeline(config)
    race = _trained(config)
    assert race.done and race.epoch < 300 and table.epoch.max() == race.epoch
    assert table.epoch.value_counts().max() == len(race.data.y_train)  # no checkpoint repeated


def test_confidently_wrong_statistics_and_sentence_from_the_cli_table():
    table = cli_run(SMALL, "grads").assign(epoch=SMALL.epochs, status="ok")
    threshold = 0.3
    stats = timeline.confidently_wrong(table, threshold)
    expected = {}
    for name in ("ce", "mse"):
        rows = table[(table.run == name) & (table.p_true < threshold)]
        expected[name] = (len(rows), float(np.mean(rows.dlogit_norm.to_numpy(dtype=np.float64))))
        got = stats[stats.run == name].iloc[0]
        assert got.n == expected[name][0] and got.mean_dlogit_norm == pytest.approx(expected[name][1], rel=1e-6)
    assert all(n > 0 for n, _ in expected.values())
    (sentence,) = timeline.push_sentences(stats, threshold)
    k = expected["ce"][1] / expected["mse"][1]
    assert f"**{k:.3g}×**" in sentence and "cross-entropy" in sentence and "MSE on softmax" in sentence
    assert f"**{expected['ce'][0]}**" in sentence and f"p(true class) < {threshold:g}" in sentence


def test_sentence_forms():
    row = {"epoch": 0}
    same = pd.DataFrame(
        [{**row, "run": "mse", "n": 4, "mean_dlogit_norm": 0.02}, {**row, "run": "ce", "n": 4, "mean_dlogit_norm": 1.0}]
    )
    (text,) = timeline.push_sentences(same, 0.1)
    assert text.startswith("**4** samples are confidently wrong") and "cross-entropy pushes them **50×** harder than MSE" in text
    none = same.assign(n=[3, 0], mean_dlogit_norm=[0.02, float("nan")])
    (text,) = timeline.push_sentences(none, 0.1)
    assert "**0** under cross-entropy and **3** under MSE on softmax" in text and "×" not in text
    (alone,) = timeline.push_sentences(same[same.run == "mse"], 0.1)
    assert alone == "Confidently wrong (p(true class) < 0.1): **4** under MSE on softmax."
    assert timeline.push_sentences(same.iloc[:0], 0.1) == []
    assert timeline.reference_loss(("mse-sigmoid", "bce")) == "bce" and timeline.reference_loss(("mse", "mae")) == "mse"


def test_histogram_and_extremes():
    frame = cli_run(SMALL, "grads")
    hist = timeline.grad_histogram(frame)
    for name, group in frame.groupby("run"):
        assert hist[hist.run == name]["count"].sum() == (group.param_grad_norm > 0).sum()
    edges = [tuple(group.lo) for _, group in hist.groupby("run")]
    assert len(edges) == 2 and edges[0] == edges[1]  # shared edges
    ext = timeline.extremes(frame, 3)
    for name, group in frame.groupby("run"):
        mine = ext[ext.run == name]
        top = group.param_grad_norm.nlargest(3).to_numpy()
        assert mine[mine.which == "largest"].param_grad_norm.to_numpy() == pytest.approx(top)
        assert mine[mine.which == "smallest"].param_grad_norm.to_numpy() == pytest.approx(group.param_grad_norm.nsmallest(3))
        assert set(mine["index"]) <= set(group["index"])


def test_analytic_curves_table():
    curves = timeline.analytic_curves(("ce", "mse-logits", "mse"), 3, points=11)
    assert list(curves.run.unique()) == ["ce", "mse"] and len(curves) == 22
    assert curves[curves.run == "ce"].value.iloc[0] == pytest.approx(math.sqrt(2))


def test_at_epoch_zero_the_loss_acts_only_through_the_logit_gradient():
    """The page's claim: one seed shares weights at epoch 0, so with one logit ‖∂ℓ/∂θ‖ = ‖∂z/∂θ‖·|∂ℓ/∂z| for both losses."""
    table = timeline.timeline(replace(SMALL, dataset="moons", classes=2, losses=("bce", "mse-sigmoid"), epochs=1))
    start = table[table.epoch == 0]
    bce, mse = (start[start.run == name].reset_index(drop=True) for name in ("bce", "mse-sigmoid"))
    jacobian_bce, jacobian_mse = bce.param_grad_norm / bce.dlogit_norm, mse.param_grad_norm / mse.dlogit_norm
    assert jacobian_bce.to_numpy() == pytest.approx(jacobian_mse.to_numpy(), rel=1e-4)


def test_one_confidently_wrong_sample_is_one_sample():
    from types import SimpleNamespace as Row

    one, two, three = (Row(run=r, n=n, mean_dlogit_norm=m) for r, n, m in [("ce", 1, 0.9), ("mse", 1, 0.1), ("mse", 3, 0.1)])
    assert timeline._sentence(one, two, 0.1).startswith("**1** sample is confidently wrong (p(true class) < 0.1);")
    assert " pushes it **9×** harder" in timeline._sentence(one, two, 0.1)
    assert timeline._sentence(one, three, 0.1).startswith("Confidently wrong (p(true class) < 0.1): **1** sample under")
