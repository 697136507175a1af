"""AppTest for 'When is MSE fine?': the shown metrics are the experiment's, its sentences hold on the runs it shows,
and controls rerun cleanly."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import shipped
from core.experiments import (
    CALIBRATION,
    CLASS_COUNTS,
    LEARNING_RATES,
    NOISE,
    SQUARE_K,
    SQUARE_M,
    calibration_report,
    last_checkpoints,
    memorised_by,
    tuned,
)
from tests.apptest import open_page
from ui import mse_fine_charts

HEADERS = [
    "1. Calibration: MSE's probabilities are calibrated too",
    "2. Label noise: cross-entropy weights each sample by 1/p_y",
    "3. The square loss on logits keeps up, rescaled for many classes (Hui & Belkin, ICLR 2021)",
]


@pytest.fixture(scope="module")
def at() -> AppTest:
    return open_page("pages/5_when_mse_is_fine.py", timeout=180)


@pytest.fixture(scope="module")
def noise() -> pd.DataFrame:
    """The label-noise runs the page shows by default (tests/test_shipped.py: equal to a fresh training)."""
    return shipped.table("label_noise", NOISE.to_dict(), shipped.NOISE_LEVELS)


@pytest.fixture(scope="module")
def best() -> pd.DataFrame:
    """The class sweep's tuned runs the page and the tour show by default."""
    return tuned(shipped.table("class_counts", *shipped.CLASS_ARGS, SQUARE_K, SQUARE_M)).set_index(["classes", "run"])


def test_renders_all_three_experiments(at):
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 6  # reliability; train and validation; memorised and push; class sweep
    assert [h.value for h in at.header][:3] == HEADERS


def test_calibration_numbers_are_the_experiment_s(at):
    page = at.dataframe[0].value  # rows: val accuracy, ECE, Brier, NLL; columns: ce, mse
    _, metrics = calibration_report(CALIBRATION)
    expected = metrics.set_index("loss")
    for loss in ("ce", "mse"):
        assert page.loc["Brier", loss] == pytest.approx(round(expected.loc[loss, "Brier"], 4))
        assert page.loc["ECE", loss] == pytest.approx(round(expected.loc[loss, "ECE"], 4))


def test_label_noise_shows_memorising_and_its_cost(noise):
    """Cross-entropy fits the flipped labels first and all but fully, MSE later and partly, MAE never; validation
    accuracy falls with noise for the first two and stays for MAE, which does not underfit the clean task."""
    end = last_checkpoints(noise).set_index(["label_noise", "run"])
    assert set(end.index.get_level_values(0)) == set(shipped.NOISE_LEVELS) and (end.status == "ok").all()
    assert (end.xs(0.0).val_accuracy - end.loc[(0.0, "ce"), "val_accuracy"]).abs().max() <= 0.01  # no noise: all alike
    for level in (0.2, 0.4):
        row = end.xs(level)
        assert row.flipped_fitted["ce"] >= 0.95 and 0.4 <= row.flipped_fitted["mse"] <= 0.85 and row.flipped_fitted["mae"] <= 0.1
        assert row.val_accuracy["mae"] > row.val_accuracy["mse"] > row.val_accuracy["ce"]
        assert end.loc[(0.0, "ce"), "val_accuracy"] - row.val_accuracy["ce"] >= 0.15  # an effect the axis shows
        assert row.accuracy["mae"] == pytest.approx(1 - level, abs=0.03)  # it fits the clean labels, not the flipped
        first = memorised_by(noise, level)
        assert first["ce"] < first["mse"] and first["mae"] is None


def test_flipped_samples_are_pushed_hardest_by_cross_entropy(noise):
    early = noise[(noise.label_noise == 0.4) & (noise.epoch == 100)].set_index("run")
    assert early.flipped_push["ce"] > 5 * early.flipped_push["mse"] > 5 * 100 * early.flipped_push["mae"]
    assert early.flipped_push["ce"] > early.clean_push["ce"]


def test_page_sentences_and_table_are_the_runs(at, noise):
    end = last_checkpoints(noise).set_index(["label_noise", "run"])
    text = " ".join(m.value for m in at.markdown)
    ce = end.loc[(0.4, "ce")]
    assert f"**{ce.flipped_fitted:.0%}** under **ce** (validation {ce.val_accuracy:.3f})" in text
    assert f"by epoch **{memorised_by(noise, 0.4)['ce']}** under **ce**" in text and "never under **mae**" in text
    table = at.dataframe[1].value
    assert table.loc[0.2, ("validation", "mae")] == f"{end.loc[(0.2, 'mae'), 'val_accuracy']:.3f}"
    assert (table.loc[0.0].xs("flipped: memorised") == "—").all()  # no label flipped: nothing to show, not "None"


def test_square_loss_claims_hold_at_tuned_learning_rates(best):
    """No default run diverged; the rescaled square loss keeps up with cross-entropy at every C, the plain one up to 10
    and not at 50; MSE on softmax comes close at a learning rate that grows with C; no choice sits on the grid's edge."""
    assert (best.status == "ok").all()
    rescaled = f"mse-logits (k={SQUARE_K:g}, M={SQUARE_M:g})"
    for c in CLASS_COUNTS:
        ce = best.loc[(c, "ce"), "val_accuracy"]
        assert best.loc[(c, rescaled), "val_accuracy"] >= ce - 0.01
        assert best.loc[(c, "mse"), "val_accuracy"] >= ce - 0.03
        assert (best.loc[(c, "mse-logits"), "val_accuracy"] >= ce - 0.01) == (c <= 10)
        if c > 2:  # at C = 2 every rate fits perfectly: the tie goes to the smaller rate
            assert LEARNING_RATES[0] < best.xs(c).lr.min() and best.xs(c).lr.max() < LEARNING_RATES[-1]
    mse_lr = [best.loc[(c, "mse"), "lr"] for c in CLASS_COUNTS]
    assert mse_lr == sorted(mse_lr) and mse_lr[-1] >= 10 * best.loc[(CLASS_COUNTS[-1], "ce"), "lr"]


def test_class_table_shows_each_tuned_rate(at, best):
    table = at.dataframe[2].value
    assert table.loc[50, "mse"] == f"{best.loc[(50, 'mse'), 'val_accuracy']:.3f} (lr {best.loc[(50, 'mse'), 'lr']:g})"


def test_changing_controls(at):
    at.multiselect(key="noise_levels").set_value([]).run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 2
    at.selectbox(key="cal_dataset").set_value("moons").run()
    assert not at.exception and list(at.dataframe[0].value.columns) == ["ce", "mse"]


def test_accuracy_axis_starts_below_the_lowest_value_shown():
    assert mse_fine_charts.accuracy_domain(pd.Series([0.94, 0.58]), pd.Series([0.6, float("nan")])) == [0.55, 1.0]
    assert mse_fine_charts.accuracy_domain(pd.Series([float("nan")])) == [0.0, 1.0]  # every run diverged
    spec = mse_fine_charts.epoch_chart(pd.DataFrame({"run": ["ce", "mae"], "epoch": [0, 0], "push": [0.5, 0.0]}), "push",
                                       "push", "t", log_y=True).to_dict()  # fmt: skip
    assert [row["run"] for row in spec["datasets"][spec["data"]["name"]]] == ["ce"]  # a log axis cannot place 0
