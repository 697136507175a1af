"""Four browser sessions train four different races on one server at once; each gets exactly its own numbers."""

from io import StringIO
from urllib.parse import urlencode

import pandas as pd
import pytest
import torch

from core import cli
from core.config import RunConfig
from core.presets import PRESETS
from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser

# Different data, losses, seeds, widths, optimisers and batching, so a crossed wire shows in the numbers;
# long enough that each is still training when the last one starts: ~3.5 s of one core together, however fast a
# lone race is paced (clicks on a loaded CI machine came up to 3 s apart, more than a 2 s paced race).
QUERIES = [
    {"epochs": "900", "samples": "2000", "hidden": "16"},
    {"epochs": "720", "dataset": "moons", "classes": "2", "losses": "bce,mse-sigmoid", "seed": "3", "hidden": "8",
     "samples": "2000"},
    {"epochs": "300", "dataset": "blobs", "classes": "4", "losses": "ce,mse,mae", "seed": "7", "optimizer": "adam",
     "lr": "0.01", "batch_size": "64", "samples": "400"},
    {"epochs": "750", "dataset": "circles", "classes": "2", "losses": "ce,mse-logits", "seeds": "2", "seed": "11",
     "activation": "relu", "hidden": "16,16", "samples": "2000"},
]  # fmt: skip


# Records the wall-clock time of every progress text ("Epoch k of N · …") the page draws.
WATCH_PROGRESS = """() => {
  window.__frames = [];
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="stProgress"]');
    const text = el ? el.innerText : null;
    if (text && window.__frames.at(-1)?.text !== text) window.__frames.push({t: Date.now(), text});
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def config_of(query: dict[str, str]) -> RunConfig:
    """What the race page trains for a link: the Default preset overridden by the query."""
    return RunConfig.from_dict({**PRESETS["Default"].to_dict(), **query})


def expected_history(config: RunConfig) -> pd.DataFrame:
    """`python -m core train` for this config alone, read back as CSV like the download."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the server does (ui/shell.py), so float reductions run in the same order
    try:
        return pd.read_csv(StringIO(cli.run(config, "train").to_csv(index=False)))
    finally:
        torch.set_num_threads(threads)


def download_history(page) -> pd.DataFrame:
    """The page's "Download history (CSV)" file, parsed."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download history (CSV)").click()
    return pd.read_csv(download.value.path())


def training_span(page, epochs: int) -> tuple[int, int]:
    """Wall-clock ms of the first mid-training frame and of the final frame this page drew."""
    frames = page.evaluate("window.__frames")
    first = next(f["t"] for f in frames if not f["text"].startswith(("Epoch 0 of", f"Epoch {epochs} of")))
    return first, next(f["t"] for f in frames if f["text"].startswith(f"Epoch {epochs} of"))


def assert_same_history(got: pd.DataFrame, config: RunConfig) -> None:
    pd.testing.assert_frame_equal(got, expected_history(config), check_exact=False, rtol=1e-6, atol=1e-9)


def test_four_sessions_train_at_once_and_each_gets_its_own_runs(browser, artifacts):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1600}) for _ in QUERIES]
    try:
        with streamlit_server() as url:
            pages = [context.new_page() for context in contexts]
            for page, query in zip(pages, QUERIES):
                page.goto(f"{url}/loss_race?{urlencode(query)}")
            for page in pages:
                wait_until_idle(page)
                page.evaluate(WATCH_PROGRESS)
            for page in pages:  # back to back, so all four train at the same time
                page.get_by_role("button", name="Start", exact=True).click(no_wait_after=True)
            for page in pages:
                page.get_by_role("heading", name="Result").first.wait_for(timeout=180_000)
            spans = [training_span(page, config_of(query).epochs) for page, query in zip(pages, QUERIES)]
            assert max(first for first, _ in spans) < min(last for _, last in spans), f"not all trained at once: {spans}"
            for i, (page, query) in enumerate(zip(pages, QUERIES)):
                wait_until_idle(page)
                config = config_of(query)
                assert page_problems(page) == [], f"session {i}"
                assert f"Epoch {config.epochs} of {config.epochs}" in page.inner_text("body")
                history = download_history(page)
                runs = set(zip(history["run"], history["seed"]))
                assert runs == set(config.runs), f"session {i} shows another session's runs: {runs}"
                assert_same_history(history, config)
                page.screenshot(path=artifacts / f"concurrent_{i}.png")
    finally:
        for context in contexts:
            context.close()
