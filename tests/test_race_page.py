"""AppTest for the Loss race: presets, controls, URL round trip, divergence message, CSV download content."""

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from core.config import RunConfig
from core.engine import RECORD_COLUMNS, Race
from core.presets import PRESETS
from core.snapshots import Snapshot
from tests.apptest import open_page, train_to_end
from ui import live

SMALL = {"epochs": "12", "samples": "100", "hidden": "8"}


def open_race(**query) -> AppTest:
    return open_page("pages/2_loss_race.py", **query)


def race_of(at) -> Snapshot:
    return at.session_state["race.live"].shown


def test_defaults_render_idle():
    at = open_race()
    assert not at.exception and not at.warning
    assert race_of(at) is None
    assert at.get("progress")[0].proto.text.startswith("Epoch 0 of 300 · not started")  # the preview of epoch 0
    assert at.multiselect(key="race.losses").value == ["ce", "mse"]
    assert RunConfig.from_dict(dict(at.query_params)) == PRESETS["Default"]


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_set_every_widget(name):
    at = open_race()
    at.button(key=f"preset.{name}").click().run()
    assert not at.exception
    assert RunConfig.from_dict(dict(at.query_params)) == PRESETS[name]
    assert at.selectbox(key="race.dataset").value == PRESETS[name].dataset


def test_query_round_trip_and_same_numbers_as_the_engine():
    query = {**SMALL, "dataset": "moons", "classes": "2", "losses": "bce,mse-sigmoid", "seeds": "2", "lr": "0.3"}
    at = open_race(**query)
    assert not at.warning
    config = RunConfig.from_dict({**PRESETS["Default"].to_dict(), **query})
    assert RunConfig.from_dict(dict(at.query_params)) == config
    train_to_end(at, "race")
    expected = Race(config)
    expected.advance(config.epochs)
    assert list(race_of(at).history) == expected.history
    assert "Result" in [s.value for s in at.subheader]
    assert len(at.get("image")) == 1 and len(at.get("vega_lite_chart")) == 4  # regions (one image list) and curves


def test_bad_url_parameters_fall_back_with_a_warning():
    at = open_race(lr="banana", epochs="-5", classes="1e9", color="red", hidden="<script>", losses="ce,nope")
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    for name in ["lr", "epochs", "classes", "color", "hidden", "losses"]:
        assert name in text
    assert RunConfig.from_dict(dict(at.query_params)) == PRESETS["Default"]


def test_divergence_is_reported_and_the_other_run_finishes():
    at = open_race(epochs="30", samples="120", hidden="8", losses="ce,mse-logits", lr="10", activation="relu")
    train_to_end(at, "race")
    warnings = " ".join(w.value for w in at.warning)
    assert "mse-logits" in warnings and "diverged at epoch" in warnings and "NaN/inf" in warnings
    ce = [h for h in race_of(at).history if h["run"] == "ce"]
    assert ce[-1]["epoch"] == 30 and ce[-1]["status"] == "ok"


def test_step_stop_reset_and_stale_settings_note():
    at = open_race(**SMALL)
    at.button(key="race.step").click().run()
    assert race_of(at).epoch == 0
    at.button(key="race.step").click().run()
    assert race_of(at).epoch == 1 and not at.session_state["race.live"].training
    at.number_input(key="race.epochs").set_value(20).run()
    assert any("earlier settings" in i.value for i in at.info)
    at.button(key="race.reset").click().run()
    assert race_of(at) is None and not at.exception


def test_csv_download_is_the_cli_history():
    at = train_to_end(open_race(**SMALL), "race")
    config = RunConfig.from_dict({**PRESETS["Default"].to_dict(), **SMALL})
    expected = Race(config)
    expected.advance(config.epochs)
    csv = pd.DataFrame(expected.history, columns=RECORD_COLUMNS).to_csv(index=False)
    url = at.get("download_button")[0].proto.url
    assert url.endswith(_calculate_file_id(csv.encode(), "text/csv", "loss_race_history.csv") + ".csv")


def test_invalid_settings_disable_start():
    at = open_race()
    at.multiselect(key="race.losses").set_value(["ce", "bce"]).run()
    assert any("cannot race" in w.value for w in at.warning)
    assert at.button(key="race.start").disabled


def test_a_full_server_says_so_and_trains_the_race_when_its_turn_comes(monkeypatch, request):
    """Beyond the trainer's slots a race waits, and the page says how many are ahead (never a silent stall)."""
    from core import trainer as trainer_module

    trainer_module.trainer()  # the app's own trainer, started when ui.live was imported, is in place: now swap it
    small = trainer_module.Trainer(workers=1, process=False, slots=1)
    request.addfinalizer(small.close)
    monkeypatch.setattr(trainer_module, "_trainer", small)
    monkeypatch.setattr(live, "FOLLOW", False)  # each run draws one frame, as in a browser
    long = {"epochs": "3000", "samples": "1000", "hidden": "32,32"}
    first, second = open_race(**long), open_race(**long, seed="5")
    first.button(key="race.start").click().run()
    second.button(key="race.start").click().run()
    text = second.get("progress")[0].proto.text
    assert text.startswith("Epoch 0 of 3000 · waiting for the trainer: 1 race ahead of yours"), text
    first.button(key="race.stop").click().run()  # the first frees its slot
    for _ in range(40):
        second.run()
        if race_of(second) is not None and race_of(second).epoch > 0:
            break
    assert race_of(second).epoch > 0 and "waiting" not in second.get("progress")[0].proto.text
    second.button(key="race.stop").click().run()


def test_no_fragment_has_a_timer(monkeypatch):
    """Each frame's run asks for the next: a run_every tick could arrive after the last run and cut off its Result."""
    timers, fragment = [], st.fragment
    monkeypatch.setattr(st, "fragment", lambda *a, **k: timers.append(k.get("run_every")) or fragment(*a, **k))
    at = train_to_end(open_race(**SMALL), "race")
    assert timers and set(timers) == {None}
    assert "Result" in [s.value for s in at.subheader]


@pytest.mark.parametrize(("classes", "says"), [(9, False), (10, True)])
def test_the_regions_caption_says_when_class_colours_repeat(classes, says):
    at = open_race(dataset="spirals", classes=str(classes))
    caption = next(c.value for c in at.caption if c.value.startswith("Decision regions"))
    assert ("colours repeat (class k as k + 9)" in caption) == says
