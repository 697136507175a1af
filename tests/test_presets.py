"""The "As in TensorFlow Playground" preset: Playground's defaults, its loss's numbers, and the note on what differs."""

import contextlib
import io
from dataclasses import replace

import pytest
import torch
from torch.func import functional_call

from core.config import ConfigError, RunConfig
from core.data import PLAYGROUND_DATASETS
from core.engine import Race
from core.export import pytorch_script
from core.presets import PLAYGROUND, PRESETS, playground_note


def test_the_preset_is_playgrounds_default_setup():
    """tensorflow/playground src/state.ts and playground.ts: 500 points, 50 % training, [4, 2] tanh, lr 0.03, batch 10."""
    p = PRESETS["As in TensorFlow Playground"]
    assert (p.dataset, p.classes, p.samples, p.noise, p.val_fraction, p.label_noise) == ("pg-circle", 2, 500, 0.0, 0.5, 0.0)
    assert (p.hidden, p.activation, p.optimizer, p.lr, p.momentum, p.batch_size) == ((4, 2), "tanh", "sgd", 0.03, 0.0, 10)
    assert p.losses == ("square-tanh", "bce") and p.init_scale == 1.0


def test_both_losses_start_from_the_same_weights_and_batches():
    race = Race(replace(PLAYGROUND, epochs=1))
    assert torch.equal(race.flat[0], race.flat[1])
    assert len(race.data.y_train) == 250 and race.flat.shape[1] == (2 * 4 + 4) + (4 * 2 + 2) + (2 + 1)


def test_history_loss_is_playgrounds_training_loss():
    """Playground's "Training loss": the mean of ½(o − t)² over its training points, o the network's tanh output."""
    race = Race(replace(PLAYGROUND, epochs=3))
    race.advance(3)
    x, y = race.data.x_train, race.data.y_train
    for r, name in enumerate(PLAYGROUND.losses):
        z = functional_call(race.model, race.run_params(r), (x,)).squeeze(1)  # nn.Sequential, not the hand-written engine
        if name == "square-tanh":
            expected = (0.5 * (z.tanh() - (2.0 * y - 1)) ** 2).mean()
        else:
            expected = torch.nn.functional.binary_cross_entropy_with_logits(z, y.float())
        logged = next(h["loss"] for h in race.history if h["run"] == name and h["epoch"] == 3)
        assert logged == pytest.approx(expected.item(), rel=1e-5)


@pytest.mark.parametrize("dataset", PLAYGROUND_DATASETS)
def test_every_playground_set_trains_the_preset(dataset):
    race = Race(replace(PLAYGROUND, dataset=dataset, epochs=5, noise=0.2))
    race.advance(5)
    assert race.epoch == 5 and race.status == ["ok", "ok"]
    probs = race.probabilities(race.data.x_val)  # run 0: (1 + tanh z)/2, run 1: σ(z)
    z = race.logits(race.data.x_val)
    torch.testing.assert_close(probs[0, :, 1], (1 + z[0, :, 0].tanh()) / 2)
    torch.testing.assert_close(probs[1, :, 1], torch.sigmoid(z[1, :, 0]))


def test_exported_script_reproduces_the_preset():
    """'Show as PyTorch code' for the preset: plain torch with nn.MSELoss on tanh ends with the engine's numbers."""
    config = replace(PLAYGROUND, epochs=4)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(pytorch_script(config), "run.py", "exec"), {"__name__": "__main__"})
    race = Race(config)
    race.advance(config.epochs)
    for line, record in zip(out.getvalue().strip().splitlines(), race.history[-2:], strict=True):
        name, rest = line.split(": final loss ")
        assert name == record["run"] and float(rest.split(",")[0]) == pytest.approx(record["loss"], rel=1e-4)
        assert float(rest.split("accuracy ")[1]) == pytest.approx(record["accuracy"], abs=1e-4)


def test_playground_noise_is_its_slider_range():
    assert replace(PLAYGROUND, noise=0.5).noise == 0.5
    with pytest.raises(ConfigError, match=r"noise: must be in \[0.0, 0.5\]"):
        replace(PLAYGROUND, noise=0.6)
    assert replace(PRESETS["Default"], noise=0.6).noise == 0.6  # the other sets keep their std range


def test_note_says_what_it_reproduces_and_where_it_differs():
    note = playground_note(PLAYGROUND)
    for reproduced in ["pg-circle, pg-xor, pg-gauss, pg-spiral", "500 points", "50% for training", "4 and 2 with tanh",
                       "½(tanh z − t)²", "t = ±1", "learning rate 0.03", "batches of 10", "at most 0.5"]:  # fmt: skip
        assert reproduced in note, reproduced
    for differs in ["U(±1/√fan-in)", "U(−0.5, 0.5), biases 0.1", "reshuffled every epoch", "races bce from the same start"]:
        assert differs in note, differs
    assert "Changed here" not in note
    assert playground_note(replace(PLAYGROUND, dataset="pg-spiral", noise=0.3)) == note  # its own sets and noise


def test_note_lists_settings_changed_from_playground():
    note = playground_note(replace(PLAYGROUND, lr=0.1, batch_size=25, hidden=(8,), losses=("bce",)))
    changed = note.split("**Changed here:** ")[1]
    assert "learning rate 0.1 (Playground: 0.03)" in changed and "batch size 25 (Playground: 10)" in changed
    assert "hidden widths 8 (Playground: 4, 2)" in changed and "square-tanh, Playground's loss, is not racing" in changed
    moons = playground_note(RunConfig(dataset="moons", classes=2, losses=("square-tanh", "bce")))
    assert "data set moons (not one of Playground's)" in moons


@pytest.mark.parametrize("name", [n for n in PRESETS if n != "As in TensorFlow Playground"])
def test_no_note_for_other_races(name):
    assert playground_note(PRESETS[name]) is None


def test_the_race_pages_sentence_from_the_saturated_start():
    """The race page's "where MSE's gradient collapses, as it does from the Saturated start preset's confidently wrong
    weights, its accuracy stalls" (pages/2_loss_race.py): MSE's mean ‖∂ℓ/∂z‖ starts ~70× below cross-entropy's and its accuracy
    never moves, while cross-entropy's reaches 1."""
    config = PRESETS["Saturated start"]
    race = Race(config)
    race.advance(config.epochs)
    ce, mse = ([r for r in race.history if r["run"] == name] for name in ("ce", "mse"))
    assert mse[0]["mean_dlogit_norm"] < ce[0]["mean_dlogit_norm"] / 50 and max(r["mean_dlogit_norm"] for r in mse) < 0.05
    assert {r["accuracy"] for r in mse} == {mse[0]["accuracy"]} and ce[-1]["accuracy"] == 1.0
