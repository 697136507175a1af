"""Running pages under AppTest the way the server does: app.py is the entrypoint, pages are switched to."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(script: str, timeout: float = 120, session: dict | None = None, **query) -> AppTest:
    """Run `script` (a pages/ file or app.py) once, with query parameters (a list repeats a key) and session state."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if script != "app.py":
        at.switch_page(script)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def train_to_end(at: AppTest, page: str, ticks: int = 300) -> AppTest:
    """Press a live page's Start, then rerun (one fragment tick each) until its training stops."""
    at.button(key=f"{page}.start").click().run()
    for _ in range(ticks):
        if not at.session_state[f"{page}.live"].training:
            break
        at.run()
    assert not at.exception, at.exception
    return at
