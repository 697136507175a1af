"""A changed setting that needs training: how soon a moving indicator shows, and the longest it then stands still.

python -m benchmarks.progress [--root DIR] [--repeats N]   (prints PASS/MISS; never gates)

Real browser, fresh server: the per-sample page at its defaults, then the sidebar's Epochs changed to 1500 (ten times
the default: seconds of training, in no cache yet). Times are from the Enter key, in the page's own clock; `--root`
measures another copy of the app (an older commit, say) with this same code.
"""

import argparse
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser import server

INDICATOR_TARGET = 0.5  # s from the change to a visible indicator (issue 13)
EPOCHS = 1500
INDICATORS = '[data-testid="stProgress"], [data-testid="stSpinner"]'  # a progress bar, or st.spinner / a cache spinner

# Every change of what the indicators show, with its time: when one first shows, each move of it, and when it goes.
WATCH = f"""() => {{
  window.__seen = [];
  const shown = () => [...document.querySelectorAll('{INDICATORS}')].filter(e => e.checkVisibility())
      .map(e => e.innerText + (e.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? '')).join('|');
  let last = shown();
  new MutationObserver(() => {{
    const now = shown();
    if (now !== last) window.__seen.push({{t: performance.now(), what: now}});
    last = now;
  }}).observe(document.body, {{subtree: true, childList: true, characterData: true, attributes: true}});
}}"""


def measure(browser) -> dict[str, float]:
    """Seconds from Enter to the first indicator, the longest it then stood still (a spinner turns by itself, so all its
    life counts), and to its last change (the training done)."""
    with server.streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{url}/per_sample_gradients")
        server.wait_until_idle(page, 180_000)
        epochs = page.get_by_test_id("stSidebar").get_by_label("Epochs", exact=True)
        epochs.fill(str(EPOCHS))
        page.evaluate(WATCH)
        pressed = page.evaluate("performance.now()")
        epochs.press("Enter")
        page.wait_for_timeout(300)
        server.wait_until_idle(page, 180_000)
        seen = page.evaluate("window.__seen")
        page.close()
    times = [(s["t"] - pressed) / 1000 for s in seen]
    shows = [t for t, s in zip(times, seen) if s["what"]]
    if not shows:
        return {"first": float("inf"), "still": float("inf"), "trained": max(times, default=0.0)}
    moves = [t for t in times if t >= shows[0]]
    return {"first": shows[0], "still": max(b - a for a, b in zip(moves, moves[1:])) if len(moves) > 1 else 0.0,
            "trained": moves[-1]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.progress", description=__doc__)
    parser.add_argument("--root", type=Path, default=server.ROOT, help="the app to serve (default: this one)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    server.ROOT = args.root.resolve()  # streamlit_server runs `streamlit run app.py` there
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=server.chromium_path(), args=server.CHROMIUM_ARGS)
        runs = [measure(browser) for _ in range(args.repeats)]
        browser.close()
    first, still, trained = (statistics.median(r[k] for r in runs) for k in ("first", "still", "trained"))
    verdict = "PASS" if first <= INDICATOR_TARGET else "MISS"
    print(f"[progress] {server.ROOT.name}: indicator after {first:.2f} s (target ≤ {INDICATOR_TARGET} s) {verdict}; "
          f"then still for at most {still:.2f} s; gone after {trained:.2f} s (medians of {len(runs)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
