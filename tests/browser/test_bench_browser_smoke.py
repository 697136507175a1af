"""The browser benchmark cannot rot: its measurement runs end to end in quick size and prints its line."""

import re

import pytest

from benchmarks.bench_browser import measure, report

pytestmark = pytest.mark.browser


def test_quick_run_prints_frames_and_time(browser, capsys):  # the session's browser: one Playwright per process
    report(40, [measure(40, browser)], targets=False)
    out = capsys.readouterr().out
    assert re.search(r"^browser: Default race, 40 epochs: final frame \d+\.\d\d s after Start, \d+ frames drawn", out, re.M)
