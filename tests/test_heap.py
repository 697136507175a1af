"""core/heap.py: freed tensor memory stays in the heap, and training's numbers are the same either way."""

import platform
import subprocess
import sys

import pytest

from core import heap
from tests.apptest import ROOT

RACE = (
    "import torch; torch.set_num_threads(1); from dataclasses import replace; from core.presets import PRESETS; "
    "from core.engine import Race; c = replace(PRESETS['Default'], seeds=2, epochs=20); print(Race(c).advance(20)[-1])"
)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_malloc_is_tuned_on_glibc():
    assert heap.keep_freed_blocks()  # Linux with glibc: CI and Community Cloud


def test_a_race_ends_with_the_same_numbers_with_and_without_the_tuning():
    untuned = RACE.replace("from core.engine", "import core.heap; core.heap.keep_freed_blocks = lambda: False; from core.engine")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
            for code in (RACE, untuned)]  # fmt: skip
    assert runs[0] == runs[1] and "epoch" in runs[0]
