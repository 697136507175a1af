"""Real browser: walk the whole interview tour with Next, screenshot every step, then presenter mode."""

import pytest

from tests.browser.server import page_problems, streamlit_server, wait_until_idle
from ui import tour

pytestmark = pytest.mark.browser


def test_walk_the_tour(page, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1400})
    with streamlit_server() as url:
        page.goto(f"{url}/tour")
        wait_until_idle(page, timeout_ms=180_000)
        for index, step in enumerate(tour.STEPS):
            if index:
                page.get_by_role("button", name="Next").click()
                page.get_by_role("heading", name=step.headline).wait_for(timeout=180_000)
                wait_until_idle(page, timeout_ms=180_000)
            assert page_problems(page) == [], step.headline
            assert f"Step {index + 1} of {len(tour.STEPS)}" in page.inner_text("body")
            page.screenshot(path=artifacts / f"tour_step_{index + 1}.png", full_page=True)
        page.get_by_text("Presenter mode").click()
        wait_until_idle(page)
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert "presenter=1" in page.url and "step=7" in page.url
        page.screenshot(path=artifacts / "tour_presenter.png", full_page=True)


def test_step5_on_a_phone(server, page, artifacts):
    """Both per-sample panels draw their dots and bands side by side on a desktop, one above the other on a phone."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{server}/tour?step=5")
    wait_until_idle(page, timeout_ms=180_000)
    assert page_problems(page) == []
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == 2
    first, second = (charts.nth(i).bounding_box() for i in range(2))
    assert second["y"] >= first["y"] + first["height"] - 1 and max(first["width"], second["width"]) <= 390
    assert "harder than MSE" in page.inner_text("body")
    page.screenshot(path=artifacts / "tour_step_5_phone.png", full_page=True)
