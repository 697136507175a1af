"""Real browser, Practice page: commit a number, check it, see the score and the live answer; every answer passes the
accessibility checks at desktop and phone width (axe-core, chart text, nothing wider than the viewport)."""

import re

import pytest

from tests.browser import a11y
from tests.browser.server import page_problems, wait_until_idle
from ui.practice import QUESTIONS

pytestmark = pytest.mark.browser


def after_click(page) -> None:
    page.wait_for_timeout(500)  # the rerun starts: until then the page reads as idle
    wait_until_idle(page)


def test_commit_a_number_check_it_and_move_on(server, page, artifacts):
    page.goto(f"{server}/practice?q=3")
    wait_until_idle(page)
    check = page.get_by_role("button", name="Check my answer")
    assert check.is_disabled()  # nothing committed yet
    page.get_by_label("Your answer").fill("1.46")
    page.keyboard.press("Enter")
    after_click(page)
    check.click()
    after_click(page)
    assert page.get_by_text("Your answer, 1.46, is right.").is_visible()
    assert page.get_by_text("Score: 1 right of 1 answered").is_visible()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1 and page_problems(page) == []
    page.screenshot(path=artifacts / "practice_checked.png", full_page=True)
    page.get_by_role("button", name="Next question").click()
    after_click(page)
    assert re.search(r"[?&]q=4\b", page.url) and page.locator("h2").first.inner_text().startswith("4. ")
    page.get_by_role("button", name="Back").click()
    after_click(page)
    assert page.get_by_text("Your answer, 1.46, is right.").is_visible()  # the session keeps what was answered


@pytest.mark.parametrize("number", range(1, len(QUESTIONS) + 1))
def test_every_answer_passes_the_accessibility_checks(number, server, page, artifacts):
    problems = []
    for phone in (False, True):
        page.set_viewport_size(a11y.PHONE if phone else {"width": 1400, "height": 1000})
        page.goto(f"{server}/practice?q={number}")
        wait_until_idle(page, 120_000)
        page.get_by_role("button", name="Show the answer").click()
        after_click(page)
        assert page_problems(page) == []
        state = f"practice_q{number}" + ("@phone" if phone else "")
        problems += a11y.check(page, state, phone)
        page.screenshot(path=artifacts / f"a11y_{state.replace('@', '_')}.png", full_page=True)
    assert problems == [], "\n".join(problems)
