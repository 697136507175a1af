"""The trainer's worker: a loop that owns every Race it trains and answers with plain records and views.

It runs in its own process (core.trainer starts it), so training uses a second core and never holds the
app's GIL; the Races live in this loop's local table, never in a module global, and never leave it.
"""

import sys
import time
from dataclasses import dataclass

import torch

from core.config import RunConfig
from core.engine import Race, warm_up
from core.snapshots import KINDS, Views


@dataclass(frozen=True)
class Progress:
    """A job's new records since the last request, its state now, and fresh views when they were asked for."""

    epoch: int
    status: tuple[str, ...]
    records: list[dict]
    views: Views | None
    done: bool


def advance(race: Race, kind: str, target: int, budget: float, want_views: bool) -> Progress:
    """Train towards `target` for at most `budget` seconds; views when asked, and always at the end of a stretch."""
    records, deadline = [], time.perf_counter() + budget
    while race.epoch < target and not race.done and time.perf_counter() < deadline:
        records += race.advance(1)
    ended = race.done or race.epoch >= target
    views = KINDS[kind](race) if want_views or ended else None
    return Progress(race.epoch, tuple(race.status), records, views, race.done)


def start(config: dict[str, str], have: int) -> tuple[Race, list[dict]]:
    """A new Race for a job that has records up to epoch `have` (-1: none), and the records it lacks."""
    race = Race(RunConfig.from_dict(config))
    if have < 0:
        return race, list(race.history)
    race.advance(have)  # after a lost worker or an idle spell: deterministic, the same records the app already has
    return race, []


def serve(requests, replies, threads: int | None) -> None:
    """Answer ("advance", key, args) and ("forget", key, None) until the app closes its end (or dies)."""
    if threads is not None:  # its own process: set it up, then say so (until then the app trains in a thread)
        torch.set_num_threads(threads)
        warm_up()  # torch imports its compiler stack on the first optimizer (~1.4 s): before the first Start
    replies.send(("ready", None))
    races: dict[str, Race] = {}
    while True:
        try:
            command, key, args = requests.recv()
        except (EOFError, OSError):
            return
        try:
            if command == "forget":
                races.pop(key, None)
                reply = None
            else:
                config, kind, have, target, budget, want_views = args
                first = []
                if key not in races:
                    races[key], first = start(config, have)
                progress = advance(races[key], kind, target, budget, want_views)
                reply = Progress(progress.epoch, progress.status, first + progress.records, progress.views, progress.done)
            replies.send(("ok", reply))
        except Exception as err:  # a bug or a bad config stops that job with its reason; the worker goes on
            races.pop(key, None)
            replies.send(("error", f"{type(err).__name__}: {err}"))


if __name__ == "__main__":  # python -m core.worker IN OUT: pipe file descriptors from core.trainer
    from multiprocessing.connection import Connection

    from core import worker  # the module by its name, so what it sends unpickles as core.worker.Progress
    from core.config import TORCH_THREADS

    worker.serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False), TORCH_THREADS)
