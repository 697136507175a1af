"""Real browser: the nastiest links show a warning naming what was ignored, no error, no script run; screenshots."""

from urllib.parse import urlencode

import pytest

from tests.browser.server import page_problems, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
WARNING = '[data-testid="stAlertContentWarning"]'
LINKS = {
    "race": ("loss_race", {"lr": "nan", "epochs": "1e999", "hidden": SCRIPT, "noise": "**bold**", "losses": ":red[x]", IMG: "1"}),
    "tour": ("tour", {"step": SCRIPT, "presenter": IMG}),
    "misuse": ("misuse_lab", {"dtype": "float8", "gap": "1e999", "classes": "-1", "lr": "inf", "seeds": "$x$"}),
    "theory": ("theory", {"x": "1", "z": "x" * 10_000, SCRIPT: "1"}),
}


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


def open_link(page, url: str) -> list[str]:
    """Go to the link and wait for the run to finish; return the messages of any dialog it opened."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    wait_until_idle(page)
    return dialogs


@pytest.mark.parametrize("name", list(LINKS))
def test_nasty_link_shows_a_warning(name, server, page, artifacts):
    """No error element, no dialog, and a visible warning naming every key, markup shown as text."""
    path, query = LINKS[name]
    dialogs = open_link(page, f"{server}/{path}?{urlencode(query)}")
    assert page_problems(page) == [] and dialogs == []
    warnings = page.locator(WARNING)
    assert warnings.first.is_visible()
    text = " ".join(warnings.all_inner_texts())
    assert [key for key in query if key[:40] not in text] == [], text[:2000]
    page.screenshot(path=artifacts / f"bad_input_{name}.png", full_page=True)


def test_markdown_in_a_link_is_shown_as_typed(server, page, artifacts):
    """[Sign in](url) or ![x](url) in a key or value is shown as typed: no disguised link, no image fetched from elsewhere."""
    link, image = "[Sign in](https://evil.example/x)", "![x](https://evil.example/x.png)"
    dialogs = open_link(page, f"{server}/loss_race?{urlencode({'lr': link, link: '1', 'noise': image})}")
    assert page_problems(page) == [] and dialogs == []
    page.screenshot(path=artifacts / "bad_input_markdown.png")
    links = page.locator(f"{WARNING} a").evaluate_all("links => links.map(a => [a.innerText, a.href])")
    assert [(text, href) for text, href in links if text not in href] == []
    assert page.locator(f"{WARNING} img").count() == 0
    text = " ".join(page.locator(WARNING).all_inner_texts())
    assert (text.count(link), text.count(image)) == (2, 1), text
