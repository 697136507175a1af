"""Browser fixtures: skip without Chromium outside CI; with CI=true a missing browser fails."""

from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM_ARGS, require_chromium, streamlit_server

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def browser():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def server():
    """One server for a whole test module whose tests do not need a cold one: its base URL."""
    with streamlit_server() as url:
        yield url
