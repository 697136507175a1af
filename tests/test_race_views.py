"""Race reading and drawing: summary and verdict on hand-made histories, chart data, region images, export."""

import contextlib
import io
import json

import pandas as pd
import pytest
import torch

from core.config import RunConfig
from core.engine import Race
from core.export import pytorch_script
from core.regions import PALETTE, region_image
from core.summary import per_epoch, summarize, verdict
from core.views import decision_grid, p_true_histogram, shown_runs
from ui import race_charts


def history(rows):
    cols = ["run", "seed", "epoch", "loss", "accuracy", "val_accuracy", "mean_dlogit_norm", "grad_norm", "status"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


HAND = history(
    [("ce", 0, e, 2.0 / (e + 1), acc, acc, 1.0, 1.0, "ok") for e, acc in enumerate([0.3, 0.6, 0.9, 1.0, 1.0])]
    + [("mse", 0, e, 0.5 - 0.01 * e, acc, acc, 0.1, 0.1, "ok") for e, acc in enumerate([0.3, 0.5, 0.7, 0.85, 0.95])]
)


def test_summary_epochs_to_fractions_of_best():
    s = summarize(HAND).set_index("loss")
    assert s.loc["ce", "epochs to 90% of best"] == 2 and s.loc["ce", "epochs to 99% of best"] == 3
    assert s.loc["mse", "epochs to 90% of best"] == 4 and pd.isna(s.loc["mse", "epochs to 99% of best"])
    assert s.loc["mse", "final accuracy"] == pytest.approx(0.95)
    text = verdict(summarize(HAND), 4)
    assert text.startswith("Cross-entropy reached 90% of the best accuracy in 2 epochs") and "needed 4 (2.0× as many)" in text


def test_verdict_when_a_loss_never_gets_there():
    slow = HAND.assign(accuracy=HAND.accuracy.where(HAND.run == "ce", 0.4))
    assert "never did within 4 epochs (final accuracy 40%)" in verdict(summarize(slow), 4)


def test_per_epoch_relative_loss_and_seed_bands():
    two = pd.concat([HAND, HAND.assign(seed=1, accuracy=HAND.accuracy / 2, loss=HAND.loss * 3)])
    e = per_epoch(two).set_index(["run", "epoch"])
    assert e.loc[("ce", 1), "relative_loss"] == pytest.approx(0.5)  # 1.0 / 2.0, both seeds
    assert e.loc[("ce", 2), "accuracy"] == pytest.approx(0.675)
    assert (e.loc[("ce", 2), "accuracy_min"], e.loc[("ce", 2), "accuracy_max"]) == (0.45, 0.9)


def test_specs_are_cached_copies_with_the_right_scales():
    runs = ("ce", "mse")
    a, b = race_charts.gradient_spec(runs), race_charts.gradient_spec(runs)
    a["layer"].clear()
    assert len(b["layer"]) == 2 and len(race_charts.gradient_spec(runs)["layer"]) == 2
    assert '"type": "log"' in json.dumps(b)
    long = race_charts.accuracy_data(per_epoch(HAND))
    assert set(long.split) == {"train", "validation"} and len(long) == 2 * 10


def test_live_frames_thin_each_line_and_keep_its_latest_epoch():
    rows = [("ce", 0, e, 1.0, 0.5, 0.5, 1.0, 1.0, "ok") for e in range(301)]
    rows += [("mse", 0, e, 1.0, 0.5, 0.5, 1.0, 1.0, "ok") for e in range(123)]  # diverged at epoch 122
    thinned = race_charts.thin(per_epoch(history(rows)), points=100)  # stride ceil(301 / 100) = 4
    ce, mse = (thinned[thinned.run == r].epoch.tolist() for r in ("ce", "mse"))
    assert ce[:3] == [0, 4, 8] and ce[-2:] == [296, 300] and len(ce) == 76
    assert mse[-2:] == [120, 122]  # a stopped run keeps its last point
    assert race_charts.thin(per_epoch(HAND)).equals(per_epoch(HAND))  # short races are drawn whole


def test_live_specs_fix_the_epoch_axis_and_drop_tooltips_and_single_seed_bands():
    runs = ("ce", "mse")
    live_style, final_style = (
        race_charts.Style.of_race(1, live=True, epochs=300),
        race_charts.Style.of_race(3, live=False, epochs=300),
    )
    live, final = race_charts.specs(runs, live_style), race_charts.specs(runs, final_style)
    assert not any("tooltip" in json.dumps(spec) for spec in live)
    assert all("tooltip" in json.dumps(spec) for spec in final)
    assert len(live[0]["layer"]) == 1 and len(final[0]["layer"]) == 2  # band layer only with several seeds
    assert all(s["layer"][0]["encoding"]["x"]["scale"] == {"domain": [0, 300]} for s in live[:3])
    assert all("scale" not in s["layer"][0]["encoding"]["x"] for s in final[:3])  # fitted to the epochs trained
    charts = race_charts.frame_charts(per_epoch(HAND), pd.DataFrame(), runs, live_style)
    assert list(charts[0][0].columns) == ["run", "epoch", "relative_loss", "relative_loss_min", "relative_loss_max"]
    assert [spec for _, spec in charts] == live


def test_region_image_colours_and_points():
    probs = torch.zeros(4, 4, 3)
    probs[..., 0] = 1.0  # everywhere class 0, fully confident
    probs[3, 3] = torch.tensor([0.0, 0.0, 1.0])  # top-right cell: class 2
    image = region_image(probs, torch.empty(0, 2), torch.empty(0, dtype=torch.long), pixels_per_cell=5)
    assert image.shape == (20, 20, 3) and image.dtype == torch.uint8
    strong = (255 * 0.28 + PALETTE * 0.72).round()
    assert torch.equal(image[19, 0].float(), strong[0])  # bottom-left pixel: class 0
    assert torch.equal(image[0, 19].float(), strong[2])  # top-right pixel: class 2
    dotted = region_image(probs, torch.tensor([[2.0, 2.0]]), torch.tensor([1]), pixels_per_cell=5)
    assert torch.equal(dotted[20 - 1 - 10, 10].float(), PALETTE[1])  # a point of class 1 at the centre


def test_views_from_a_live_race():
    race = Race(RunConfig(samples=80, hidden=(6,), epochs=2, seeds=2))
    race.advance(2)
    assert shown_runs(race) == [0, 1]
    counts = p_true_histogram(race)
    assert counts.groupby("run")["count"].sum().tolist() == [len(race.data.y_train)] * 2
    probs, points, runs = decision_grid(race, cells=10)
    assert probs.shape == (2, 10, 10, 3) and torch.allclose(probs.sum(-1), torch.ones(2, 10, 10))
    assert points.min() >= 0 and points.max() <= 10


@pytest.mark.parametrize(
    "config",
    [
        RunConfig(samples=100, epochs=15, optimizer="sgd", lr=0.5),
        RunConfig(samples=100, epochs=3, batch_size=16, optimizer="adam", losses=("ce", "softmax-ce", "mae", "mse-logits")),
        RunConfig(dataset="moons", classes=2, losses=("bce", "mse-sigmoid"), hidden=(), epochs=10, samples=100, init_scale=3.0),
    ],
)
def test_exported_pytorch_script_reproduces_the_engine(config):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(pytorch_script(config), "loss_lab_run.py", "exec"), {"__name__": "__main__"})
    race = Race(config)
    race.advance(config.epochs)
    lines = out.getvalue().strip().splitlines()
    for line, record in zip(lines, race.history[-len(config.losses) :]):
        name, rest = line.split(": final loss ")
        loss, acc = float(rest.split(",")[0]), float(rest.split("accuracy ")[1])
        assert name == record["run"] and loss == pytest.approx(record["loss"], rel=1e-4, abs=1e-6)
        assert acc == pytest.approx(record["accuracy"], abs=1e-4)


