"""Screenshots: `python -m tests.browser.shoot /theory /loss_race ...` for a human look (tests/artifacts/), and
`python -m tests.browser.shoot --docs` to regenerate every picture in docs/ (the README's)."""

import sys
from dataclasses import dataclass
from pathlib import Path

from tests.browser.server import CHROMIUM_ARGS, chromium_path, page_problems, streamlit_server, wait_until_idle

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "artifacts"
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Shot:
    """One picture in docs/: a page opened by its link, controls clicked in turn, the first screen of it."""

    file: str
    path: str
    clicks: tuple[tuple[str, str], ...] = ()  # (ARIA role, accessible name) of each control to click; role "text": a label
    height: int = 1000


DOC_SHOTS = [
    Shot("home.png", "/"),
    Shot("theory.png", "/theory"),
    Shot("practice.png", "/practice?q=6", (("text", "helps partly"), ("button", "Check my answer")), height=1300),
    Shot("tour.png", "/tour?step=4", height=760),
]


def shoot(browser, url: str, shot: Shot, out: Path, full_page: bool = False) -> list[str]:
    """Take one picture; return the error elements the page showed."""
    page = browser.new_page(viewport={"width": 1400, "height": shot.height})
    page.goto(url + shot.path)
    wait_until_idle(page, 180_000)
    for role, name in shot.clicks:
        (page.get_by_text(name) if role == "text" else page.get_by_role(role, name=name)).click()
        page.wait_for_timeout(500)  # the rerun starts: until then the page reads as idle
        wait_until_idle(page, 180_000)
    page.screenshot(path=out, full_page=full_page)
    problems = page_problems(page)
    page.close()
    return problems


def main(args: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    docs = args == ["--docs"]
    shots = (
        DOC_SHOTS
        if docs
        else [Shot(path.strip("/").replace("/", "_").split("?")[0] or "home", path, height=2400) for path in args or ["/"]]
    )
    OUT.mkdir(exist_ok=True)
    failed = False
    with streamlit_server() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for shot in shots:
            out = DOCS / shot.file if docs else OUT / f"{shot.file}.png"
            problems = shoot(browser, url, shot, out, full_page=not docs)
            failed |= bool(problems)
            print(shot.path, "->", out, problems)
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
