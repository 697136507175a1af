"""benchmarks/bench_memory.py --quick starts the server, opens one page and prints its memory lines."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.server import require_chromium

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser

EXPECTED_LINES = [
    r"^memory: streamlit server pid \d+, resident set \(VmRSS\) of it and its children$",
    r"^  at start +\d+\.\d MB  \(the app.s imports load with the first session\)$",
    r"^  after the home page +\d+\.\d MB$",
    r"^\(whole benchmark \d+\.\d s\)$",
]


def test_quick_run_prints_the_memory_lines():
    require_chromium()
    # its own process: Playwright's sync API cannot start while the browser tests' session Playwright runs
    command = [sys.executable, "-m", "benchmarks.bench_memory", "--quick"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True).stdout
    for pattern in EXPECTED_LINES:
        assert re.search(pattern, out, re.MULTILINE), f"missing line {pattern!r} in:\n{out}"
    figures = [float(mb) for mb in re.findall(r"(\d+\.\d) MB", out)]
    assert 0 < figures[0] < figures[1]  # a process was measured, and the page's imports (torch) show up
