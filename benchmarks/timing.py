"""Timing shared by the benchmarks: interleaved repeats, so a noisy shared machine hits every contender alike."""

import time
from collections.abc import Callable


def time_interleaved(
    fns: dict[str, Callable[[], object]], repeats: int, cpu: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """Wall times of each fn after one warm-up each; the repeats alternate the fns. `cpu`, if given, gets each
    repeat's CPU time of this process too (a busy shared machine stretches wall time far more than CPU time)."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append(time.perf_counter() - start)
            if cpu is not None:
                cpu.setdefault(name, []).append(time.process_time() - start_cpu)
    return times
