"""Real browser: the Per-sample gradients page by deep link, scrubbed with the keyboard and played to the end; on a
phone, its linked panels stacked one a row, still brushed together."""

import pytest

from tests.browser.server import brush_input_space, page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
QUERY = "?samples=300&epochs=40&hidden=16"  # small, so training and the playback stay short
CHARTS = '[data-testid="stVegaLiteChart"]:visible'  # ui/fitting.css hides the layout that does not fit


def test_grads_page_renders_scrubs_and_plays(page, artifacts):
    with streamlit_server() as url:
        page.set_viewport_size({"width": 1400, "height": 2400})
        page.goto(f"{url}/per_sample_gradients{QUERY}")
        wait_until_idle(page, timeout_ms=120_000)
        assert page_problems(page) == []
        assert page.locator(CHARTS).count() == 3  # linked scatter, timeline, histogram
        page.screenshot(path=artifacts / "per_sample_gradients_browser.png", full_page=True)

        linked = page.locator(CHARTS).first
        assert linked.bounding_box()["width"] > 800  # at 1400 px, the panels side by side
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


def test_on_a_phone_the_linked_panels_stack_and_still_brush_together(page, artifacts):
    with streamlit_server() as url:
        page.set_viewport_size({"width": 390, "height": 2400})  # a phone's width; tall, so the whole chart is on screen
        page.goto(f"{url}/per_sample_gradients{QUERY}")
        wait_until_idle(page, timeout_ms=120_000)
        linked = page.locator(CHARTS).first
        box = linked.bounding_box()
        assert page.locator(CHARTS).count() == 3 and box["x"] + box["width"] <= 390 and box["height"] > 3 * 230  # one a row
        first_panel = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"] * 0.3}
        before = page.screenshot(clip=first_panel)
        x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.8  # inside the input space, the last panel
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 60, y + 50, steps=8)
        page.mouse.up()
        page.wait_for_timeout(500)
        assert page.screenshot(clip=first_panel) != before  # samples outside the brush greyed in the first loss's panel
        linked.screenshot(path=artifacts / "per_sample_gradients_phone_brushed.png")
        assert page_problems(page) == []
