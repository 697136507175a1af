"""WCAG 2.1 AA in a real browser: axe-core plus chart checks on every page at first load (desktop and phone) and in
the key states: the Loss race and Misuse lab after a finished race, Per-sample with a brush, the tour presenting."""

import pytest

from tests.browser import a11y
from tests.browser.server import brush_input_space, page_problems, wait_until_idle
from tests.browser.test_pages_browser import url_path
from ui.shell import PAGES

pytestmark = pytest.mark.browser
EPOCHS = 40  # a short race: the finished state, not the training, is what is scanned


def first_loads():
    for script in [p.script for p in PAGES]:
        yield pytest.param(script, False, id=f"{script}-desktop")
        yield pytest.param(script, True, id=f"{script}-phone")


def open_page(page, url: str, timeout_ms: int = 180_000) -> None:
    page.goto(url)
    wait_until_idle(page, timeout_ms)
    assert page_problems(page) == []


def passes(page, state: str, artifacts, phone: bool = False) -> None:
    """No accessibility problem in this state; a screenshot of what was scanned."""
    problems = a11y.check(page, state, phone)
    page.screenshot(path=artifacts / f"a11y_{state.replace(':', '_').replace('@', '_')}.png", full_page=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("script, phone", first_loads())
def test_first_load(script, phone, server, page, artifacts):
    if phone:
        page.set_viewport_size(a11y.PHONE)
    open_page(page, f"{server}/{url_path(script)}")
    passes(page, (url_path(script) or "home") + ("@phone" if phone else ""), artifacts, phone)


@pytest.mark.parametrize("name", ["loss_race", "misuse_lab"])
def test_after_a_finished_race(name, server, page, artifacts):
    open_page(page, f"{server}/{name}?epochs={EPOCHS}")
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_text(f"Epoch {EPOCHS} of {EPOCHS}").wait_for(timeout=120_000)
    page.get_by_role("button", name="Stop").and_(page.locator("[disabled]")).wait_for(timeout=60_000)
    wait_until_idle(page)
    passes(page, f"{name}:finished", artifacts)


def test_per_sample_with_a_brush(server, page, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_page(page, f"{server}/per_sample_gradients?samples=300&epochs=40&hidden=16")
    brush_input_space(page, page.locator('[data-testid="stVegaLiteChart"]').first)
    passes(page, "per_sample_gradients:brushed", artifacts)


def test_tour_in_presenter_mode(server, page, artifacts):
    open_page(page, f"{server}/tour?presenter=1")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    passes(page, "tour:presenter", artifacts)


def test_home_cards_follow_the_sidebar_order(server, page):
    page.set_viewport_size(a11y.PHONE)  # one column: the cards stack
    open_page(page, server)
    main = page.locator('[data-testid="stMain"]')
    tops = [main.locator('[data-testid="stPageLink"]').get_by_text(p.label, exact=True).bounding_box()["y"] for p in PAGES[1:]]
    assert tops == sorted(tops)
