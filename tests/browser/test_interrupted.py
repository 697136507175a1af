"""Real browser: Stop, navigation, Reset, double clicks and setting changes in the middle of training leave a consistent page."""

import re
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from tests.browser.server import ERROR_SELECTOR, page_problems, streamlit_server, wait_until_idle
from tests.browser.test_concurrency import assert_same_history, config_of, download_history

pytestmark = pytest.mark.browser

SLOW = {"epochs": "3000", "hidden": "64,64"}  # minutes in a browser: always interrupted mid-way
# Batches of 2: each epoch is ~800 optimizer steps (~0.5 s), longer than a rerun takes to reach the training loop.
CONTESTED = {"epochs": "300", "samples": "2000", "batch_size": "2", "hidden": "16", "lr": "0.05"}
CHANGES = 4  # setting changes while CONTESTED trains; each one reruns the page in the middle of an epoch
QUICK_EPOCHS = 30  # what a later Start trains, so it finishes in seconds
IDLE_PROGRESS = "not started: each loss from the same initial weights"  # the preview of epoch 0
STALE_INFO = "The runs below were trained with earlier settings."

# Every error or exception element that appears, however briefly: the next training tick draws over it.
WATCH_ERRORS = f"""() => {{
  window.__errors = new Set();
  new MutationObserver(() => {{
    for (const el of document.querySelectorAll('{ERROR_SELECTOR}')) window.__errors.add(el.innerText.slice(0, 300));
  }}).observe(document.body, {{subtree: true, childList: true, characterData: true}});
}}"""


@pytest.fixture(scope="module")
def url():
    with streamlit_server() as base:  # one server; each test's page is its own browser context, so its own session
        yield base


def problems(page) -> list[str]:
    """page_problems now, plus any error element seen since the page opened."""
    return page_problems(page) + page.evaluate("[...window.__errors]")


def button(page, name: str):
    """A page button (Streamlit's own header shows a "Stop" while a script runs)."""
    return page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=name, exact=True)


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def progress(page) -> tuple[int, int]:
    """(k, N) from the progress text "Epoch k of N · …"."""
    text = page.locator('[data-testid="stProgress"]').inner_text()
    k, n = re.search(r"Epoch (\d+) of (\d+)", text).groups()
    return int(k), int(n)


def wait_for_epoch(page, at_least: int, of: int, timeout_ms: int = 60_000) -> None:
    """Until the progress text reads "Epoch k of `of`" with k >= at_least."""
    page.wait_for_function(
        """([least, of]) => { const el = document.querySelector('[data-testid="stProgress"]');
                             const m = el && el.innerText.match(/Epoch (\\d+) of (\\d+)/);
                             return m && +m[1] >= least && +m[2] === of; }""",
        arg=[at_least, of],
        timeout=timeout_ms,
    )


def start_race(page, url: str, query: dict[str, str], after_epoch: int = 5) -> None:
    """Open the race page from a link, press Start and return once `after_epoch` is drawn."""
    config_of(query)  # raises if a resource cap rejects it (the page would quietly train its default instead)
    page.goto(f"{url}/loss_race?{urlencode(query)}")
    wait_until_idle(page)
    page.evaluate(WATCH_ERRORS)
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0, "the page ignored part of the link"
    button(page, "Start").click()
    wait_for_epoch(page, after_epoch, config_of(query).epochs)


def set_epochs(page, epochs: int) -> None:
    """Type into the sidebar's Epochs input; the page writes every valid setting back to the URL."""
    box = sidebar(page).get_by_label("Epochs", exact=True)
    box.fill(str(epochs))
    box.press("Enter")
    page.wait_for_url(re.compile(rf"[?&]epochs={epochs}(&|$)"))


