"""Keyboard only: Tab to the race's Start, press Enter, Tab to Stop, press Space; focus is visible on the way. And every
control type the app uses answers its keys: buttons, toggles, segmented controls and expanders Enter or Space, a slider
its arrows, a selectbox its arrows and Enter."""

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


def pressed(page, control, key: str) -> None:
    """Focus a control and press a key on it, then wait for the rerun it starts."""
    control.focus()
    page.keyboard.press(key)
    page.wait_for_timeout(300)
    wait_until_idle(page, 120_000)


def test_every_control_type_answers_its_keys(page, artifacts):
    with streamlit_server() as url:
        page.goto(f"{url}/theory")
        wait_until_idle(page)
        label = page.get_by_role("radiogroup", name="label y")
        pressed(page, label.get_by_role("radio", name="0"), "Space")  # segmented control
        assert label.get_by_role("radio", name="0").get_attribute("aria-checked") == "true"
        logit = page.get_by_role("radiogroup", name="Set the logit")
        pressed(page, logit.get_by_role("radio", name="w · x + b"), "Enter")
        assert logit.get_by_role("radio", name="w · x + b").get_attribute("aria-checked") == "true"

        page.goto(f"{url}/per_sample_gradients?samples=300&epochs=40&hidden=16")
        wait_until_idle(page, 120_000)
        main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
        pressed(page, main.get_by_role("switch", name="Log y-axis"), "Space")  # toggle
        assert main.get_by_role("switch", name="Log y-axis").is_checked()
        threshold = main.get_by_role("slider").first
        before = float(threshold.input_value())
        pressed(page, threshold, "ArrowRight")  # slider
        assert float(threshold.input_value()) == pytest.approx(before + 0.01)
        pressed(page, main.get_by_role("button", name="Play"), "Enter")  # button
        pressed(page, main.get_by_role("button", name="Pause"), "Space")
        main.get_by_role("button", name="Play").wait_for(timeout=30_000)

        data = sidebar.locator("details", has=page.locator("summary", has=page.get_by_text("Data", exact=True)))
        assert data.get_attribute("open") is None
        pressed(page, data.locator("summary"), "Enter")  # expander
        assert data.get_attribute("open") is not None
        dataset = sidebar.get_by_role("combobox", name="Dataset")
        dataset.focus()
        page.keyboard.press("ArrowDown")  # opens the list
        page.keyboard.press("ArrowDown")
        pressed(page, dataset, "Enter")  # selectbox
        assert dataset.input_value() != "spirals" and page_problems(page) == []
        page.screenshot(path=artifacts / "keyboard_controls.png", full_page=True)
