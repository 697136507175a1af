"""Open the race page, press Start, wait for the result, screenshot: python -m tests.browser.race_run [query]"""

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, chromium_path, page_problems, streamlit_server, wait_until_idle

OUT = Path(__file__).resolve().parents[1] / "artifacts"

if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    query = sys.argv[1] if len(sys.argv) > 1 else ""
    with streamlit_server() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(f"{url}/loss_race{query}")
        wait_until_idle(page)
        t = time.perf_counter()
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("heading", name="Result").wait_for(timeout=120000)
        print("result after", round(time.perf_counter() - t, 2), "s")
        wait_until_idle(page)
        page.screenshot(path=OUT / "race_done.png", full_page=True)
        print(page_problems(page))
        browser.close()