def test_exported_script_with_rescaled_square_loss():
    config = RunConfig(samples=100, epochs=5, losses=("ce", "mse-logits"), square_k=3.0, square_m=5.0, dataset="blobs", classes=4)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(pytorch_script(config), "run.py", "exec"), {"__name__": "__main__"})
    race = Race(config)
    race.advance(5)
    square = float(out.getvalue().splitlines()[1].split("final loss ")[1].split(",")[0])
    assert square == pytest.approx(race.history[-1]["loss"], rel=1e-4)
    assert (
        race.history[-1]["loss"]
        != Race(RunConfig(samples=100, epochs=5, losses=("mse-logits",), dataset="blobs", classes=4)).history[0]["loss"]
    )


def test_frames_leave_the_shared_specs_as_built():
    """Live frames hand st.vega_lite_chart the cached spec dicts themselves: drawing must not change them."""
    from tests.apptest import open_page
    from ui.specs import _inherit

    at = open_page("pages/2_loss_race.py", epochs="12", samples="100", hidden="8")
    at.button(key="race.start").click().run()
    losses = ("ce", "mse")
    for live in (True, False):
        style = race_charts.Style.of_race(1, live, 12)
        for builder in (race_charts.loss_spec, race_charts.accuracy_spec, race_charts.gradient_spec):
            assert builder.shared(losses, style) == _inherit(builder.__wrapped__(losses, style).to_dict())
        fresh = _inherit(race_charts.p_true_spec.__wrapped__(losses, tooltips=not live).to_dict())
        assert race_charts.p_true_spec.shared(losses, tooltips=not live) == fresh
