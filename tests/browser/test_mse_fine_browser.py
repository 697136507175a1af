"""Real browser: 'When is MSE fine?' switches the label-noise level it follows through training, and a new rescaling
retrains the square loss and shows it."""

import pytest

from tests.browser.server import page_problems, wait_until_idle

pytestmark = pytest.mark.browser


def test_noise_level_and_rescaling(server, page, artifacts):
    page.goto(f"{server}/when_mse_is_fine")
    wait_until_idle(page, timeout_ms=180_000)
    assert page_problems(page) == [] and "At 40% noise after 2000 epochs" in page.inner_text("body")
    page.get_by_role("radio", name="20%").click()  # st.segmented_control: a radio group
    wait_until_idle(page, timeout_ms=180_000)
    assert "At 20% noise after 2000 epochs" in page.inner_text("body")
    slider = page.get_by_role("slider", name="k (weight on the true class)")
    slider.focus()
    page.keyboard.press("ArrowRight")  # k: 5 → 5.5, only the rescaled loss retrains
    page.get_by_text("k=5.5, M=5").first.wait_for(timeout=300_000)
    wait_until_idle(page, timeout_ms=300_000)
    assert page_problems(page) == []
    page.screenshot(path=artifacts / "mse_fine_rescaled.png", full_page=True)
