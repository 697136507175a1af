"""AppTest for the Per-sample gradients page: its numbers against `python -m core grads` and a fresh Race."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import torch
from streamlit.testing.v1 import AppTest

from core import losses, timeline
from core.cli import run as cli_run
from core.config import RunConfig
from core.engine import Race
from core.grads import sample_table
from core.snapshots import snapshot
from core.trainer import Trainer
from tests.apptest import open_page
from tests.test_trainer import finish
from ui import cached, grad_charts
from ui.live import Live

PAGE = "pages/3_per_sample_gradients.py"
DEFAULT = timeline.DEFAULT
SMALL = {"samples": "150", "epochs": "20", "hidden": "8"}


def open_grads(session: dict | None = None, **query) -> AppTest:
    at = open_page(PAGE, session=session, **query)
    assert not at.exception, at.exception
    return at


def config_of(query: dict) -> RunConfig:
    return RunConfig.from_dict({**DEFAULT.to_dict(), **query})


def charts(at) -> list[tuple[dict, object]]:
    """(spec, main data as a DataFrame) of every chart a visitor sees, in order: the wide layout of each chart drawn in
    both (ui/fitting.css shows one), after checking its stacked twin draws the same data one panel a row."""
    out = []
    for element in at.get("vega_lite_chart"):
        data = pa.ipc.open_stream(element.proto.data.data).read_pandas() if element.proto.data.data else None
        out.append((json.loads(element.proto.spec), data))
    shown = []
    for spec, data in out:
        if shown and spec.get("description") == shown[-1][0].get("description"):  # the stacked twin of the chart before
            pd.testing.assert_frame_equal(data, shown[-1][1])
            assert "hconcat" not in json.dumps(spec)  # one panel a row
            continue
        shown.append((spec, data))
    return shown


def sentence(at) -> str:
    return next(m.value for m in at.markdown if "p(true class) <" in m.value)


def expect_scatter_equals(data, table, runs):
    """The scatter's columns p_i, g_i, t_i are the table's p_true, ‖∂ℓ/∂z‖, ‖∂ℓ/∂θ‖ of run i, sample for sample."""
    for i, name in enumerate(runs):
        rows = table[table.run == name]
        assert data["index"].tolist() == rows["index"].tolist()
        for column, source in [("p", "p_true"), ("g", "dlogit_norm"), ("t", "param_grad_norm")]:
            np.testing.assert_array_equal(data[f"{column}_{i}"].to_numpy(), rows[source].to_numpy())


def expected_numbers(table, threshold: float) -> dict[str, tuple[int, float]]:
    """Count and float64 mean ‖∂ℓ/∂z‖ of each run's samples with p_true < threshold, straight from the table."""
    out = {}
    for name, group in table.groupby("run"):
        wrong = group[group.p_true < threshold]
        out[name] = (len(wrong), float(wrong.dlogit_norm.to_numpy(dtype=np.float64).mean()) if len(wrong) else np.nan)
    return out


def test_default_render_equals_the_cli():
    at = open_grads()
    assert not at.warning and len(at.get("vega_lite_chart")) == 5  # the scatter and the timeline in both layouts
    cli = cli_run(DEFAULT, "grads")
    (scatter, data), _, _ = charts(at)
    expect_scatter_equals(data, cli, ("ce", "mse"))
    assert {"brush_0", "brush_1", "brush_x"} == {p["name"] for p in scatter["params"]}  # linked views for 2-D data
    numbers = expected_numbers(cli, 0.1)
    (ce_n, ce_mean), (mse_n, mse_mean) = numbers["ce"], numbers["mse"]
    text = sentence(at)
    assert f"**{ce_n}**" in text and f"**{mse_n}**" in text and f"**{ce_mean / mse_mean:.3g}×**" in text
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 20  # 5 largest and 5 smallest per loss


