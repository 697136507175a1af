"""First visits: each page's server time on a fresh process, after the home page (AppTest, as tests/apptest.py runs pages)."""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_VISIT_TARGET = 1.0  # seconds of server time for a page's first visit at its defaults (issue 13)
TOUR_STEPS = 6  # Next, six times: every one of the seven steps
PRACTICE_ANSWERS = 10  # "Show the answer" on each of the Practice page's questions, each computed on reveal


def visit(script: str, steps: int = 0) -> dict[str, float]:
    """Home page, then `script` once (then `steps` of the tour's Next, or of Practice's answers): wall seconds of each
    run, and the page's CPU seconds (this process: the server's; a busy shared machine stretches wall time, much less
    CPU time)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    start = time.perf_counter()
    at.run()
    times = {"home": time.perf_counter() - start}
    at.switch_page(script)
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    times["page"], times["page cpu"] = time.perf_counter() - start, time.process_time() - cpu
    assert not at.exception, at.exception
    practice = "practice" in script
    for step in range(steps):
        if practice and step:
            at.button(key="practice.next").click().run()
        start, cpu = time.perf_counter(), time.process_time()
        at.button(key=f"practice.show.{step + 1}" if practice else "tour.next").click().run()
        name = f"answer {step + 1}" if practice else f"step {step + 2}"
        times[name], times[f"{name} cpu"] = time.perf_counter() - start, time.process_time() - cpu
        assert not at.exception, at.exception
    return times


def visit_fresh(script: str, steps: int = 0) -> dict[str, float]:
    """`visit` in a new Python process: a freshly started server's first visit."""
    code = f"import json; from benchmarks.first_visit import visit; print(json.dumps(visit({script!r}, {steps})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"{script}: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pages() -> list[str]:
    """Every page but home, in the navigation's order."""
    sys.path.insert(0, str(ROOT))
    from ui.shell import PAGES

    return [page.script for page in PAGES if page.script != "app.py"]


def bench_first_visits(quick: bool = False) -> dict[str, float]:
    """Print one row per page (with its tour steps or Practice answers); return the slowest server time of each page's visit."""
    print("[4] first visits, fresh process per page, after the home page (AppTest server time)")
    worst = {}
    for script in pages()[:1] if quick else pages():
        times = visit_fresh(script, TOUR_STEPS if "tour" in script else PRACTICE_ANSWERS if "practice" in script else 0)
        steps = {k: v for k, v in times.items() if k.startswith(("step", "answer")) and not k.endswith("cpu")}
        extra = "".join(f", {k} {v:.2f} s (cpu {times[k + ' cpu']:.2f})" for k, v in steps.items())
        print(f"  {script:<36} {times['page']:6.2f} s  (cpu {times['page cpu']:.2f} s; home first {times['home']:.2f} s{extra})")
        shown = steps if "tour" in script else {}  # a tour step is a visit; a Practice answer is a click's response
        worst[script] = max([times["page"], *shown.values()])
    return worst
