"""benchmarks/bench_memory.py --quick starts the server, opens one page and prints its memory lines."""

import os
import re

import pytest

from tests.browser.server import chromium_path

pytestmark = pytest.mark.browser

EXPECTED_LINES = [
    r"^memory: streamlit server pid \d+, resident set \(VmRSS\) of it and its children$",
    r"^  at start +\d+\.\d MB  \(the app.s imports load with the first session\)$",
    r"^  after the home page +\d+\.\d MB$",
    r"^\(whole benchmark \d+\.\d s\)$",
]


def test_quick_run_prints_the_memory_lines(capsys):
    if chromium_path() is None and os.environ.get("CI") != "true":  # the browser tests' rule (tests/browser/conftest.py)
        pytest.skip("no Chromium found at /usr/bin/chromium: apt-get install -y chromium")
    from benchmarks import bench_memory

    assert bench_memory.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for pattern in EXPECTED_LINES:
        assert re.search(pattern, out, re.MULTILINE), f"missing line {pattern!r} in:\n{out}"
    figures = [float(mb) for mb in re.findall(r"(\d+\.\d) MB", out)]
    assert 0 < figures[0] < figures[1]  # a process was measured, and the page's imports (torch) show up
