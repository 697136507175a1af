"""Training benchmarks that print ratios from one run: engine vs a plain PyTorch loop, eight seeds at once vs one by one."""

import argparse
import contextlib
import io
import os
import statistics
import tempfile
from dataclasses import replace

import torch

from benchmarks.first_visit import FIRST_VISIT_TARGET, bench_first_visits
from benchmarks.plain import train_plain
from benchmarks.timing import time_interleaved
from core import cli
from core.config import TORCH_THREADS, RunConfig
from core.engine import Race
from core.presets import PRESETS

# the targets (issue 13)
DEFAULT_SECONDS_TARGET = 0.2  # the Default race, every per-epoch metric included
DEFAULT_RATIO_TARGET = 0.7  # engine / plain loop, full batch
SEEDS_SPEEDUP_TARGET = 3.0  # eight sequential `--seeds 1` CLI races / one `--seeds 8`
MINIBATCH_RATIO_TARGET = 1.0  # engine / plain loop per sample, batch 32
SEEDS = 8
MINIBATCH = 32
APP_THREADS = TORCH_THREADS  # what ui/shell.py sets for the app


def train_engine(config: RunConfig) -> None:
    """The app's path: one Race trains every (loss, seed) run in lockstep."""
    Race(config).advance(config.epochs)


def cli_argv(config: RunConfig, out: str) -> list[str]:
    """`python -m core train` options spelling out every field of `config`."""
    argv = ["train", "--out", out]
    for field, value in config.to_dict().items():
        if field == "losses":
            argv += [part for name in value.split(",") for part in ("--loss", name)]
        else:
            argv += [f"--{field.replace('_', '-')}", value]
    return argv


def run_cli(configs: list[RunConfig]) -> None:
    """Each config through the CLI's main (parse, train, write CSV), one after another, in this process."""
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stderr(io.StringIO()):
        for k, config in enumerate(configs):
            assert cli.main(cli_argv(config, os.path.join(folder, f"{k}.csv"))) == 0


def describe(config: RunConfig) -> str:
    """One line naming the workload."""
    c = config
    batch = "full-batch" if c.batch_size == 0 else f"batch {c.batch_size}"
    return (
        f"{c.dataset} C={c.classes} N={c.samples}, hidden {c.hidden} {c.activation}, {c.optimizer} lr={c.lr} "
        f"momentum={c.momentum}, {c.epochs} {batch} epochs, losses {'+'.join(c.losses)}"
    )


def timing_line(label: str, times: list[float], cpu: list[float]) -> str:
    """`label  median X s  (best Y s, cpu Z s)`: wall times, and the median CPU time of this process."""
    return f"  {label:<40} {statistics.median(times):8.3f} s  (best {min(times):.3f} s, cpu {statistics.median(cpu):.3f} s)"


def ratio_line(label: str, wall: float, cpu: float) -> str:
    """`label  X.XXx  (cpu Y.YYx)`."""
    return f"  {label:<40} {wall:7.2f}x  (cpu {cpu:.2f}x)"


def verdict(ok: bool, text: str) -> str:
    """One summary line: PASS or MISS, then what was compared."""
    return f"  {'PASS' if ok else 'MISS'}  {text}"


def bench_vs_plain(label: str, config: RunConfig, repeats: int) -> tuple[float, float]:
    """Print engine vs plain loop on one config; return (engine median seconds, engine/plain ratio)."""
    print(f"{label}: {describe(config)}")
    cpu: dict[str, list[float]] = {}
    fns = {"engine": lambda: train_engine(config), "plain": lambda: train_plain(config)}
    times = time_interleaved(fns, repeats, cpu)
    engine, plain = statistics.median(times["engine"]), statistics.median(times["plain"])
    print(timing_line(f"engine  Race(config).advance({config.epochs})", times["engine"], cpu["engine"]))
    print(timing_line(f"plain   {len(config.losses)} x nn.Sequential + SGD loop", times["plain"], cpu["plain"]))
    print(ratio_line("ratio   engine/plain", engine / plain, statistics.median(cpu["engine"]) / statistics.median(cpu["plain"])))
    return engine, engine / plain


