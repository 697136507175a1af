"""AppTest: the Loss race with the "As in TensorFlow Playground" preset, its note, and its four data sets."""

from dataclasses import replace

import numpy as np
import torch

from core.config import RunConfig
from core.engine import Race
from core.grads import sample_table
from core.presets import PLAYGROUND, playground_note
from tests.apptest import open_page, train_to_end
from tests.test_grads_page import charts, expect_scatter_equals

KEY = "preset.As in TensorFlow Playground"


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_preset_trains_end_to_end_with_its_note():
    at = open_page("pages/2_loss_race.py")
    assert not any("TensorFlow Playground:" in c for c in captions(at))  # the Default race has no note
    at.button(key=KEY).click().run()
    assert RunConfig.from_dict(dict(at.query_params)) == PLAYGROUND
    assert playground_note(PLAYGROUND) in captions(at)
    at.number_input(key="race.epochs").set_value(40).run()
    train_to_end(at, "race")
    config = replace(PLAYGROUND, epochs=40)
    expected = Race(config)
    expected.advance(config.epochs)
    shown = at.session_state["race.live"].shown
    assert list(shown.history) == expected.history
    assert not at.exception and not at.warning
    assert "Result" in [s.value for s in at.subheader]
    verdict = next(m.value for m in at.markdown if "90% of the best" in m.value)
    assert "Square loss on tanh (Playground)" in verdict and "BCE with logits" in verdict
    assert len(at.get("image")) == 1 and len(at.get("vega_lite_chart")) == 4  # decision regions and the curves
    code = at.get("code")[0].value
    assert "nn.MSELoss()(logits.squeeze(1).tanh(), 2 * y.float() - 1) / 2" in code and "momentum=0.0" in code


def test_visitor_picks_another_playground_set_and_the_note_says_what_changed():
    at = open_page("pages/2_loss_race.py")
    at.button(key=KEY).click().run()
    at.selectbox(key="race.dataset").set_value("pg-spiral").run()
    at.number_input(key="race.lr").set_value(0.1).run()
    config = RunConfig.from_dict(dict(at.query_params))
    assert (config.dataset, config.lr) == ("pg-spiral", 0.1)
    note = next(c for c in captions(at) if c.startswith("**As in TensorFlow Playground:**"))
    assert note.endswith("**Changed here:** learning rate 0.1 (Playground: 0.03).")


def test_playground_noise_above_its_slider_is_a_clear_warning():
    at = open_page("pages/2_loss_race.py", **{**PLAYGROUND.to_dict(), "noise": "0.3"})
    assert not at.warning and at.session_state["race.noise"] == 0.3
    at.number_input(key="race.noise").set_value(0.8).run()
    assert not at.exception
    assert any("Input noise: must be in [0.0, 0.5], got 0.8" in w.value for w in at.warning)
    assert at.button(key="race.start").disabled


def test_per_sample_page_reads_playgrounds_probability_view():
    """Per-sample gradients of the preset: p(true class) is (1 + tanh z)/2 for square-tanh and σ(z) for bce."""
    query = {**PLAYGROUND.to_dict(), "epochs": "6", "dataset": "pg-xor", "noise": "0.1"}
    for race_only in ["seeds", "square_k", "square_m"]:  # the page has no such settings
        query.pop(race_only)
    at = open_page("pages/3_per_sample_gradients.py", **query)
    assert not at.exception and not at.warning
    config = RunConfig.from_dict(query)
    race = Race(config)
    race.advance(config.epochs)
    table = sample_table(race)
    (_, data), *_ = charts(at)
    expect_scatter_equals(data, table, config.losses)
    assert any("but square-tanh keeps TensorFlow Playground’s ½." in c for c in captions(at))
    z = race.logits(race.data.x_train)[:, :, 0].double()  # (R, N)
    t = 2.0 * race.data.y_train - 1
    for r, p_true in enumerate([(1 + t * z[0].tanh()) / 2, torch.sigmoid(t * z[1])]):
        rows = table[table.run == config.losses[r]]
        np.testing.assert_allclose(rows.p_true.to_numpy(), p_true.numpy(), rtol=1e-5, atol=1e-6)
