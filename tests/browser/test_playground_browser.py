"""Real browser: the "As in TensorFlow Playground" preset on the Loss race, trained to its result, desktop and phone."""

import pytest

from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1400, 390], ids=["desktop", "phone"])
def test_playground_preset_races_to_a_result(page, artifacts, width):
    with streamlit_server() as url:
        page.set_viewport_size({"width": width, "height": 2400})
        page.goto(f"{url}/loss_race")
        wait_until_idle(page)
        page.get_by_role("button", name="As in TensorFlow Playground").click()
        wait_until_idle(page)
        body = page.inner_text("body")
        assert "As in TensorFlow Playground:" in body and "Unlike Playground:" in body
        assert "dataset=pg-circle" in page.url and "losses=square-tanh%2Cbce" in page.url
        page.screenshot(path=artifacts / f"playground_preset_{width}.png", full_page=True)
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("heading", name="Result").wait_for(timeout=180_000)
        wait_until_idle(page)
        assert page_problems(page) == []
        body = page.inner_text("body")
        assert "Epoch 300 of 300" in body and "Square loss on tanh (Playground)" in body
        assert page.locator('[data-testid="stImage"] img').count() == 2  # decision regions, one per loss
        page.screenshot(path=artifacts / f"playground_result_{width}.png", full_page=True)
