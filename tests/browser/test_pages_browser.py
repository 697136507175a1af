"""Real browser: every page opened by deep link on a cold server, no error element, a screenshot each."""

import re

import pytest

from tests.browser.server import page_problems, streamlit_server, wait_until_idle
from ui.shell import PAGES

pytestmark = pytest.mark.browser


def url_path(script: str) -> str:
    """Streamlit's page URL for a pages/ file: the file name without its number prefix."""
    return "" if script == "app.py" else re.sub(r"^\d+_", "", script.removeprefix("pages/").removesuffix(".py"))


@pytest.mark.parametrize("script", [p.script for p in PAGES])
def test_deep_link_on_a_cold_server(script, page, artifacts):
    with streamlit_server() as url:  # fresh: no session has visited it yet
        page.goto(f"{url}/{url_path(script)}")
        wait_until_idle(page)
        assert page_problems(page) == []
        page.screenshot(path=artifacts / f"page_{url_path(script) or 'home'}.png", full_page=True)
        title = page.locator("h1").first.inner_text()
        assert title and "Loss Lab" in page.title()


def test_theory_gradients_in_the_browser_match_the_formula(page, artifacts):
    with streamlit_server() as url:
        page.goto(f"{url}/theory")
        wait_until_idle(page)
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert values == ["-0.99", "-0.009755", "0.0100", "101.5×"]  # z = −4.6, y = 1, ½-MSE: REFERENCE.md §1
        page.get_by_text("Theory: one neuron").first.is_visible()
        for link in [p for p in PAGES if p.script != "app.py"]:  # sidebar navigation reaches every page
            page.locator('[data-testid="stSidebarNav"], [data-testid="stSidebar"]').get_by_text(link.label).first.click()
            wait_until_idle(page)
            assert page_problems(page) == []