def test_slider_scrub_shows_that_checkpoint():
    at = open_grads(**SMALL)
    assert not at.warning  # known link parameters: no warning from the page or the shell
    slider = at.select_slider(key="grads.epoch")
    assert slider.value == 20 and len(slider.options) <= 20
    slider.set_value(0).run()
    race = Race(config_of(SMALL))  # epoch 0: before any step
    (_, data), *_ = charts(at)
    expect_scatter_equals(data, sample_table(race), ("ce", "mse"))
    (n, _), _ = expected_numbers(sample_table(race), 0.1).values()
    assert sentence(at).startswith(f"**{n}** samples are confidently wrong")  # one init: both losses agree at epoch 0
    _, (_, stats), _ = charts(at)
    assert set(stats.current) == {0} and sorted(stats.epoch.unique())[-1] == 20


def test_threshold_change_recounts(monkeypatch):
    at = open_grads(**SMALL)
    steps = engine_steps(monkeypatch)
    at.slider(key="grads.threshold").set_value(0.3).run()
    assert steps == []  # the session keeps what it trained (ui/cached.session_checkpoints)
    numbers = expected_numbers(cli_run(config_of(SMALL), "grads"), 0.3)
    text = sentence(at)
    assert "p(true class) < 0.3" in text
    assert all(f"**{n}**" in text for n, _ in numbers.values())
    (scatter, _), *_ = charts(at)
    assert "0.3" in json.dumps(scatter)  # the shaded band moved


def test_log_axis_toggle():
    at = open_grads(**SMALL)
    at.toggle(key="grads.log").set_value(True).run()
    (scatter, _), *_ = charts(at)
    assert '"type": "log"' in json.dumps(scatter) and not at.exception


def engine_steps(monkeypatch) -> list[int]:
    """Every Race.advance call from now on (the epochs it was asked for): training, in this process."""
    steps, advance = [], Race.advance
    monkeypatch.setattr(Race, "advance", lambda race, epochs=1: steps.append(epochs) or advance(race, epochs))
    return steps


def test_first_visits_train_nothing(monkeypatch):
    cached.checkpoints.clear()
    steps = engine_steps(monkeypatch)
    at = open_grads()  # the shipped default (core/shipped.py)
    assert at.select_slider(key="grads.epoch").value == DEFAULT.epochs and "trained with 20 checkpoints" in at.caption[0].value
    at = open_page("pages/6_tour.py", step="5")
    assert not at.exception and at.get("vega_lite_chart") and steps == []


@pytest.mark.parametrize("stopped_at", [10, None])
def test_runs_from_the_race_page_are_drawn_from_its_recorded_checkpoints(stopped_at, monkeypatch):
    config = RunConfig(samples=120, hidden=(8,), epochs=40, optimizer="sgd", lr=0.5, init_scale=3.0, dataset="blobs")
    trainer = Trainer(workers=1, process=False)
    shown = finish(trainer.ticket(config, "race", stopped_at or config.epochs))  # as the race page's worker trains it
    trainer.close()
    fresh = timeline.timeline(config)
    last = 9 if stopped_at else 40  # checkpoints every 3 epochs: a race stopped at 10 was last recorded at 9
    cached.checkpoints.clear()
    steps = engine_steps(monkeypatch)
    at = open_grads(session={"race.live": Live(shown=shown, training=False)}, **SMALL)
    assert steps == []  # nothing trained again
    assert at.segmented_control(key="grads.source").value.startswith("Runs from the Loss race page")
    assert at.select_slider(key="grads.epoch").value == last
    assert ("it stopped at epoch 10, after the last one" in at.caption[0].value) == bool(stopped_at)
    (_, data), *_ = charts(at)
    expect_scatter_equals(data, timeline.at_checkpoint(fresh, last, config.seed), config.losses)
    at.segmented_control(key="grads.source").set_value("Sidebar settings").run()
    assert steps  # the sidebar's settings are trained
    (_, data), *_ = charts(at)
    expect_scatter_equals(data, cli_run(config_of(SMALL), "grads"), ("ce", "mse"))


def test_a_race_still_training_is_not_used():
    race = Race(RunConfig(samples=60, hidden=(4,), epochs=5))
    at = open_grads(session={"race.live": Live(shown=snapshot(race, "race"), training=True)}, **SMALL)
    assert any("still training" in i.value for i in at.info)
    assert not at.get("button_group") and at.select_slider(key="grads.epoch").value == 20