def bench_cli_seeds(config: RunConfig, repeats: int) -> float:
    """Print `--seeds 8` vs eight sequential `--seeds 1` CLI races; return the speed-up (sequential / together)."""
    together = [replace(config, seeds=SEEDS)]
    apart = [replace(config, seed=config.seed + k) for k in range(SEEDS)]  # seed k's data: same sizes and work
    print(f"[2] CLI, {SEEDS} seeds x {len(config.losses)} losses: {describe(config)}")
    cpu: dict[str, list[float]] = {}
    times = time_interleaved({"together": lambda: run_cli(together), "apart": lambda: run_cli(apart)}, repeats, cpu)
    fast, slow = statistics.median(times["together"]), statistics.median(times["apart"])
    print(timing_line(f"together  python -m core train --seeds {SEEDS}", times["together"], cpu["together"]))
    print(timing_line(f"apart     {SEEDS} x ... --seeds 1", times["apart"], cpu["apart"]))
    cpu_speedup = statistics.median(cpu["apart"]) / statistics.median(cpu["together"])
    print(ratio_line("speed-up  apart/together", slow / fast, cpu_speedup))
    return slow / fast


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and print a PASS/MISS summary; always returns 0 (benchmarks report, they don't gate)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_training", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: a smoke test, not a measurement")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats after the warm-up (default 5, [2] 3, quick 1)")
    parser.add_argument("--threads", type=int, default=APP_THREADS, help=f"torch threads (default {APP_THREADS}, as the app)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    seeds_repeats = args.repeats or (1 if args.quick else 3)  # one repeat of [2] trains 32 runs
    config = PRESETS["Default"]
    if args.quick:
        config = replace(config, samples=60, hidden=(8, 8), epochs=5)
    minibatch = replace(config, batch_size=MINIBATCH, epochs=max(1, config.epochs // 10))
    torch.set_num_threads(args.threads)
    source = "as ui/shell.py sets for the app" if args.threads == APP_THREADS else f"app uses {APP_THREADS}"
    print(f"Loss Lab training benchmarks ({'QUICK smoke sizes' if args.quick else 'full sizes'})")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads ({source}); median of {repeats} ([2]: {seeds_repeats}) after a warm-up"
    )
    engine, ratio = bench_vs_plain("[1] Default preset, engine vs plain PyTorch", config, repeats)
    speedup = bench_cli_seeds(config, seeds_repeats)
    _, mini_ratio = bench_vs_plain(f"[3] mini-batch {MINIBATCH}, engine vs plain PyTorch (same samples)", minibatch, repeats)
    visits = bench_first_visits(quick=args.quick)
    print("summary" + (" (quick sizes: smoke test only, verdicts are not meaningful)" if args.quick else ""))
    print(verdict(engine <= DEFAULT_SECONDS_TARGET, f"Default preset engine {engine:.3f} s <= {DEFAULT_SECONDS_TARGET} s"))
    print(verdict(ratio <= DEFAULT_RATIO_TARGET, f"Default preset engine/plain {ratio:.2f}x <= {DEFAULT_RATIO_TARGET}x"))
    print(verdict(speedup >= SEEDS_SPEEDUP_TARGET, f"CLI --seeds {SEEDS} speed-up {speedup:.2f}x >= {SEEDS_SPEEDUP_TARGET:g}x"))
    mini = f"mini-batch {MINIBATCH} engine/plain per sample {mini_ratio:.2f}x <= {MINIBATCH_RATIO_TARGET:g}x"
    print(verdict(mini_ratio <= MINIBATCH_RATIO_TARGET, mini))
    for script, seconds in visits.items():
        print(verdict(seconds <= FIRST_VISIT_TARGET, f"first visit {script} {seconds:.2f} s <= {FIRST_VISIT_TARGET:g} s"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
