"""Real browser: the Misuse lab by deep link, Start → trained with the floor shown, a bad link's warning; screenshots."""

import pytest

from core import misuse
from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
EPOCHS = 80


def settled(page) -> None:
    """Idle, and every lazily loaded element drawn (this long page shows skeletons for a moment on a busy machine)."""
    wait_until_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)


def test_misuse_lab_start_to_trained(page, artifacts):
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        page.goto(f"{url}/misuse_lab?epochs={EPOCHS}")
        wait_until_idle(page)
        assert page_problems(page) == []
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_text(f"Epoch {EPOCHS} of {EPOCHS}").wait_for(timeout=120_000)
        page.get_by_role("button", name="Stop").and_(page.locator("[disabled]")).wait_for(timeout=60_000)
        settled(page)
        assert page_problems(page) == []
        body = page.inner_text("body")
        floor = misuse.floor(misuse.DEFAULTS.classes)
        assert f"floor {floor:.4f}" in body and f"{misuse.max_probability(misuse.DEFAULTS.classes):.4f}" in body
        assert "RuntimeError: all elements of input should be between 0 and 1" in body  # a sibling, run by torch
        assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 8  # live charts, sweep, stability
        page.screenshot(path=artifacts / "misuse_lab_trained.png", full_page=True)


def test_misuse_lab_bad_link_shows_a_warning(page, artifacts):
    with streamlit_server() as url:
        page.goto(f"{url}/misuse_lab?dtype=float8&gap=0&classes=50&lr=nan")
        settled(page)
        assert page_problems(page) == []
        warning = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
        for name in ["dtype", "gap", "classes", "lr"]:
            assert name in warning
        page.screenshot(path=artifacts / "misuse_lab_bad_link.png")
