"""AppTest for the Misuse lab: defaults, widgets, URL round trip, Start → trained, bad links, live torch output shown."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import mistakes, misuse
from core.config import RunConfig, parse_field
from core.engine import RECORD_COLUMNS, Race
from tests.apptest import open_page, train_to_end
from ui import misuse_charts as charts

ROOT = Path(__file__).resolve().parents[1]
PAGE_FIELDS = ["dataset", "classes", "epochs", "optimizer", "lr"]


def open_lab(**query) -> AppTest:
    return open_page("pages/4_misuse_lab.py", timeout=90, **query)


def config_of(at: AppTest) -> RunConfig:
    """The run settings the URL holds, on top of the page's defaults."""
    return replace(misuse.DEFAULTS, **{key: parse_field(key, at.query_params[key]) for key in PAGE_FIELDS})


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


def test_defaults_render_idle_with_every_section():
    at = open_lab()
    assert not at.exception and not at.warning
    assert at.session_state["misuse.live"].shown is None
    assert {k: at.query_params[k] for k in PAGE_FIELDS} == {k: misuse.DEFAULTS.to_dict()[k] for k in PAGE_FIELDS}
    assert at.query_params["dtype"] == "float32" and at.query_params["gap"] == "200"
    assert [h.value.split(".")[0] for h in at.header] == ["1", "2", "3", "4"]
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) >= 4  # sweep (3) and stability charts


def test_sweep_table_shows_the_torch_values():
    at = open_lab()
    table = at.table[0].value
    sweep = misuse.class_sweep([2, 3, 4, 10, 100, 1000]).set_index("C")
    assert [float(v) for v in table["floor"]] == [float(f"{v:.6g}") for v in sweep.floor]
    assert table["floor"].tolist()[:2] == ["0.313262", "0.551445"] and table["largest probability"].tolist()[0] == "0.731059"


def test_the_sweep_caption_cites_what_the_page_shows_not_a_file_visitors_lack():
    caption = next(c.value for c in open_lab().caption if "The true class is" in c.value)
    right = misuse.class_sweep([3], 0).iloc[0]  # true class 0, which the logits favour: the model is right
    assert "REFERENCE" not in caption and f"ce {right.grad_ce:.3g} vs softmax-ce {right.grad_doubled:.3g}" in caption
    assert right.grad_ce < 0.01 and right.grad_doubled < 0.01  # "both gradients small"


def test_every_sibling_result_on_the_page_is_torch_output():
    at = open_lab()
    shown = codes(at)
    for mistake in mistakes.MISTAKES:
        for snippet in (mistake.wrong, mistake.fix):
            outcome = mistakes.run(snippet)
            assert outcome.code in shown and outcome.text in shown
    assert "RuntimeError: all elements of input should be between 0 and 1" in shown
    assert mistakes.run(mistakes.right_way).text in shown
    assert any("How to spot it" in s.value for s in at.subheader)


def test_start_trains_to_the_end_and_shows_the_floor():
    at = train_to_end(open_lab(epochs="30"), "misuse")
    race: Race = at.session_state["misuse.live"].shown
    config = config_of(at)
    assert race.config == config and race.epoch == 30
    expected = Race(config)
    expected.advance(30)
    assert list(race.history) == expected.history  # the page trains exactly what the engine trains
    last = {h["run"]: h for h in race.history}
    shown, floor = metrics(at), misuse.floor(config.classes)
    assert shown["softmax-ce loss"] == f"{last['softmax-ce']['loss']:.4f}" and last["softmax-ce"]["loss"] >= floor
    assert at.metric[0].proto.delta == f"floor {floor:.4f}"
    assert shown["Largest probability softmax-ce can express"] == f"{misuse.max_probability(config.classes):.4f}"
    ratio = last["softmax-ce"]["grad_norm"] / last["ce"]["grad_norm"]
    assert shown["‖∇θ‖ softmax-ce ÷ ‖∇θ‖ ce"] == f"{ratio:.3g}×"
    assert len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart")) >= 8  # 4 live charts too