def stop_mid_training(page, query: dict[str, str]) -> None:
    """Stop; the epoch shown, the history file and a k-epoch run of the CLI all agree, and nothing trains on."""
    button(page, "Stop").click()
    page.get_by_role("heading", name="Result").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert problems(page) == []
    k, n = progress(page)
    assert 0 < k < n == config_of(query).epochs, "Stop did not land mid-training"
    page.wait_for_timeout(1000)
    assert progress(page) == (k, n), "training went on after Stop"
    history = download_history(page)
    assert history["epoch"].max() == k  # the page shows what was trained, and the file holds exactly that
    assert_same_history(history, replace(config_of(query), epochs=k))  # k epochs of an N-epoch run = a k-epoch run


def start_quick_race_to_the_end(page, query: dict[str, str], epochs: int = QUICK_EPOCHS) -> None:
    """A later Start works: a few epochs of the link's settings, to the numbers `python -m core train` gives."""
    set_epochs(page, epochs)
    button(page, "Start").click()
    wait_for_epoch(page, epochs, epochs)  # a Result left from before may still show
    page.get_by_role("heading", name="Result").first.wait_for()
    wait_until_idle(page)
    assert problems(page) == []
    assert progress(page) == (epochs, epochs)
    assert_same_history(download_history(page), config_of({**query, "epochs": str(epochs)}))


def test_stop_mid_training_keeps_what_was_trained(page, url):
    start_race(page, url, SLOW)
    stop_mid_training(page, SLOW)
    start_quick_race_to_the_end(page, SLOW)


def test_navigating_away_and_back_mid_training(page, url):
    start_race(page, url, SLOW)
    left_at = progress(page)[0]
    sidebar(page).get_by_text("Theory: one neuron").click()
    page.get_by_role("heading", name="Theory: one neuron", exact=False).first.wait_for()
    wait_until_idle(page)
    assert problems(page) == []
    sidebar(page).get_by_text("Loss race").click()
    wait_for_epoch(page, left_at + 1, config_of(SLOW).epochs)  # the same race carries on (no idle wait: it trains)
    assert problems(page) == []
    epochs = sidebar(page).get_by_label("Epochs", exact=True).input_value()
    assert epochs == SLOW["epochs"], "the settings did not survive the trip"
    assert "Fix this setting" not in page.inner_text("body")
    start_quick_race_to_the_end(page, SLOW)


def test_reset_mid_training_returns_to_idle(page, url):
    start_race(page, url, SLOW)
    button(page, "Reset").click()
    page.get_by_text(IDLE_PROGRESS).wait_for(timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(1000)  # a training tick left running would redraw the progress bar
    assert problems(page) == []
    assert page.locator('[data-testid="stProgress"]').inner_text().startswith(f"Epoch 0 of {SLOW['epochs']} · {IDLE_PROGRESS}")
    assert page.get_by_role("heading", name="Result").count() == 0
    assert button(page, "Stop").is_disabled()
    start_quick_race_to_the_end(page, SLOW)


def test_double_click_on_start_gives_one_clean_run(page, url):
    query = {"epochs": "40", "samples": "300", "hidden": "16"}
    page.goto(f"{url}/loss_race?{urlencode(query)}")
    wait_until_idle(page)
    page.evaluate(WATCH_ERRORS)
    button(page, "Start").dblclick()
    page.get_by_role("heading", name="Result").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert problems(page) == []
    assert progress(page) == (40, 40)
    assert_same_history(download_history(page), config_of(query))


def test_changing_a_setting_mid_training_keeps_the_old_runs_until_start(page, url):
    start_race(page, url, CONTESTED, after_epoch=1)
    total = config_of(CONTESTED).epochs
    for epochs in range(total - 1, total - 1 - CHANGES, -1):  # each change reruns the page while the fragment trains
        set_epochs(page, epochs)
    page.get_by_text(STALE_INFO).wait_for(timeout=60_000)  # no idle wait: the started race is still training
    assert problems(page) == []
    assert progress(page)[1] == total  # what is drawn is still the race that was started
    stop_mid_training(page, CONTESTED)
    start_quick_race_to_the_end(page, CONTESTED, epochs=3)
    assert STALE_INFO not in page.inner_text("body")
