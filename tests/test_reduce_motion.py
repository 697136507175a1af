"""Reduce motion: the sidebar's toggle, on every page, makes a training race's frames CALM times further apart."""

from streamlit.testing.v1 import AppTest

from tests.apptest import open_page
from ui import live


def multiplier_script():
    import streamlit as st

    from ui import live

    st.toggle("Reduce motion", key=live.REDUCE_MOTION)
    st.markdown(f"multiplier {live.calm()}")


def test_the_toggle_slows_the_frames():
    at = AppTest.from_function(multiplier_script, default_timeout=60).run()
    assert not at.exception and at.markdown[-1].value == "multiplier 1.0"
    at.toggle(key=live.REDUCE_MOTION).set_value(True).run()
    assert at.markdown[-1].value == f"multiplier {live.CALM}" and live.CALM > 1


def test_the_sidebar_has_the_toggle():
    at = open_page("app.py")
    at.toggle(key=live.REDUCE_MOTION).set_value(True).run()
    assert not at.exception and at.session_state[live.REDUCE_MOTION] is True