def test_changed_widgets_reach_the_run_the_url_and_the_stability_panel():
    at = open_lab(epochs="10")
    at.number_input(key="misuse.classes").set_value(12).run()
    at.selectbox(key="misuse.optimizer").set_value("adam").run()
    at.number_input(key="misuse.lr").set_value(0.02).run()
    at.segmented_control(key="misuse.dtype").set_value("float16").run()
    at.slider(key="misuse.gap").set_value(50).run()
    assert not at.exception
    changed = {"classes": "12", "optimizer": "adam", "lr": "0.02", "dtype": "float16", "gap": "50"}
    assert {key: at.query_params[key] for key in changed} == changed
    train_to_end(at, "misuse")
    race = at.session_state["misuse.live"].shown
    assert (race.config.classes, race.config.optimizer, race.config.lr) == (12, "adam", 0.02)
    assert metrics(at)["Largest probability softmax-ce can express"] == f"{misuse.max_probability(12):.4f}"
    values = at.dataframe[-1].value  # the stability table in float16
    assert values.loc["18", "naive log p₀"] == "-inf" and values.loc["18", "log_softmax log p₀"] == "-18"
    assert values.index[-1] == "50"


def test_bad_link_falls_back_with_warnings():
    at = open_lab(lr="banana", epochs="-5", classes="50", dtype="float8", gap="0", zzz="1", optimizer="rmsprop")
    assert not at.exception
    text = " ".join(w.value for w in at.warning)  # unknown keys (shell.setup) and bad values (this page)
    for name in ["lr", "epochs", "classes", "dtype", "gap", "zzz", "optimizer"]:
        assert name in text
    assert config_of(at) == misuse.DEFAULTS
    assert at.query_params["dtype"] == "float32" and at.query_params["gap"] == "200"


def test_url_settings_are_restored():
    at = open_lab(dataset="spirals", classes="7", dtype="bfloat16", gap="1000")
    assert not at.exception and not at.warning
    assert at.number_input(key="misuse.classes").value == 7 and at.segmented_control(key="misuse.dtype").value == "bfloat16"
    assert at.slider(key="misuse.gap").value == 1000


def test_stop_and_reset(monkeypatch):
    from ui import live

    monkeypatch.setattr(live, "FOLLOW", False)  # the click's run returns mid-race, as in a browser
    at = open_lab(epochs="3000")
    at.button(key="misuse.start").click().run()
    at.button(key="misuse.stop").click().run()
    race = at.session_state["misuse.live"].shown
    assert not at.session_state["misuse.live"].training and 0 <= race.epoch < 3000
    at.button(key="misuse.reset").click().run()
    assert at.session_state["misuse.live"].shown is None and not at.exception


def test_every_stability_setting_renders():
    at = open_lab()
    for dtype in misuse.DTYPES:
        for gap in [1, 17, 89, 1000]:
            at.segmented_control(key="misuse.dtype").set_value(dtype)
            at.slider(key="misuse.gap").set_value(gap).run()
            assert not at.exception, (dtype, gap)
            assert at.dataframe[-1].value.index[-1] == str(gap)


def test_chart_data_is_the_history():
    race = Race(replace(misuse.DEFAULTS, samples=120, epochs=5))
    race.advance(5)
    history = pd.DataFrame(race.history, columns=RECORD_COLUMNS)
    floor = misuse.floor(race.config.classes)
    loss = charts.loss_data(history, floor, race.config.epochs)
    assert loss[loss.run == charts.FLOOR][["epoch", "loss"]].values.tolist() == [[0, floor], [5, floor]]
    assert loss.label.tolist().count(f"floor {floor:.4f}") == 1
    ratio = charts.ratio_data(history)
    by_run = {run: g.set_index("epoch").grad_norm for run, g in history.groupby("run")}
    assert ratio.ratio.tolist() == pytest.approx((by_run["softmax-ce"] / by_run["ce"]).tolist())
    accuracy = charts.accuracy_data(history)
    assert sorted(accuracy.split.unique()) == ["train", "validation"] and len(accuracy) == 2 * len(history)
