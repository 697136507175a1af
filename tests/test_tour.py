"""The interview tour: link parsing, every step rendered through Next and Back, presenter mode, links, and what step 5
says about the samples it draws."""

import json

import pandas as pd
import pyarrow as pa
import pytest
import torch
from streamlit.testing.v1 import AppTest

from core import losses, split, timeline
from core.engine import Race
from core.grads import sample_table
from tests.apptest import open_page
from ui import links, shell, tour


def open_tour(**query) -> AppTest:
    return open_page("pages/6_tour.py", timeout=300, **query)


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, (1, False, 0)),
        ({"step": "7", "presenter": "1"}, (7, True, 0)),
        ({"step": "0"}, (1, False, 1)),
        ({"step": "8", "presenter": "yes"}, (1, False, 2)),
        ({"step": "<b>2</b>"}, (1, False, 1)),
        ({"step": "3.5"}, (1, False, 1)),
        ({"step": "²"}, (1, False, 1)),
        ({"step": "9" * 5000}, (1, False, 1)),
    ],
)
def test_link_table(params, expected):
    _, values, ignored = links.read(tour.LINK, params)
    assert (values["step"], values["presenter"], len(ignored)) == expected


def test_every_step_has_a_real_page_and_three_points():
    scripts = {p.script for p in shell.PAGES}
    assert len(tour.STEPS) == 7
    for step in tour.STEPS:
        assert step.page in scripts and len(step.points) == 3


def test_walk_the_tour_forward_and_back():
    at = open_tour()
    assert not at.exception and at.button(key="tour.back").disabled
    for index, step in enumerate(tour.STEPS):
        if index:
            at.button(key="tour.next").click().run()
        assert not at.exception, (index, at.exception)
        assert at.title[0].value == step.headline
        assert at.query_params["step"] == str(index + 1)
    assert at.button(key="tour.next").disabled
    at.button(key="tour.back").click().run()
    assert at.title[0].value == tour.STEPS[5].headline


def test_deep_link_presenter_and_bad_values():
    at = open_tour(step="4", presenter="1")
    assert at.title[0].value == tour.STEPS[3].headline and at.toggle(key="tour.presenter").value
    assert any("stSidebar" in m.value for m in at.markdown)  # the presenter stylesheet is on the page
    bad = open_tour(step="99", presenter="maybe", extra="1")
    text = " ".join(w.value for w in bad.warning)
    assert "step='99'" in text and "presenter='maybe'" in text and "'extra'" in text
    assert bad.title[0].value == tour.STEPS[0].headline and not bad.exception


def test_live_neuron_step_numbers():
    at = open_tour(step="3")
    at.slider(key="tour.z").set_value(0.0).run()
    assert [m.value for m in at.metric] == ["0.5000", "-0.5", "-0.125"]  # p − y and (p − y)p(1 − p) at p = ½


def test_home_starts_the_tour():
    at = open_page("app.py")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == tour.STEPS[0].headline


@pytest.fixture(scope="module")
def step5():
    """Step 5 on a server: its sentences, and the rows each panel draws (the arrow datasets of its two charts)."""
    at = open_tour(step="5")
    assert not at.exception
    panels = {}
    for chart in at.get("vega_lite_chart"):
        tables = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
        title = json.loads(chart.proto.spec)["title"]["text"]
        panels[title[title.index("(") + 1 : -1]] = {len(t.columns): t for t in tables}  # 4 columns: dots; 5: the band
    return " ".join(m.value for m in at.markdown), panels


@pytest.fixture(scope="module")
def epoch_zero() -> pd.DataFrame:
    """The samples step 5 shows, computed apart from the app: the per-sample default race's checkpoint at epoch 0."""
    return sample_table(Race(timeline.DEFAULT))


