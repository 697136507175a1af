"""The README's pictures exist, and `python -m tests.browser.shoot --docs` regenerates every file in docs/."""

import re
from pathlib import Path

from tests.browser.shoot import DOC_SHOTS, DOCS
from ui.shell import PAGES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_every_picture_the_readme_shows_exists():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README)
    assert pictures, "the README shows no picture"
    assert [p for p in pictures if not (ROOT / p).is_file()] == []


def test_the_docs_command_makes_every_file_in_docs_and_the_readme_shows_each():
    made = [shot.file for shot in DOC_SHOTS]
    assert len(made) == len(set(made))
    assert sorted(made) == sorted(p.name for p in DOCS.iterdir())
    assert [f for f in made if f"](docs/{f})" not in README] == []
    assert "python -m tests.browser.shoot --docs" in README


def test_the_docs_pictures_open_real_pages():
    routes = {""} | {re.sub(r"^\d+_", "", p.script.removeprefix("pages/").removesuffix(".py")) for p in PAGES}
    assert [s.path for s in DOC_SHOTS if s.path.strip("/").split("?")[0] not in routes] == []
