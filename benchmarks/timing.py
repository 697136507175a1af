"""Timing shared by the benchmarks: interleaved repeats, so a noisy shared machine hits every contender alike."""

import time
from collections.abc import Callable


def time_interleaved(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Wall times of each fn after one warm-up each; the repeats alternate the fns."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times
