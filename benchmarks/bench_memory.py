"""Server memory: resident MB at start, after a full tour with training, with 4 sessions training, after they close.

python -m benchmarks.bench_memory [--quick]   (prints; never gates)
"""

import argparse
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_until_idle

TOUR = ["", "theory", "loss_race", "per_sample_gradients", "misuse_lab", "when_mse_is_fine", "tour"]
TRAINED = {"loss_race", "misuse_lab"}  # pages where the tour presses Start and waits for the last epoch
TOUR_STEPS = 7
SESSIONS = 4
# After the sessions close: how long to wait for memory to come back. Streamlit keeps a closed session's state for
# server.disconnectedSessionTTL (120 s) in case it reconnects, and freed heap is seldom handed back to the OS.
SETTLE_SECONDS = 30
TARGETS = {"after one full tour": 600, f"peak with {SESSIONS} sessions": 1000, "after the sessions end": 700}
FINISHED = r"/Epoch (\d+) of \1 /.test(document.querySelector('[data-testid=\"stProgress\"]')?.innerText ?? '')"


def server_pids(port: int) -> list[int]:
    """The `streamlit run` process serving this port and its descendants (psutil is not a dependency: /proc)."""
    parents, root = {}, None
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            if f"--server.port\0{port}\0" in (proc / "cmdline").read_text():
                root = int(proc.name)
        except (OSError, ValueError):
            continue  # exited while we looked
    if root is None:
        raise RuntimeError(f"no streamlit process serves port {port}")
    pids = [root]
    for pid in pids:  # breadth first: pids grows while we walk it
        pids += [child for child, parent in parents.items() if parent == pid]
    return pids


def rss_mb(pids: list[int]) -> float:
    """Resident set (VmRSS) summed over the processes, in MB."""
    total_kb = 0
    for pid in pids:
        try:
            line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
            total_kb += int(line.split()[1])
        except (OSError, StopIteration):
            continue
    return total_kb / 1024


def open_page(context, url: str, path: str):
    page = context.new_page()
    page.goto(f"{url}/{path}")
    wait_until_idle(page, timeout_ms=180_000)
    return page


def press(page, name: str) -> None:
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=name, exact=True).click()


def train_to_end(page) -> None:
    """Start, then wait for the progress text "Epoch N of N"."""
    press(page, "Start")
    page.wait_for_function(FINISHED, timeout=300_000, polling=500)
    wait_until_idle(page, timeout_ms=60_000)


def full_tour(browser, url: str, paths: list[str]) -> None:
    """One visitor: every page by deep link, training where there is a Start, every tour step."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    for path in paths:
        page = open_page(context, url, path)
        if path in TRAINED:
            train_to_end(page)
        if path == "tour":
            for step in range(2, TOUR_STEPS + 1):
                press(page, "Next")
                page.get_by_text(f"Step {step} of {TOUR_STEPS}").wait_for(timeout=180_000)
                wait_until_idle(page, timeout_ms=180_000)
    context.close()


def concurrent_sessions(browser, url: str, pids: list[int]) -> tuple[float, list]:
    """SESSIONS visitors train the Default race at once; the peak MB while they train, and their open contexts."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1600}) for _ in range(SESSIONS)]
    pages = [open_page(context, url, "loss_race") for context in contexts]
    for page in pages:
        press(page, "Start")
    peak, deadline = rss_mb(pids), time.monotonic() + 600
    while not all(page.evaluate(FINISHED) for page in pages) and time.monotonic() < deadline:
        time.sleep(0.5)
        peak = max(peak, rss_mb(pids))
    return peak, contexts


def after_close(contexts: list, pids: list[int]) -> float:
    """Close the sessions; the lowest MB seen over SETTLE_SECONDS (memory freed late still counts)."""
    for context in contexts:
        context.close()
    low, deadline = rss_mb(pids), time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(1)
        low = min(low, rss_mb(pids))
    return low


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="start and the home page only, no targets: a smoke run")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    with streamlit_server() as url, sync_playwright() as pw:
        pids = server_pids(urlparse(url).port)
        print(f"memory: streamlit server pid {pids[0]}, resident set (VmRSS) of it and its children")
        print(f"  at start                 {rss_mb(pids):7.1f} MB  (the app's imports load with the first session)")
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        if args.quick:
            full_tour(browser, url, [""])
            print(f"  after the home page      {rss_mb(pids):7.1f} MB")
        else:
            full_tour(browser, url, TOUR)
            figures = {"after one full tour": rss_mb(pids)}
            print(f"  after one full tour      {figures['after one full tour']:7.1f} MB  (every page, 2 trained, 7 tour steps)")  # fmt: skip
            peak, contexts = concurrent_sessions(browser, url, pids)
            figures[f"peak with {SESSIONS} sessions"] = peak
            print(f"  peak with {SESSIONS} sessions     {peak:7.1f} MB  (each trains the Default race)")
            print(f"  {SESSIONS} sessions finished     {rss_mb(pids):7.1f} MB")
            figures["after the sessions end"] = after_close(contexts, pids)
            print(f"  after the sessions end   {figures['after the sessions end']:7.1f} MB  (lowest within {SETTLE_SECONDS} s of closing)")  # fmt: skip
            for name, target in TARGETS.items():
                print(f"  {'PASS' if figures[name] <= target else 'MISS'}  {name} {figures[name]:.0f} MB <= {target} MB")
        browser.close()
    print(f"(whole benchmark {time.perf_counter() - t:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