def test_step5_dots_are_exact_closed_forms_inside_their_bands(step5, epoch_zero):
    _, panels = step5
    assert set(panels) == set(timeline.DEFAULT.losses)
    for name, tables in panels.items():
        mine = epoch_zero[epoch_zero.run == name].reset_index(drop=True)
        dots = tables[4].sort_values("index").reset_index(drop=True)
        assert dots.p.to_numpy() == pytest.approx(mine.p_true.to_numpy()) and len(dots) == len(mine)
        probs = torch.tensor(mine[[f"prob_{k}" for k in range(3)]].to_numpy(), dtype=torch.float64)
        z = probs.log().requires_grad_()  # autograd of the registry loss on each sample's whole probability vector
        losses.get(name).loss(z, torch.tensor(mine.label.to_numpy())).sum().backward()
        assert dots.low.to_numpy() == pytest.approx(z.grad.norm(dim=1).numpy(), rel=1e-5)  # "exactly its closed form"
        own = split.band(name, torch.tensor(mine.p_true.to_numpy(), dtype=torch.float64))  # the band at each dot's own p
        assert ((dots.low >= own.low * (1 - 1e-5)) & (dots.low <= own.high * (1 + 1e-5))).all()  # "the band holds every split"
        assert tables[5].one_class.to_numpy() == pytest.approx(
            timeline.curve(name, torch.tensor(tables[5].p.to_numpy()), 3).numpy()
        )


def test_step5_pushes_on_the_confidently_wrong(step5, epoch_zero):
    text, _ = step5
    threshold = tour.CONFIDENTLY_WRONG
    means = {}
    for name in ("ce", "mse"):
        mine = epoch_zero[epoch_zero.run == name]
        wrong = mine.p_true < threshold
        means[name] = (
            mine.dlogit_norm[wrong].mean(),
            mine.dlogit_norm[~wrong].mean(),
            (mine.dlogit_norm < mine.dlogit_norm[wrong].mean()).mean(),
        )
    (ce_w, ce_r, _), (mse_w, mse_r, mse_pct) = means["ce"], means["mse"]
    assert ce_w > ce_r and mse_w < mse_r  # "harder than its others … less hard than its others"
    n = int((epoch_zero[epoch_zero.run == "ce"].p_true < threshold).sum())
    assert f"**{n}** samples are confidently wrong" in text
    assert f"**{ce_w / ce_r:.2f}×** as hard as its other samples (mean ‖∂ℓ/∂z‖ {ce_w:.3f} vs {ce_r:.3f})" in text
    assert f"**{mse_w / mse_r:.2f}×** ({mse_w:.3f} vs {mse_r:.3f}), a mean below the push of {1 - mse_pct:.0%}" in text
    assert f"**{ce_w / mse_w:.3g}×** harder than MSE" in text
    band = split.bands(("mse",))
    assert f"from p = {split.line_on_top_from(band):.2f} on" in text and f"up to {band.high.iloc[0]:.3f}" in text


def test_step5_and_step7_say_what_their_tests_check():
    """The talking points the tests above and tests/test_mse_fine_page.py back, word for word."""
    five, seven = tour.STEPS[4].points, tour.STEPS[6].points
    assert "harder than its others; MSE pushes them less hard than its others" in five[1]
    assert five[2].startswith("Each dot is exactly its loss's closed form") and "The band holds every split (C = 3)" in five[2]
    assert "MSE on softmax comes close, at a rate that grows with C" in seven[1] and "rescaled for 50 classes" in seven[1]


def test_step7_draws_each_loss_at_its_tuned_rate():
    at = open_tour(step="7")
    (chart,) = at.get("vega_lite_chart")
    (shown,) = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    assert len(shown) == 4 * 3 and shown.groupby(["classes", "run"]).size().max() == 1  # one rate per loss and C


@pytest.mark.parametrize("step, named", [("1", "Loss"), ("2", "|∂L/∂z|, log axis"), ("3", "The gradient ∂L/∂z")])
def test_each_neuron_chart_is_titled_by_what_it_plots(step, named):
    at = open_tour(step=step)
    (chart,) = at.get("vega_lite_chart")
    curves = json.loads(chart.proto.spec)["layer"][0]
    assert curves["title"]["text"] == [f"{named} against the logit z, true label y = 1"]
    assert curves["encoding"]["y"]["title"] == ("loss" if named == "Loss" else "gradient" if step == "3" else "|gradient|")
