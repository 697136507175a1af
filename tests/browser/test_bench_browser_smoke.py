"""The browser benchmark cannot rot: its --quick mode runs end to end and prints its measurement line."""

import re

import pytest

from benchmarks.bench_browser import main
from tests.browser.server import require_chromium

pytestmark = pytest.mark.browser


def test_quick_run_prints_frames_and_time(capsys):
    require_chromium()
    main(["--quick"])
    out = capsys.readouterr().out
    assert re.search(r"^browser: Default race, 40 epochs: final frame \d+\.\d\d s after Start, \d+ frames drawn", out, re.M)
