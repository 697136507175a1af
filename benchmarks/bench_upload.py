"""Your own data, from one run: reading the largest CSV the upload takes, and what training on an uploaded table
costs in the worker process against the same data generated there (issue 17)."""

import argparse
import statistics
import time

import torch

from benchmarks.timing import time_interleaved
from core import tabular
from core.config import RunConfig
from core.data import make_dataset
from core.worker import Worker, plain

READ_TARGET_S = 1.0  # parse and check the largest file: the visitor waits for it once per file
TURN_RATIO_TARGET = 1.1  # a later turn on an upload vs on the generated twin: the table travels once, not per turn
DIGITS = RunConfig(dataset="digits", classes=10, samples=1797, noise=0.0, val_fraction=0.2, hidden=(64,),
                   activation="relu", optimizer="sgd", lr=0.1, batch_size=128, epochs=60)  # fmt: skip


def largest_csv(rows: int, features: int) -> bytes:
    """A file at the limits: `rows` rows of `features` 4-decimal numbers and a 20-class label."""
    x = torch.randn(rows, features, generator=torch.Generator().manual_seed(0))
    lines = [",".join([*(f"f{k}" for k in range(features)), "label"])]
    lines += [",".join([*(f"{v:.4f}" for v in row), str(i % 20)]) for i, row in enumerate(x.tolist())]
    return ("\n".join(lines) + "\n").encode()


def digits_csv() -> bytes:
    """scikit-learn's digits as a visitor would upload them: 64 pixel columns and the digit."""
    data = make_dataset("digits", 10, 1797, 0.0, 0.0, 0.0, 0)  # no validation split: every row is in x_train
    rows = [",".join([*(f"{v:g}" for v in x), str(y)]) for x, y in zip(data.x_train.tolist(), data.y_train.tolist())]
    return ("\n".join([",".join([*(f"p{k}" for k in range(64)), "digit"]), *rows]) + "\n").encode()


def turn_times(worker: Worker, races: dict[str, tuple[RunConfig, tuple | None]], epochs: int) -> dict[str, list[float]]:
    """Seconds per later turn (one epoch each) of each race, the races taking turns; each one's first turn starts it
    (and sends its table)."""
    for key, (config, data) in races.items():
        worker.call("advance", key, (config.to_dict(), "race", -1, 0, 60.0, False, data))
    times: dict[str, list[float]] = {key: [] for key in races}
    for epoch in range(epochs):
        for key, (config, _) in races.items():
            start = time.perf_counter()
            worker.call("advance", key, (config.to_dict(), "race", epoch, epoch + 1, 60.0, False, None))
            times[key].append(time.perf_counter() - start)
    for key in races:
        worker.call("forget", key)
    return times


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (the smoke test)")
    args = parser.parse_args(argv)
    rows, repeats, epochs = (2000, 1, 5) if args.quick else (tabular.MAX_ROWS, 5, 30)
    raw = largest_csv(rows, 34)  # about 4.9 MB at 20,000 rows: the byte limit too
    table = tabular.parse(raw, "label")
    config = tabular.config_for(table, RunConfig(hidden=(32, 32), epochs=10))
    cpu: dict[str, list[float]] = {}
    times = time_interleaved({"read": lambda: tabular.parse(raw, "label"), "split": lambda: tabular.for_config(table, config)},
                             repeats, cpu)  # fmt: skip
    read_s, split_s = statistics.median(cpu["read"]), statistics.median(cpu["split"])
    print(f"read {len(raw) / 2**20:.1f} MB ({rows:,} rows x 34 features): {read_s * 1000:.0f} ms CPU "
          f"({statistics.median(times['read']) * 1000:.0f} ms wall), split and standardise {split_s * 1000:.0f} ms; "
          f"target < {READ_TARGET_S} s: {verdict(read_s < READ_TARGET_S)}")  # fmt: skip

    digits = tabular.parse(digits_csv(), "digit")
    upload = tabular.config_for(digits, DIGITS)
    worker = Worker(process=True)
    try:
        worker.await_ready()
        races = {"upload": (upload, plain(tabular.for_config(digits, upload))), "built-in": (DIGITS, None)}
        times = turn_times(worker, races, epochs * repeats)
    finally:
        worker.close()
    ratio = statistics.median(times["upload"]) / statistics.median(times["built-in"])
    print(f"worker turn, digits uploaded as CSV vs generated in the worker (1797 x 64, one epoch a turn, medians of {len(times['upload'])} turns each): "
          f"{ratio:.2f}x; target <= {TURN_RATIO_TARGET}: {verdict(ratio <= TURN_RATIO_TARGET)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
