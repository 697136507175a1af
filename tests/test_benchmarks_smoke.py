"""The benchmarks cannot rot: `--quick` runs every measurement and prints each ratio and a verdict per target."""

import re

import torch

from benchmarks.bench_training import main

TIME = r"\d+\.\d{3} s  \(best \d+\.\d{3} s, cpu \d+\.\d{3} s\)"
EXPECTED_LINES = [
    r"^torch .*, 1 threads \(as ui/shell\.py sets for the app\); median of 1 \(\[2\]: 1\) after a warm-up$",
    r"^\[1\] Default preset, engine vs plain PyTorch: spirals C=3 N=60, .* 5 full-batch epochs, losses ce\+mse$",
    rf"^  engine  Race\(config\)\.advance\(5\) +{TIME}$",
    rf"^  plain   2 x nn\.Sequential \+ SGD loop +{TIME}$",
    r"^  ratio   engine/plain +\d+\.\d\dx  \(cpu \d+\.\d\dx\)$",
    r"^\[2\] CLI, 8 seeds x 2 losses: ",
    rf"^  together  python -m core train --seeds 8 +{TIME}$",
    rf"^  apart     8 x \.\.\. --seeds 1 +{TIME}$",
    r"^  speed-up  apart/together +\d+\.\d\dx  \(cpu \d+\.\d\dx\)$",
    r"^\[3\] mini-batch 32, engine vs plain PyTorch \(same samples\): .* 1 batch 32 epochs",
    r"^\[4\] first visits, fresh process per page, after the home page \(AppTest server time\)$",
    r"^  pages/1_theory\.py +\d+\.\d\d s  \(cpu \d+\.\d\d s; home first \d+\.\d\d s\)$",
    r"^  (PASS|MISS)  Default preset engine \d+\.\d{3} s <= 0\.2 s$",
    r"^  (PASS|MISS)  Default preset engine/plain \d+\.\d\dx <= 0\.7x$",
    r"^  (PASS|MISS)  CLI --seeds 8 speed-up \d+\.\d\dx >= 3x$",
    r"^  (PASS|MISS)  mini-batch 32 engine/plain per sample \d+\.\d\dx <= 1x$",
    r"^  (PASS|MISS)  first visit pages/1_theory\.py \d+\.\d\d s <= 1 s$",
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
