"""Training benchmarks that print ratios from one run: engine vs a plain PyTorch loop, vectorized vs one-by-one seeds."""

import argparse
import statistics
from dataclasses import replace

import torch
from torch import nn

from benchmarks.timing import time_interleaved
from core.config import TORCH_THREADS, RunConfig
from core.engine import Race, load_dataset
from core.presets import PRESETS

DEFAULT_SECONDS_TARGET = 0.5  # the target: the Default preset trains in at most 0.5 s on this machine
SPEEDUP_TARGET = 2.0  # the target: 8 seeds x 2 losses together at least 2x faster than one after another
SEEDS = 8
APP_THREADS = TORCH_THREADS  # what ui/shell.py sets for the app
PLAIN_LOSSES = {"ce", "mse"}


def train_engine(config: RunConfig) -> None:
    """The app's path: one Race trains every (loss, seed) run in lockstep."""
    Race(config).advance(config.epochs)


def train_one_at_a_time(config: RunConfig) -> None:
    """The same runs as `train_engine`, each alone in its own single-run Race."""
    # A Race draws its data from config.seed, so seed s here trains on seed s's dataset, whereas the vectorized
    # Race shares config.seed's data across seeds: same sizes and work, so fine for timing (not for comparing results).
    for k in range(config.seeds):
        for loss in config.losses:
            train_engine(replace(config, seed=config.seed + k, seeds=1, losses=(loss,)))


def plain_model(input_dim: int, hidden: tuple[int, ...], outputs: int, activation: str) -> nn.Sequential:
    """A textbook MLP with PyTorch's default init."""
    widths = [input_dim, *hidden, outputs]
    act = {"tanh": nn.Tanh, "relu": nn.ReLU}[activation]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        layers += [act()] if i else []
        layers.append(nn.Linear(fan_in, fan_out))
    return nn.Sequential(*layers)


def train_plain(config: RunConfig) -> None:
    """The same work as a textbook loop: one nn.Sequential and one optimizer per loss, full batch, a loss per epoch."""
    assert set(config.losses) <= PLAIN_LOSSES and config.seeds == 1 and config.batch_size == 0, "plain loop: ce/mse, full batch"
    assert config.optimizer == "sgd", "plain loop mirrors the Default preset's SGD"
    data = load_dataset(config)
    x, y = data.x_train, data.y_train
    onehot = nn.functional.one_hot(y, data.num_classes).float()
    criteria = {"ce": nn.CrossEntropyLoss(), "mse": nn.MSELoss()}
    models, optimizers = [], []
    for _ in config.losses:
        models.append(plain_model(data.input_dim, config.hidden, data.num_classes, config.activation))
        optimizers.append(torch.optim.SGD(models[-1].parameters(), lr=config.lr, momentum=config.momentum))
    for _ in range(config.epochs):
        for name, model, optimizer in zip(config.losses, models, optimizers):
            optimizer.zero_grad()
            z = model(x)
            loss = criteria["ce"](z, y) if name == "ce" else criteria["mse"](torch.softmax(z, -1), onehot)
            loss.backward()
            optimizer.step()


def describe(config: RunConfig) -> str:
    """One line naming the workload."""
    c = config
    batch = "full-batch" if c.batch_size == 0 else f"batch {c.batch_size}"
    return (
        f"{c.dataset} C={c.classes} N={c.samples}, hidden {c.hidden} {c.activation}, {c.optimizer} lr={c.lr} "
        f"momentum={c.momentum}, {c.epochs} {batch} epochs, losses {'+'.join(c.losses)}"
    )


def timing_line(label: str, times: list[float]) -> str:
    """`label  median X s  (best Y s)`."""
    return f"  {label:<40} {statistics.median(times):8.3f} s  (best {min(times):.3f} s)"


def verdict(ok: bool, text: str) -> str:
    """One summary line: PASS or MISS, then what was compared."""
    return f"  {'PASS' if ok else 'MISS'}  {text}"


def bench_default(config: RunConfig, repeats: int) -> tuple[float, float]:
    """Print engine vs plain loop on one config; return (engine median seconds, engine/plain ratio)."""
    print(f"[1] Default preset, engine vs plain PyTorch: {describe(config)}")
    times = time_interleaved({"engine": lambda: train_engine(config), "plain": lambda: train_plain(config)}, repeats)
    engine, plain = statistics.median(times["engine"]), statistics.median(times["plain"])
    print(timing_line(f"engine  Race(config).advance({config.epochs})", times["engine"]))
    print(timing_line(f"plain   {len(config.losses)} x nn.Sequential + SGD loop", times["plain"]))
    print(f"  ratio   engine/plain                     {engine / plain:8.2f}x")
    return engine, engine / plain


def bench_seeds(config: RunConfig, repeats: int) -> float:
    """Print vectorized vs one-after-another seeds; return the speed-up (one-by-one / vectorized)."""
    many = replace(config, seeds=SEEDS)
    runs = len(many.runs)
    print(f"[2] {SEEDS} seeds x {len(config.losses)} losses = {runs} runs: {describe(config)}")
    times = time_interleaved({"vectorized": lambda: train_engine(many), "one_by_one": lambda: train_one_at_a_time(many)}, repeats)
    together, apart = statistics.median(times["vectorized"]), statistics.median(times["one_by_one"])
    print(timing_line(f"vectorized  one Race, seeds={SEEDS}", times["vectorized"]))
    print(timing_line(f"one by one  {runs} single-run Races", times["one_by_one"]))
    print(f"  speed-up    one-by-one/vectorized        {apart / together:8.2f}x")
    return apart / together


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print a PASS/MISS summary; always returns 0 (benchmarks report, they don't gate)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_training", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: a smoke test, not a measurement")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats after the warm-up (default 5 and 3, quick 1)")
    parser.add_argument("--threads", type=int, default=APP_THREADS, help=f"torch threads (default {APP_THREADS}, as the app)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 5)
    seeds_repeats = args.repeats or (1 if args.quick else 3)  # one repeat of [2] trains 32 runs: ~10 s
    config = PRESETS["Default"]
    if args.quick:
        config = replace(config, samples=60, hidden=(8, 8), epochs=5)
    torch.set_num_threads(args.threads)
    source = "as ui/shell.py sets for the app" if args.threads == APP_THREADS else f"app uses {APP_THREADS}"
    print(f"Loss Lab training benchmarks ({'QUICK smoke sizes' if args.quick else 'full sizes'})")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads ({source}); median of {repeats} ([2]: {seeds_repeats}) after a warm-up"
    )
    engine, ratio = bench_default(config, repeats)
    speedup = bench_seeds(config, seeds_repeats)
    print("summary" + (" (quick sizes: smoke test only, verdicts are not meaningful)" if args.quick else ""))
    ok = engine <= DEFAULT_SECONDS_TARGET
    print(verdict(ok, f"Default preset engine {engine:.3f} s <= {DEFAULT_SECONDS_TARGET} s (engine/plain {ratio:.2f}x)"))
    print(verdict(speedup >= SPEEDUP_TARGET, f"vectorized seeds speed-up {speedup:.2f}x >= {SPEEDUP_TARGET:g}x"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
