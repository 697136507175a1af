"""The benchmarks cannot rot: `--quick` runs every measurement and prints each ratio and a verdict per target."""

import re

import torch

from benchmarks.bench_training import main

EXPECTED_LINES = [
    r"^torch .*, 1 threads \(as ui/shell\.py sets for the app\); median of 1 \(\[2\]: 1\) after a warm-up$",
    r"^\[1\] Default preset, engine vs plain PyTorch: spirals C=3 N=60, .* 5 full-batch epochs, losses ce\+mse$",
    r"^  engine  Race\(config\)\.advance\(5\) +\d+\.\d{3} s  \(best \d+\.\d{3} s\)$",
    r"^  plain   2 x nn\.Sequential \+ SGD loop +\d+\.\d{3} s  \(best \d+\.\d{3} s\)$",
    r"^  ratio   engine/plain +\d+\.\d\dx$",
    r"^\[2\] 8 seeds x 2 losses = 16 runs: ",
    r"^  vectorized  one Race, seeds=8 +\d+\.\d{3} s",
    r"^  one by one  16 single-run Races +\d+\.\d{3} s",
    r"^  speed-up    one-by-one/vectorized +\d+\.\d\dx$",
    r"^  (PASS|MISS)  Default preset engine \d+\.\d{3} s <= 0\.5 s \(engine/plain \d+\.\d\dx\)$",
    r"^  (PASS|MISS)  vectorized seeds speed-up \d+\.\d\dx >= 2x$",
]


def test_quick_run_prints_every_ratio_and_verdict(capsys):
    threads = torch.get_num_threads()
    try:
        assert main(["--quick"]) == 0  # the app's thread count (core.config.TORCH_THREADS)
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    for pattern in EXPECTED_LINES:
        assert re.search(pattern, out, re.MULTILINE), f"missing line {pattern!r} in:\n{out}"
