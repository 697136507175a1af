"""AppTest for "Your own data" on the Loss race and Per-sample pages: every bad file one clear message and nothing
half-loaded, a good one trained on its own table (the engine's numbers), and none of it in a link, a shared cache or
another session."""

import json
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.testing.v1 import AppTest

from core import tabular
from core.config import RunConfig
from core.engine import Race
from core.grads import sample_table
from core.snapshots import snapshot
from tests.apptest import open_page, train_to_end
from tests.bad_tables import BAD
from ui import cached, links, race_charts

MEMOS = {"result": race_charts.result, "snapshot_data": race_charts._snapshot_data, "preview": cached.preview}

RACE, GRADS = "pages/2_loss_race.py", "pages/3_per_sample_gradients.py"
SMALL = {"epochs": "6", "hidden": "4"}
SAMPLE = ("sample.csv", tabular.sample_csv(), "text/csv")
THREE_D = b"a,b,c,label\n" + b"".join(b"%d,%d,%d,%s\n" % (k % 5, k % 3, k % 7, b"yn"[k % 2 : k % 2 + 1]) for k in range(40))
PAGES = {RACE: "race", GRADS: "grads"}


@pytest.fixture
def shared_calls(monkeypatch):
    """Every argument the pages pass to a cache shared by sessions (ui.cached), recorded."""
    calls = []
    for name, value in vars(cached).items():
        if isinstance(value, CachedFunc) or name == "preview":

            def spy(*args, _real=value, _name=name):
                calls.append((_name, repr(args)))
                return _real(*args)

            monkeypatch.setattr(cached, name, spy)
    return calls


def upload(at: AppTest, page: str, file) -> AppTest:
    return at.file_uploader(key=f"{page}.upload").set_value(file).run()


@pytest.mark.parametrize("script", list(PAGES))
@pytest.mark.parametrize("name", [name for name in BAD if name != "no label column"])  # the page offers the header's
def test_each_bad_file_says_what_is_wrong_and_nothing_stays_loaded(script, name, shared_calls):
    page, (raw, phrase) = PAGES[script], BAD[name]
    at = open_page(script, **SMALL)
    at = upload(at, page, ("good.csv", tabular.sample_csv(), "text/csv"))
    assert not at.error and len(at.success) == 1
    at = upload(at, page, ("bad.csv", raw, "text/csv"))
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("bad.csv: ") and phrase in at.error[0].value
    assert not at.success and at.session_state[f"{page}.upload.table"][2].__class__ is tabular.TableError
    assert any(phrase in w.value for w in at.warning)  # the main column says it too (the sidebar may be closed)
    if page == "race":
        assert at.button(key="race.start").disabled and at.button(key="race.step").disabled
    else:
        assert not at.get("vega_lite_chart")  # no charts from the good file that came before
    assert not [call for call in shared_calls if "csv:" in call[1]]


def test_a_good_file_races_on_its_own_table_with_regions_and_the_link_leaves_it_out(shared_calls):
    at = open_page(RACE, **SMALL)
    at = upload(at, "race", SAMPLE)
    assert not at.exception and "sample.csv: 300 rows, 2 features, 3 classes (blue, green, red)" in at.success[0].value
    assert at.selectbox(key="race.dataset").disabled and at.number_input(key="race.samples").disabled
    at = train_to_end(at, "race")
    shown = at.session_state["race.live"].shown
    config = shown.config
    assert (config.dataset, config.samples, config.classes) == ("csv", 300, 3) and config.source.startswith("csv:300x2:")
    table = tabular.parse(tabular.sample_csv(), "colour")
    expected = Race(config, tabular.for_config(table, config))
    expected.advance(config.epochs)
    assert list(shown.history) == expected.history and shown.done
    assert "Result" in [s.value for s in at.subheader] and len(at.get("image")) == 1  # 2-D: decision regions
    assert not any("PyTorch code" in e.label for e in at.expander)  # its script would generate other data
    query = dict(at.query_params)
    assert "source" not in query and query["dataset"] == "spirals" and query["samples"] == "600"
    shared = next(c.value for c in at.code if "?" in c.value)
    assert "source" not in parse_qs(shared.split("?", 1)[1]) and "csv" not in shared
    assert links.DATA_NOT_IN_LINK in [c.value for c in at.caption]
    assert not [call for call in shared_calls if "csv:" in call[1]]  # trained in a private job, previewed in-session


def test_higher_dimensional_data_gets_no_decision_regions_and_a_string_label_choice():
    at = open_page(RACE, **SMALL)
    at = upload(at, "race", ("three.csv", THREE_D, "text/csv"))
    label = at.selectbox(key="race.upload_label")
    assert label.value == "label" and label.options == ["a", "b", "c", "label"]
    assert "3 features, 2 classes (n, y)" in at.success[0].value
    at = train_to_end(at, "race")
    assert at.session_state["race.live"].shown.config.source.startswith("csv:40x3:") and not at.get("image")
    at = at.selectbox(key="race.upload_label").set_value("a").run()  # then the text column is a feature
    assert "column 'label' is not numeric: row 2 holds 'y'" in at.error[0].value and not at.success
    at = at.selectbox(key="race.upload_label").set_value("label").run()
    assert "3 features, 2 classes" in at.success[0].value and not at.error


