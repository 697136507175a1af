"""Keyboard only: Tab to the race's Start, press Enter, Tab to Stop, press Space; focus is visible on the way."""

import re

import pytest

from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
    return {text: e.innerText || '', main: !!e.closest('[data-testid="stMainBlockContainer"]'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
            ring: s.boxShadow !== 'none'}; }"""


def tab_to(page, label: str, presses: int = 80) -> dict:
    """Press Tab until the page's own `label` button has focus (not Streamlit's header Stop; an icon's name may come first)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["main"] and re.fullmatch(rf"(\w+\s+)?{label}", focused["text"].strip()):
            return focused
    raise AssertionError(f"{label} not reached in {presses} Tab presses")


def test_race_started_and_stopped_with_the_keyboard(page, artifacts):
    with streamlit_server() as url:
        page.goto(f"{url}/loss_race?epochs=3000")
        wait_until_idle(page)
        focused = tab_to(page, "Start")
        assert focused["outline"] or focused["ring"], "no visible focus on Start"
        page.screenshot(path=artifacts / "keyboard_start_focused.png")
        page.keyboard.press("Enter")
        stop = page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop")
        page.get_by_text(re.compile(r"Epoch [1-9]\d* of 3000")).wait_for(timeout=60_000)
        assert stop.is_enabled()
        focused = tab_to(page, "Stop")
        assert focused["outline"] or focused["ring"], "no visible focus on Stop"
        page.keyboard.press("Space")
        page.get_by_role("heading", name="Result").wait_for(timeout=60_000)  # shown once the race has stopped
        wait_until_idle(page)
        assert not stop.is_enabled() and "Epoch 3000 of 3000" not in page.inner_text("body")
        assert page_problems(page) == []
