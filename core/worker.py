"""The trainer's worker: a loop that owns every Race it trains and answers with plain records and views, and
`Worker`, the app's handle on it.

It runs in its own process (core.trainer starts it), so training uses a second core and never holds the
app's GIL; the Races live in this loop's local table, never in a module global, and never leave it.
"""

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

import torch

from core.config import TORCH_THREADS, RunConfig
from core.data import Dataset
from core.engine import Race, warm_up
from core.snapshots import KINDS, Views, checkpoints

ROOT = Path(__file__).resolve().parents[1]  # where `python -m core.worker` is found


@dataclass(frozen=True)
class Progress:
    """A job's new records since the last request, its state now, and fresh views when they were asked for."""

    epoch: int
    status: tuple[str, ...]
    records: list[dict]
    views: Views | None
    done: bool
    checkpoints: tuple = ()  # core.snapshots.checkpoints of the epochs trained in this stretch


def advance(race: Race, kind: str, target: int, budget: float, want_views: bool) -> Progress:
    """Train towards `target` for at most `budget` seconds; views when asked, and always at the end of a stretch."""
    records, tables, deadline = [], (), time.perf_counter() + budget
    while race.epoch < target and not race.done and time.perf_counter() < deadline:
        records += race.advance(1)
        tables += checkpoints(race, kind)
    ended = race.done or race.epoch >= target
    views = KINDS[kind](race) if want_views or ended else None
    return Progress(race.epoch, tuple(race.status), records, views, race.done, tables)


def plain(data: Dataset | None) -> tuple | None:
    """A Dataset as numpy arrays for the pipe: torch pickles a tensor as a handle to shared memory, which only
    multiprocessing's own children can open (the worker is a fresh interpreter)."""
    if data is None:
        return None
    return (data.name, data.num_classes, *(t.numpy() for t in (data.x_train, data.y_train, data.x_val, data.y_val)))


def from_plain(values: tuple | None) -> Dataset | None:
    """The Dataset `plain` sent."""
    if values is None:
        return None
    name, classes, *arrays = values
    return Dataset(name, classes, *(torch.from_numpy(a) for a in arrays))


def start(config: dict[str, str], kind: str, have: int, data: tuple | None = None) -> tuple[Race, list[dict], tuple]:
    """A new Race for a job that has records up to epoch `have` (-1: none), and the records and checkpoints it lacks;
    `data`: an uploaded table's Dataset, as `plain` sent it (its config names it but cannot generate it)."""
    race = Race(RunConfig.from_dict(config), from_plain(data))
    if have < 0:
        return race, list(race.history), checkpoints(race, kind)
    race.advance(have)  # after a lost worker or an idle spell: deterministic, the same records the app already has
    return race, [], ()


def serve(requests, replies, threads: int | None) -> None:
    """Answer (n, "advance", key, args) and (n, "forget", key, None) with (n, status, reply) until the app closes its end."""
    try:
        _answer(requests, replies, threads)
    except (EOFError, OSError):  # the app closed its end, or exited first: nobody is left to answer
        return


def _answer(requests, replies, threads: int | None) -> None:
    if threads is not None:  # its own process: set it up, then say so (until then the app trains in a thread)
        torch.set_num_threads(threads)
        warm_up()  # a first Race loads its kernels: before the first Start, not during it
    replies.send((0, "ready", None))
    races: dict[str, Race] = {}
    while True:
        n, command, key, args = requests.recv()
        try:
            if command == "forget":
                races.pop(key, None)
                reply = None
            else:
                config, kind, have, target, budget, want_views, data = args
                first, tables = [], ()
                if key not in races:
                    races[key], first, tables = start(config, kind, have, data)
                p = advance(races[key], kind, target, budget, want_views)
                reply = Progress(p.epoch, p.status, first + p.records, p.views, p.done, tables + p.checkpoints)
            replies.send((n, "ok", reply))
        except (EOFError, OSError):
            raise
        except Exception as err:  # a bug or a bad config stops that job with its reason; the worker goes on
            races.pop(key, None)
            replies.send((n, "error", f"{type(err).__name__}: {err}"))


class JobFailed(RuntimeError):
    """The worker could not train this job; the message says why."""


class Worker:
    """A core.worker loop in its own process (or a thread, for `process=False`), restarted if it dies."""

    def __init__(self, process: bool = True):
        self.process, self.jobs = process, 0
        self._lock, self._sent = threading.Lock(), 0  # one request in flight; answers carry their request's number
        self._start()

    def await_ready(self) -> None:
        """Block until the loop has set itself up (a new process takes a few seconds); only its scheduler reads."""
        if not self.ready:
            _, status, _ = self.replies.recv()
            self.ready = status == "ready"

    def _start(self) -> None:
        self.ready = False
        if self.process:  # a fresh interpreter (not multiprocessing's spawn, which re-imports the app's main module)
            theirs_in, ours_out = os.pipe()
            ours_in, theirs_out = os.pipe()
            command = [sys.executable, "-m", "core.worker", str(theirs_in), str(theirs_out)]
            self.child = subprocess.Popen(command, pass_fds=(theirs_in, theirs_out), cwd=ROOT)
            os.close(theirs_in), os.close(theirs_out)
            self.requests, self.replies = Connection(ours_out, readable=False), Connection(ours_in, writable=False)
        else:
            self.requests, theirs_in = Pipe()
            theirs_out, self.replies = Pipe()
            threading.Thread(target=serve, args=(theirs_in, theirs_out, None), daemon=True).start()

    def close(self) -> None:
        self.requests.close()
        if self.process:
            try:
                self.child.wait(10)
            except subprocess.TimeoutExpired:  # still importing torch: it reads the closed pipe only once set up
                self.child.kill()
                self.child.wait()

    def call(self, command: str, key: str, args: tuple | None = None):
        """Send one request and wait for its answer; a dead worker is restarted and raises ConnectionError."""
        with self._lock:
            self._sent += 1
            try:
                self.await_ready()
                self.requests.send((self._sent, command, key, args))
                answered, status, reply = self.replies.recv()
                while answered != self._sent:  # an answer to an earlier request is never taken for this one's
                    answered, status, reply = self.replies.recv()
            except (EOFError, OSError) as err:
                if self.process:
                    self.child.kill()
                self._start()
                raise ConnectionError("the training worker stopped") from err
        if status == "error":
            raise JobFailed(reply)
        return reply


if __name__ == "__main__":  # python -m core.worker IN OUT: pipe file descriptors from core.trainer
    from core import worker  # the module by its name, so what it sends unpickles as core.worker.Progress

    worker.serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False), TORCH_THREADS)
