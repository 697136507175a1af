"""Real browser: Start on the Default race → final frame drawn, and how many frames were drawn on the way.

python -m benchmarks.bench_browser [--quick] [--repeats N]   (prints; never gates)

Each run starts a fresh server and presses Start once, as a visitor would; targets are judged on the medians.
"""

import argparse
import statistics
import time

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, chromium_path, page_problems, streamlit_server, wait_until_idle

# Records every new progress text ("Epoch k of N · …") the page shows, with its time: one per drawn frame.
# The text already there (the idle page's preview of epoch 0) is not a frame.
WATCH_FRAMES = """() => {
  window.__frames = [];
  const progress = () => document.querySelector('[data-testid="stProgress"]')?.innerText ?? null;
  let last = progress();
  new MutationObserver(() => {
    const text = progress();
    if (text && text !== last) window.__frames.push({t: performance.now(), text});
    last = text ?? last;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def measure(epochs: int, browser) -> dict:
    """Seconds from the Start click to the final frame, frames drawn, frames per second (a Playwright browser)."""
    with streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{url}/loss_race?epochs={epochs}")
        wait_until_idle(page)
        page.evaluate(WATCH_FRAMES)
        clicked = page.evaluate("performance.now()")
        page.get_by_role("button", name="Start", exact=True).click()
        final = f"Epoch {epochs} of {epochs}"
        page.wait_for_function(f"window.__frames.some(f => f.text.startsWith('{final}'))", timeout=120_000)
        frames = page.evaluate("window.__frames")
        problems = page_problems(page)  # a frame that fails half-way still shows its progress text
        page.close()
    if problems:
        raise RuntimeError(f"the race page showed an error: {problems[0]}")
    done = next(f["t"] for f in frames if f["text"].startswith(final))
    drawn = [f for f in frames if f["t"] <= done]
    seconds = (done - clicked) / 1000
    return {"seconds": seconds, "frames": len(drawn), "fps": len(drawn) / seconds if seconds else float("nan")}


def report(epochs: int, results: list[dict], targets: bool) -> None:
    """Print each run, the medians, and PASS/MISS against the issue's targets (on the medians) for a full run."""
    for r in results:
        print(f"browser: Default race, {epochs} epochs: final frame {r['seconds']:.2f} s after Start, "
              f"{r['frames']} frames drawn ({r['fps']:.1f} per second)")  # fmt: skip
    seconds, fps = (statistics.median(r[key] for r in results) for key in ("seconds", "fps"))
    if len(results) > 1:
        print(f"median of {len(results)} runs: final frame {seconds:.2f} s, {fps:.1f} frames per second")
    if targets:
        print(f"target final frame <= 3 s: {'PASS' if seconds <= 3 else 'MISS'} ({seconds:.2f} s)")
        print(f"target >= 5 frames per second: {'PASS' if fps >= 5 else 'MISS'} ({fps:.1f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="40 epochs, one run, no targets: a smoke run")
    parser.add_argument("--repeats", type=int, default=5, help="runs, each on a fresh server (default 5)")
    args = parser.parse_args(argv)
    epochs, repeats = (40, 1) if args.quick else (300, args.repeats)
    t = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        report(epochs, [measure(epochs, browser) for _ in range(repeats)], targets=not args.quick)
        browser.close()
    print(f"(whole benchmark {time.perf_counter() - t:.1f} s, shared machine: compare runs, don't quote)")


if __name__ == "__main__":
    main()