def test_per_sample_page_trains_the_upload_in_session_and_takes_the_races_run(shared_calls):
    at = open_page(GRADS, **SMALL)
    at = upload(at, "grads", ("three.csv", THREE_D, "text/csv"))
    assert not at.exception and not at.error
    ((key, frame),) = [(k, f) for k, f in at.session_state["grads.timelines"].items() if "csv:" in k]  # session state
    config = RunConfig.from_dict(json.loads(key))
    table = tabular.parse(THREE_D, "label")
    race = Race(config, tabular.for_config(table, config))
    race.advance(config.epochs)
    last = frame[frame.epoch == config.epochs].drop(columns=["epoch", "status"]).reset_index(drop=True)
    fresh = sample_table(race)
    fresh = fresh[fresh.seed == config.seed].filter(regex="^(?!prob_)").reset_index(drop=True)  # what the page reads
    assert last.equals(fresh) and "x0" not in frame  # not 2-D: no input-space panel
    assert not [call for call in shared_calls if "csv:" in call[1]]

    at = open_page(RACE, **SMALL)
    at = train_to_end(upload(at, "race", SAMPLE), "race")
    at.switch_page(GRADS).run()
    assert not at.exception
    assert any("recorded while the race trained" in c.value for c in at.caption)  # the race's own checkpoints
    assert at.session_state["race.live"].shown.checkpoints and "x0" in at.session_state["race.live"].shown.checkpoints[0]
    assert not [call for call in shared_calls if "csv:" in call[1]]


def test_another_session_sees_nothing_of_an_upload():
    mine = train_to_end(upload(open_page(RACE, **SMALL), "race", SAMPLE), "race")
    assert mine.session_state["race.live"].shown.config.source
    for script, page in PAGES.items():
        theirs = open_page(script, **SMALL)
        assert not theirs.exception and not theirs.success and not theirs.error
        assert f"{page}.upload.table" not in theirs.session_state
        assert "race.live" not in theirs.session_state or theirs.session_state["race.live"].shown is None
        if page == "race":
            assert theirs.get("progress")[0].proto.text.startswith("Epoch 0 of 6 · not started")  # built-in preview
            assert not theirs.selectbox(key="race.dataset").disabled


def test_removing_the_file_returns_to_the_built_in_data():
    at = upload(open_page(RACE, **SMALL), "race", SAMPLE)
    assert at.session_state["race.upload.table"][2].source
    at = at.file_uploader(key="race.upload").set_value(None).run()
    assert not at.exception and not at.success and "race.upload.table" not in at.session_state
    assert not at.selectbox(key="race.dataset").disabled and not at.button(key="race.start").disabled


def test_nothing_of_an_upload_is_written_to_disk():
    marker = f"marker_{uuid.uuid4().hex}"  # a column name and a class found nowhere else
    raw = tabular.sample_csv().replace(b"colour", marker.encode()).replace(b"green", f"{marker}_class".encode())
    started = time.time() - 1
    at = open_page(RACE, **SMALL)
    at = train_to_end(upload(at, "race", ("secret.csv", raw, "text/csv")), "race")
    at.switch_page(GRADS).run()
    assert not at.exception and at.session_state["race.live"].shown.config.source
    written = []
    for folder in (Path(__file__).resolve().parents[1], Path(tempfile.gettempdir())):
        for path in folder.rglob("*"):
            try:
                fresh = ".git" not in path.parts and path.is_file() and path.stat().st_mtime >= started
                if fresh and marker.encode() in path.read_bytes():
                    written.append(path)
            except OSError:  # another process's file, gone or unreadable
                continue
    assert written == []


def test_no_process_wide_memo_keeps_an_upload_race():
    at = train_to_end(upload(open_page(RACE, **SMALL), "race", SAMPLE), "race")
    shown = at.session_state["race.live"].shown
    before = {name: memo.cache_info().currsize for name, memo in MEMOS.items()}
    race_charts.result(shown)
    race_charts.snapshot_charts(shown, race_charts.FINISHED)
    assert {name: memo.cache_info().currsize for name, memo in MEMOS.items()} == before
    built_in = Race(RunConfig(samples=40, hidden=(2,), epochs=1))
    race_charts.result(snapshot(built_in, "race"))  # the memo itself works: a built-in race is kept
    assert race_charts.result.cache_info().currsize == before["result"] + 1 or before["result"] == 128


def test_step_trains_the_upload_one_epoch_at_a_time_with_seeds():
    at = upload(open_page(RACE, **SMALL, seeds="2"), "race", SAMPLE)
    for _ in range(3):  # the first click sets up epoch 0
        at.button(key="race.step").click().run()
    shown = at.session_state["race.live"].shown
    expected = Race(shown.config, tabular.for_config(tabular.parse(tabular.sample_csv(), "colour"), shown.config))
    expected.advance(2)
    assert not at.exception and shown.epoch == 2 and list(shown.history) == expected.history and len(shown.runs) == 4
