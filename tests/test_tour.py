"""The interview tour: link parsing, every step rendered through Next and Back, presenter mode, links."""

import pytest
from streamlit.testing.v1 import AppTest

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
