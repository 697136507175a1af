"""A training job (a race's immutable results so far, and who watches it) and a Ticket, one session's hold on it.

core.trainer schedules jobs in its workers; a Ticket is all a session keeps (ui/live.py).
"""

import itertools
import math
import time
import weakref
from bisect import bisect_right

from core.config import RunConfig
from core.data import Dataset
from core.snapshots import Snapshot
from core.worker import Progress, Worker

HEARTBEAT = 10.0  # seconds a ticket keeps asking after its session last looked

_ids = itertools.count(1)


class Job:
    """One race being trained: its records and snapshots so far, and the tickets watching it."""

    def __init__(self, key: str, config: RunConfig, kind: str, worker: Worker, data: Dataset | None = None):
        self.key, self.config, self.kind, self.worker = key, config, kind, worker
        self.data = data  # an uploaded table's Dataset; None: the worker generates the config's own
        self.records: list[dict] = []
        self.snapshots: list[Snapshot] = []  # one per answer from the worker, in epoch order: a late viewer replays them
        self.checkpoints: list = []  # core.timeline.checkpoint tables as the worker recorded them
        self.tickets: weakref.WeakValueDictionary[int, Ticket] = weakref.WeakValueDictionary()
        self.asked: float | None = None  # when it last started needing work: its place in the queue
        self.served = self.viewed = -math.inf  # when the worker last trained it, and last made its views
        self.in_worker = False
        self.error: str | None = None
        self.losses = 0  # workers lost while training it

    @property
    def epoch(self) -> int:
        return self.snapshots[-1].epoch if self.snapshots else -1

    @property
    def finished(self) -> bool:
        return self.error is not None or bool(self.snapshots and self.snapshots[-1].done)

    def _live(self, now: float) -> list["Ticket"]:
        return [t for t in list(self.tickets.values()) if now - t.seen < HEARTBEAT]

    def wanted(self, now: float) -> int:
        """The furthest epoch a live ticket wants (-1: nobody asks)."""
        return max((t.want for t in self._live(now)), default=-1)

    def demand(self, now: float) -> int:
        """The furthest epoch a live ticket may see now, its pace allowing."""
        return max((t.allowed(now) for t in self._live(now)), default=-1)

    def latest(self, epoch: int) -> Snapshot | None:
        """The last snapshot at or before `epoch`."""
        at = bisect_right([s.epoch for s in self.snapshots], epoch)
        return self.snapshots[at - 1] if at else None

    def apply(self, progress: Progress, now: float) -> None:
        """Add what the worker sent as a new snapshot (views: the fresh ones, else the latest)."""
        self.records += progress.records
        self.checkpoints += progress.checkpoints
        views = progress.views or self.snapshots[-1].views
        if progress.views is not None:
            self.viewed = now
        recorded = tuple(self.checkpoints)
        snap = Snapshot(self.config, progress.epoch, progress.status, tuple(self.records), views, progress.done, recorded)
        if self.snapshots and self.snapshots[-1].epoch == snap.epoch:
            self.snapshots[-1] = snap  # views caught up with the epoch
        else:
            self.snapshots.append(snap)


class Ticket:
    """One session's hold on a job. `pace` > 0 spreads a watched race over at least that many seconds."""

    def __init__(self, trainer, job: Job, want: int, pace: float):
        self.trainer, self.job, self.want, self.pace = trainer, job, want, pace
        self.id, self.started = next(_ids), time.monotonic()
        self.seen = self.started

    def allowed(self, now: float) -> int:
        """The epoch this ticket may see now: its want, capped by its pace."""
        if self.pace <= 0:
            return self.want
        return min(self.want, math.ceil(self.job.config.epochs * (now - self.started) / self.pace))

    def latest(self) -> Snapshot | None:
        """The newest snapshot this ticket may see (and a heartbeat: its session is still looking)."""
        self.seen = time.monotonic()
        with self.trainer.cv:
            return self.job.latest(self.allowed(self.seen))

    def wait(self, after: int, timeout: float) -> None:
        """Until the job has something past epoch `after`, ends, or `timeout` seconds pass (the GIL is free meanwhile)."""
        with self.trainer.cv:
            self.trainer.cv.wait_for(lambda: self.job.epoch > after or self.job.finished, timeout)

    def ahead(self) -> int:
        """Jobs that will train before this one starts (0: it is training, or done)."""
        return self.trainer.ahead(self.job)

    @property
    def error(self) -> str | None:
        return self.job.error
