"""AppTest for 'When is MSE fine?': the shown metrics are the experiment's, and controls rerun cleanly."""

import pytest
from streamlit.testing.v1 import AppTest

from core.experiments import CALIBRATION, calibration_report
from tests.apptest import open_page


@pytest.fixture(scope="module")
def at() -> AppTest:
    return open_page("pages/5_when_mse_is_fine.py", timeout=180)


def test_renders_all_three_experiments(at):
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3
    assert [h.value for h in at.header][:3] == [
        "1. Calibration: MSE's probabilities are calibrated too",
        "2. Label noise: cross-entropy weights each sample by 1/p_y",
        "3. The square loss on logits keeps up (Hui & Belkin, ICLR 2021)",
    ]


def test_calibration_numbers_are_the_experiment_s(at):
    page = at.dataframe[0].value  # rows: val accuracy, ECE, Brier, NLL; columns: ce, mse
    _, metrics = calibration_report(CALIBRATION)
    expected = metrics.set_index("loss")
    for loss in ("ce", "mse"):
        assert page.loc["Brier", loss] == pytest.approx(round(expected.loc[loss, "Brier"], 4))
        assert page.loc["ECE", loss] == pytest.approx(round(expected.loc[loss, "ECE"], 4))


def test_changing_controls(at):
    at.multiselect(key="noise_levels").set_value([]).run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 2
    at.selectbox(key="cal_dataset").set_value("moons").run()
    assert not at.exception and list(at.dataframe[0].value.columns) == ["ce", "mse"]
