"""Shared training jobs: one per (configuration, views), trained in a worker process, watched through tickets.

The same configuration and seed give the same records, so every session that asks for a race is served by one
job. A job holds only immutable results (records, core.snapshots.Snapshot); its Race lives in the worker
(core.worker). A session holds a Ticket: the epoch it wants and when it last looked. Each worker trains its jobs
in the order they were first asked for, SLOTS at a time, taking turns of BUDGET seconds; later jobs wait, and
their tickets say how many are ahead. A ticket nobody looks at for core.jobs.HEARTBEAT seconds asks for nothing, so a
closed tab stops its training; a job without tickets leaves the worker.

An uploaded table (core.tabular) gets a private job: its Dataset travels with the job's first turn in a worker,
and the job is never kept among the finished ones.
"""

import itertools
import logging
import os
import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from core.config import RunConfig
from core.data import Dataset
from core.jobs import Job, Ticket
from core.worker import Worker, plain

SLOTS = 4  # jobs a worker trains at once: four Default races at full pace fill one core
BUDGET = 0.05  # seconds of training per turn: short, so the slots take turns several times a second
VIEW_SECONDS = {"race": 0.25, "misuse": 0.0}  # fresh views at most this often: decision-region PNGs cost ~10 ms
IDLE = 60.0  # a job nobody has looked at for this long leaves the worker (retrained if asked again)
_private = itertools.count(1)  # a private job's key suffix: never the same as another's
KEEP_FINISHED = 32  # finished jobs kept to serve a repeated Start, or another session, at once