def test_bad_url_parameters_fall_back_with_a_warning():
    at = open_grads(lr="banana", epochs="-5", zzz="1", losses="ce,nope")
    text = " ".join(w.value for w in at.warning)  # bad values from the form, unknown keys from the shell
    assert all(name in text for name in ["lr", "epochs", "zzz", "losses"])
    assert RunConfig.from_dict(dict(at.query_params)) == DEFAULT


def test_a_diverged_run_shows_its_status_instead_of_a_chart():
    at = open_grads(epochs="30", samples="120", hidden="8", losses="ce,mse-logits", lr="10", activation="relu")
    warnings = " ".join(w.value for w in at.warning)
    assert "mse-logits" in warnings and "diverged at epoch" in warnings
    (scatter, data), *_ = charts(at)
    assert {"p_0", "g_0"} <= set(data.columns) and "p_1" not in data.columns  # ce only
    assert "Cross-entropy" in json.dumps(scatter) and "Square loss" not in json.dumps(scatter)


def test_play_moves_through_the_checkpoints_and_stops_at_the_end():
    at = open_grads(**SMALL)
    at.button(key="grads.play").click().run()  # at the last checkpoint: play starts over
    assert at.session_state["grads.playing"] and at.select_slider(key="grads.epoch").value == 2
    assert at.button(key="grads.play").label == "Pause"
    for _ in range(20):  # AppTest reruns the whole script; each run is one tick of the fragment
        if not at.session_state["grads.playing"]:
            break
        at.run()
    assert not at.session_state["grads.playing"] and at.select_slider(key="grads.epoch").value == 20
    assert at.button(key="grads.play").label == "Play" and not at.exception


def test_high_dimensional_data_has_no_input_space():
    at = open_grads(dataset="digits", classes="10", samples="200", epochs="6", hidden="16")
    (scatter, data), *_ = charts(at)
    assert "x0" not in data.columns and {p["name"] for p in scatter["params"]} == {"brush_0", "brush_1"}


def test_scatter_spec_layouts_are_valid_vega_lite():
    many = ("ce", "mse", "mae", "mse-logits")
    spec = grad_charts.scatter_spec(many, 3, 0.1, True, True)  # Altair's to_dict validated it against the schema
    assert {p["name"] for p in spec["params"]} == {"brush_0", "brush_1", "brush_2", "brush_3", "brush_x"}
    text = json.dumps(spec, ensure_ascii=False)
    assert "no curve: (2/C)(z − y)" in text and "line: no curve" not in text and "line: √2·(1 − p)" in text
    two = grad_charts.scatter_spec(("bce", "mse-sigmoid"), 2, 0.2, False, False)
    assert "assumes" not in json.dumps(two)  # one-logit curves are exact
    assert sorted(len(layers) for layers in layer_lists(spec)) == [2, 3, 3, 3]  # mse-logits: points without a line


def layer_lists(spec):
    """Every `layer` list in a (nested) Vega-Lite spec."""
    if isinstance(spec, dict):
        yield from [spec["layer"]] if "layer" in spec else []
        for value in spec.values():
            yield from layer_lists(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from layer_lists(value)


def test_the_intro_states_mse_gradients_at_a_split_wrong_mass_as_autograd_has_them():
    def norm(name, p):  # autograd through the registry's loss, not its closed form
        z = torch.tensor([p], dtype=torch.float64).log().requires_grad_()
        losses.get(name).loss(z, torch.tensor([0])).sum().backward()
        return z.grad.norm().item()

    text = open_page("pages/3_per_sample_gradients.py").markdown[0].value
    assert f"{norm('mse', [1e-12, 0.7, 0.3]):.3f} for MSE against {norm('ce', [1e-12, 0.7, 0.3]):.2f}" in text
    assert norm("mse", [1e-12, 0.7, 0.3]) > 0.05 and norm("mse", [1e-12, 1 - 1e-12, 1e-12]) < 1e-9  # shrinks; vanishes
