"""Real browser: press Start on the Loss race, wait for the result, no error element, screenshot."""

import pytest

from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser


def test_race_start_to_result(page, artifacts):
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        page.goto(f"{url}/loss_race?epochs=120")
        wait_until_idle(page)
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("heading", name="Result").wait_for(timeout=120_000)
        wait_until_idle(page)
        assert page_problems(page) == []
        assert "Epoch 120 of 120" in page.inner_text("body")
        assert "Cross-entropy reached 90% of the best accuracy" in page.inner_text("body")
        assert page.locator('[data-testid="stImage"] img').count() == 2  # decision regions, one per loss
        page.screenshot(path=artifacts / "race_result.png", full_page=True)


def test_race_bad_link_shows_a_warning(page, artifacts):
    with streamlit_server() as url:
        page.goto(f"{url}/loss_race?lr=nan&epochs=-3&zzz=1")
        wait_until_idle(page)
        assert page_problems(page) == []
        warning = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
        assert "lr" in warning and "epochs" in warning and "zzz" in warning
        page.screenshot(path=artifacts / "race_bad_link.png")