class Trainer:
    """Every job of this server process, the workers that train them, and one scheduling thread per worker."""

    def __init__(self, workers: int = 1, process: bool = True, slots: int = SLOTS):
        self.cv = threading.Condition()
        self.slots, self.closed = slots, False
        self.jobs: dict[str, Job] = {}
        self.finished: OrderedDict[str, Job] = OrderedDict()
        self.workers = [Worker(process) for _ in range(workers)]
        # While the worker processes start (a few seconds after the server's first visitor), a thread trains.
        self.starting = Worker(process=False) if process else None
        for worker in self.workers + [self.starting] * bool(self.starting):
            threading.Thread(target=self._serve, args=(worker,), daemon=True, name="loss-lab-scheduler").start()

    def ticket(
        self, config: RunConfig, kind: str, want: int, pace: float = 0.0, private: bool = False, data: Dataset | None = None
    ) -> Ticket:
        """A ticket for the race of `config` up to epoch `want`; `private` trains a copy of its own (for Step), and
        so does a race on `data`, an uploaded table's Dataset: two visitors' files never share a job."""
        if kind not in VIEW_SECONDS:
            raise ValueError(f"unknown views {kind!r}; choose from {', '.join(VIEW_SECONDS)}")
        private = private or data is not None
        key = f"{kind}?{urlencode(config.to_dict())}" + (f"#{next(_private)}" if private else "")
        with self.cv:
            job = self.jobs.get(key)
            if job is None and key in self.finished:
                job = self.jobs[key] = self.finished.pop(key)
                job.worker.jobs += 1
            if job is None:
                worker = min([w for w in self.workers if w.ready] or [self.starting or self.workers[0]], key=lambda w: w.jobs)
                worker.jobs += 1
                job = self.jobs[key] = Job(key, config, kind, worker, data)
            ticket = Ticket(self, job, want, pace)
            job.tickets[ticket.id] = ticket
            self.cv.notify_all()
        return ticket

    def step(self, ticket: Ticket, epoch: int) -> Ticket:
        """A ticket for epoch `epoch` + 1: the same job when it waits right there for nobody else, else a private copy."""
        job = ticket.job
        with self.cv:
            others = [t for t in list(job.tickets.values()) if t is not ticket and t.want > epoch]
            if job.epoch == epoch and not others and job.in_worker:
                ticket.want, ticket.pace = epoch + 1, 0.0
                self.cv.notify_all()
                return ticket
        return self.ticket(job.config, job.kind, epoch + 1, private=True, data=job.data)

    def close(self) -> None:
        """Stop scheduling and end the workers (their loops see the pipe close)."""
        with self.cv:
            self.closed = True
            self.cv.notify_all()
        for worker in self.workers + [self.starting] * bool(self.starting):
            worker.close()

    def ahead(self, job: Job) -> int:
        with self.cv:
            queue = self._queue(job.worker, time.monotonic())
            return max(0, queue.index(job) - self.slots + 1) if job in queue else 0

    def _queue(self, worker: Worker, now: float) -> list[Job]:
        """The worker's unfinished jobs that a live ticket wants more of, in the order they were first asked for."""
        queued = []
        for job in self.jobs.values():
            if job.worker is not worker:
                continue  # another worker's scheduler keeps that queue
            if not job.finished and job.wanted(now) > job.epoch:
                job.asked = job.asked if job.asked is not None else now
                queued.append(job)
            else:
                job.asked = None
        return sorted(queued, key=lambda j: j.asked)

    def _tidy(self, worker: Worker, now: float) -> list[Job]:
        """Jobs to drop from the worker: nobody holds a ticket, nobody looked for IDLE seconds, or finished."""
        leaving = []
        ready = [w for w in self.workers if w.ready]
        for key, job in list(self.jobs.items()):
            if job.worker is worker and worker is self.starting and ready:  # a process is up: move there
                if job.in_worker:
                    leaving.append(job)
                job.worker, job.in_worker = min(ready, key=lambda w: w.jobs), False  # retrained there to where it is
                worker.jobs, job.worker.jobs = worker.jobs - 1, job.worker.jobs + 1
                continue
            if job.worker is not worker:
                continue
            unwatched = not job.tickets or all(now - t.seen > IDLE for t in list(job.tickets.values()))
            if job.in_worker and (unwatched or job.finished):
                leaving.append(job)
                job.in_worker = False
            if not job.tickets:
                del self.jobs[key]
                worker.jobs -= 1
                if job.finished and job.error is None and job.data is None:  # an upload leaves with its tickets
                    self.finished[key] = job
                    while len(self.finished) > KEEP_FINISHED:
                        self.finished.popitem(last=False)
        return leaving

    def _serve(self, worker: Worker) -> None:
        """Forever: give the next job in the worker's first SLOTS a turn, least recently served first."""
        try:
            worker.await_ready()
        except (EOFError, OSError):  # closed, or it died while starting: its first call restarts it
            pass
        while not self.closed:
            try:
                self._next_turn(worker)
            except Exception:  # a bug here must not stop every race on this server: log it, go on
                logging.getLogger(__name__).exception("trainer scheduling failed")
                time.sleep(0.5)

    def _next_turn(self, worker: Worker) -> None:
        """Wait for work, then one turn (and the forgetting of jobs that left)."""
        with self.cv:
            while True:
                now = time.monotonic()
                leaving = self._tidy(worker, now)
                active = self._queue(worker, now)[: self.slots]
                ready = [j for j in active if j.demand(now) > j.epoch]
                if leaving or ready or self.closed:
                    break
                self.cv.wait(0.02 if active else 1.0)  # a paced race asks for more as time passes
            if self.closed:
                return
            job = min(ready, key=lambda j: j.served) if ready else None
            if job is not None:
                data = None if job.in_worker else plain(job.data)  # the worker starts the race this turn: it needs the table
                job.served, job.in_worker = now, True
                views = now - job.viewed >= VIEW_SECONDS[job.kind]
                target = job.demand(now) if job.epoch >= 0 else 0  # epoch 0 first: every race has a snapshot there
                args = (job.config.to_dict(), job.kind, job.epoch, target, BUDGET, views, data)
        for gone in leaving:
            self._call(worker, "forget", gone)
        if job is not None:
            self._turn(worker, job, args)

    def _call(self, worker: Worker, command: str, job: Job, args: tuple | None = None):
        try:
            return worker.call(command, job.key, args)
        except ConnectionError:
            with self.cv:
                for other in self.jobs.values():
                    if other.worker is worker:
                        other.in_worker = False  # retrained from where it was, on the next turn
                job.losses += 1
                if job.losses >= 2:
                    job.error = "the training worker stopped twice while training this race"
                self.cv.notify_all()
        except Exception as err:  # JobFailed, or a bug here: that job stops with its reason, the others go on
            with self.cv:
                job.error, job.in_worker = str(err) or type(err).__name__, False
                self.cv.notify_all()
        return None

    def _turn(self, worker: Worker, job: Job, args: tuple) -> None:
        """One turn of training in the worker, its answer published as a snapshot."""
        progress = self._call(worker, "advance", job, args)
        if progress is not None:
            with self.cv:
                job.apply(progress, time.monotonic())
                self.cv.notify_all()


_trainer: Trainer | None = None
_lock = threading.Lock()


def trainer() -> Trainer:
    """This process's trainer, started on first use: one worker process per core beyond the first."""
    global _trainer
    with _lock:
        if _trainer is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
            process = os.environ.get("LOSS_LAB_TRAINER", "process") != "thread"
            _trainer = Trainer(workers=max(1, cores - 1), process=process)
        return _trainer
