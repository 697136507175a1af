"""Screenshot pages for a human look: python -m tests.browser.shoot /theory /loss_race ..."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, chromium_path, page_problems, streamlit_server, wait_until_idle

OUT = Path(__file__).resolve().parents[1] / "artifacts"

if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    with streamlit_server() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        for path in sys.argv[1:] or ["/"]:
            page.goto(url + path)
            wait_until_idle(page)
            name = path.strip("/").replace("/", "_").split("?")[0] or "home"
            page.screenshot(path=OUT / f"{name}.png", full_page=True)
            print(path, "->", OUT / f"{name}.png", page_problems(page))
        browser.close()
