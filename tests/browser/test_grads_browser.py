"""Real browser: the Per-sample gradients page by deep link, scrubbed with the keyboard and played to the end."""

import pytest

from tests.browser.server import brush_input_space, page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
QUERY = "?samples=300&epochs=40&hidden=16"  # small, so training and the playback stay short


def test_grads_page_renders_scrubs_and_plays(page, artifacts):
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        page.goto(f"{url}/per_sample_gradients{QUERY}")
        wait_until_idle(page, timeout_ms=120_000)
        assert page_problems(page) == []
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == 3  # linked scatter, timeline, histogram
        page.screenshot(path=artifacts / "per_sample_gradients_browser.png", full_page=True)

        linked = page.locator('[data-testid="stVegaLiteChart"]').first
        before = linked.screenshot()
        brush_input_space(page, linked)
        assert linked.screenshot() != before  # the brush greys out unselected samples in every panel
        linked.screenshot(path=artifacts / "per_sample_gradients_brushed.png")

        page.get_by_role("slider").last.focus()  # the checkpoint slider: Home jumps to epoch 0
        page.keyboard.press("Home")
        page.get_by_text("samples are confidently wrong").wait_for(timeout=30_000)  # one init: both losses agree at epoch 0
        wait_until_idle(page)
        assert page_problems(page) == []

        page.get_by_role("button", name="Play").click()
        page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
        page.get_by_role("button", name="Play").wait_for(timeout=90_000)  # stops by itself at the last checkpoint
        wait_until_idle(page)
        assert page_problems(page) == [] and "epoch 40" in page.inner_text("body")
        page.screenshot(path=artifacts / "per_sample_gradients_played.png", full_page=True)
