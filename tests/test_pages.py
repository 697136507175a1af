"""AppTest for every page: renders without exception at defaults and after changing its main widgets."""

import pytest
from streamlit.testing.v1 import AppTest

from core.theory import neuron_point
from tests.apptest import open_page
from ui.shell import PAGES

TIMEOUT = 60


def run(script: str, **query) -> AppTest:
    return open_page(script, timeout=TIMEOUT, **query)


@pytest.mark.parametrize("script", [p.script for p in PAGES])
def test_every_page_renders_at_defaults(script):
    at = run(script)
    assert not at.exception, at.exception


def metric(at, label_start):
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def test_theory_numbers_follow_the_widgets():
    at = run("pages/1_theory.py")
    point = neuron_point(-4.6, 1, True)
    assert metric(at, "∂CE/∂z") == f"{point['ce_grad']:.4g}"
    assert metric(at, "|∂CE/∂z|") == "101.5×"
    at.slider(key="z").set_value(0.0).run()
    assert metric(at, "|∂CE/∂z|") == "4×"
    at.toggle(key="half").set_value(False).run()
    assert metric(at, "|∂CE/∂z|") == "2×"
    at.segmented_control(key="y").set_value(0).run()
    at.toggle(key="log").set_value(True).run()
    assert not at.exception
    at.segmented_control(key="mode").set_value("w · x + b").run()
    at.slider(key="w").set_value(5.0).run()
    at.slider(key="x").set_value(2.0).run()
    point = neuron_point(12.0, 0, False)
    assert metric(at, "∂MSE/∂z") == f"{point['mse_grad']:.4g}" and not at.exception
    assert len(at.get("vega_lite_chart")) == 4  # loss, gradient; Nielsen's output and cost
    at.slider(key="nielsen_lr").set_value(0.5).run()
    table = at.dataframe[0].value
    assert list(table["output a"].round(4)) == [0.8176, 0.8176, 0.9820, 0.9820] and not at.exception


def test_home_caption_numbers():
    at = run("app.py")
    assert "cross-entropy's gradient is 0.99, ½-MSE's 0.0098 — 101× smaller" in at.caption[0].value
