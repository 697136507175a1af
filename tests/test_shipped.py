"""Shipped default experiments (core/shipped.py) equal a fresh training, and the pages read them on a first visit."""

import pandas as pd
import pytest
import streamlit as st

from core import experiments, shipped
from tests.apptest import open_page


@pytest.mark.parametrize("name,args", shipped.DEFAULTS, ids=[name for name, _ in shipped.DEFAULTS])
def test_shipped_table_equals_a_fresh_training(name, args):
    on_disk = shipped.read(name, *args)
    assert on_disk is not None, f"missing {shipped.path(name, args)}: run python -m core.shipped"
    # float64 round trip is exact; a changed engine or experiment changes far more than 1e-9 (rerun python -m core.shipped).
    # On a kind of CPU with no tables of its own, `python -m core.shipped --here` trains them (see core/shipped.py).
    pd.testing.assert_frame_equal(on_disk, shipped.compute(name, *args), check_exact=False, rtol=1e-9, atol=0)


def test_a_machine_reads_its_own_kind_of_cpu_tables_else_the_top_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "FOLDER", tmp_path)
    (tmp_path / "cpu-000000000000").mkdir()  # another kind of CPU's
    assert shipped.folder() == tmp_path
    (tmp_path / f"cpu-{shipped.machine()}").mkdir()
    assert shipped.folder() == tmp_path / f"cpu-{shipped.machine()}"
    assert shipped.path("class_plain", shipped.CLASS_ARGS).parent == shipped.folder()


def test_the_machine_digest_names_torch_the_vector_instructions_and_the_tanh(monkeypatch):
    here = shipped.machine()
    assert len(here) == 12 and here == shipped.machine()
    monkeypatch.setattr(shipped.torch, "__version__", "0.0.0")
    assert shipped.machine() != here
    monkeypatch.undo()
    monkeypatch.setattr(shipped.torch.backends.cpu, "get_cpu_capability", lambda: "NO_VECTOR_UNIT")
    assert shipped.machine() != here
    monkeypatch.undo()
    monkeypatch.setattr(shipped.backprop, "FAST_TANH", not shipped.backprop.FAST_TANH)  # the other tanh: other digits
    assert shipped.machine() != here


def test_other_arguments_are_trained_fresh():
    values, _ = shipped.DEFAULTS[0][1]
    assert shipped.read("noise_level", values, 0.1) is None


def test_a_new_noise_level_trains_alone(monkeypatch):
    trained = []
    monkeypatch.setattr(experiments, "noise_sweep", lambda config, levels: trained.append(levels) or pd.DataFrame({"x": [1]}))
    values, _ = shipped.DEFAULTS[0][1]
    both = shipped.table("label_noise", values, (0.0, 0.1))
    assert trained == [[0.1]] and len(both) == len(shipped.read("noise_level", values, 0.0)) + 1


def test_a_new_rescaling_retrains_only_the_rescaled_loss(monkeypatch):
    def refuse(*args):
        raise AssertionError("retrained the plain losses, which do not depend on (k, M)")

    monkeypatch.setattr(experiments, "class_sweep", refuse)
    small = {**shipped.CLASS_ARGS[0], "epochs": "3"}  # a shipped plain sweep stands in: only the rescaled one trains
    monkeypatch.setattr(shipped, "read", lambda name, *args: pd.DataFrame({"run": ["ce"]}) if name == "class_plain" else None)
    both = shipped.table("class_counts", small, (2,), 2.0, 3.0)
    assert both.run.tolist()[0] == "ce" and set(both.run[1:]) == {"mse-logits (k=2, M=3)"}


def test_first_visits_train_none_of_the_shipped_experiments(monkeypatch):
    def refuse(*args):
        raise AssertionError("trained an experiment that is shipped")

    for name in ("noise_sweep", "class_sweep", "rescaled_sweep", "lr_sweep"):
        monkeypatch.setattr(experiments, name, refuse)
    st.cache_data.clear()
    at = open_page("pages/5_when_mse_is_fine.py", timeout=180)
    assert not at.exception and len(at.get("vega_lite_chart")) == 6
    at = open_page("pages/6_tour.py", step="7")  # the tour's last step draws the class sweep
    assert not at.exception and at.title[0].value == "The counterpoint: when MSE is fine" and at.get("vega_lite_chart")
    st.cache_data.clear()
