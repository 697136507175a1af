"""The shared trainer: same config, one job and the engine's own records; a queue with positions; tickets that
stop asking when nobody looks; Step on a private copy; a lost worker retrains to where it was."""

import gc
import time
from dataclasses import replace

import pandas as pd
import pytest

from core import jobs, timeline
from core.config import RunConfig
from core.engine import Race
from core.trainer import Trainer
from core.worker import JobFailed, Worker

SMALL = RunConfig(samples=80, hidden=(6,), epochs=25, optimizer="sgd", lr=0.5)


def engine_history(config: RunConfig) -> list[dict]:
    race = Race(config)
    race.advance(config.epochs)
    return race.history


def finish(ticket, timeout: float = 60.0):
    """The ticket's last snapshot once it reaches what it wants."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snap = ticket.latest()
        if snap is not None and (snap.done or snap.epoch >= ticket.want) or ticket.error:
            return snap
        ticket.wait(snap.epoch if snap else -1, 0.2)
    job, now = ticket.job, time.monotonic()
    raise AssertionError(  # what the scheduler saw: an answer taken for another request's once left a job here
        f"ticket stuck at {snap.epoch if snap else None} of {ticket.want}; the job is at epoch {job.epoch} "
        f"(finished {job.finished}, error {job.error}), wanted {job.wanted(now)}, in the worker {job.in_worker}, "
        f"served {now - job.served:.1f} s ago"
    )


@pytest.fixture
def trainer():
    trainer = Trainer(workers=1, process=False)
    yield trainer
    trainer.close()  # its worker thread must not be inside torch when the interpreter exits


def test_same_config_one_job_and_the_engines_records(trainer):
    a, b = (trainer.ticket(SMALL, "race", SMALL.epochs) for _ in range(2))
    assert a.job is b.job
    snap = finish(a)
    assert finish(b) is snap and snap.done and list(snap.history) == engine_history(SMALL)
    assert [s.epoch for s in a.job.snapshots] == sorted({s.epoch for s in a.job.snapshots})
    assert snap.views.p_true is not None and len(snap.views.regions) == 2  # both losses' decision regions


def test_a_race_records_the_per_sample_pages_checkpoints_as_it_trains(trainer):
    config = replace(SMALL, epochs=40)  # checkpoints every 3 epochs, and the last
    fresh = timeline.timeline(config)
    finished = finish(trainer.ticket(config, "race", config.epochs))
    pd.testing.assert_frame_equal(pd.concat(finished.checkpoints, ignore_index=True), fresh, check_exact=True)
    stopped = finish(trainer.ticket(replace(config, seed=1), "race", 10))  # Stop at epoch 10: checkpoints 0, 3, 6, 9
    expected = timeline.timeline(replace(config, seed=1)).query("epoch <= 10").reset_index(drop=True)
    assert stopped.epoch == 10 and sorted({t.epoch.iloc[0] for t in stopped.checkpoints}) == [0, 3, 6, 9]
    pd.testing.assert_frame_equal(pd.concat(stopped.checkpoints, ignore_index=True), expected, check_exact=True)
    assert finish(trainer.ticket(config, "misuse", config.epochs)).checkpoints == ()  # only the race page's are read


def test_distinct_seeds_are_distinct_jobs_with_their_own_records(trainer):
    configs = [replace(SMALL, seed=s) for s in (3, 4)]
    tickets = [trainer.ticket(c, "race", c.epochs) for c in configs]
    assert tickets[0].job is not tickets[1].job
    for ticket, config in zip(tickets, configs):
        assert list(finish(ticket).history) == engine_history(config)


def test_jobs_beyond_the_slots_wait_and_say_how_many_are_ahead(request):
    trainer = Trainer(workers=1, process=False, slots=1)
    request.addfinalizer(trainer.close)
    long = replace(SMALL, epochs=3000, samples=400, hidden=(32, 32))
    first = trainer.ticket(long, "race", long.epochs)
    second = trainer.ticket(replace(long, seed=1), "race", long.epochs)
    third = trainer.ticket(replace(long, seed=2), "race", long.epochs)
    time.sleep(0.3)
    for ticket in (first, second, third):
        ticket.latest()  # looking keeps a ticket asking
    assert (first.ahead(), second.ahead(), third.ahead()) == (0, 1, 2)
    assert second.job.epoch == -1  # not started while it waits
    first.want = first.latest().epoch  # Stop: the next in line starts
    deadline = time.monotonic() + 10
    while second.job.epoch < 1 and time.monotonic() < deadline:
        second.latest(), third.latest()
        time.sleep(0.05)
    assert second.job.epoch >= 1 and third.ahead() == 1


def test_a_ticket_nobody_looks_at_stops_asking(trainer, monkeypatch):
    monkeypatch.setattr(jobs, "HEARTBEAT", 0.3)
    long = replace(SMALL, epochs=3000, samples=400, hidden=(32, 32))
    ticket = trainer.ticket(long, "race", long.epochs)
    time.sleep(1.0)  # the tab closed: nobody calls ticket.latest()
    stalled = ticket.job.epoch
    time.sleep(0.5)
    assert 0 <= ticket.job.epoch == stalled < long.epochs


def test_a_released_job_leaves_and_a_finished_one_serves_the_next_start(trainer):
    ticket = trainer.ticket(SMALL, "race", SMALL.epochs)
    job = ticket.job
    finish(ticket)
    del ticket
    gc.collect()
    with trainer.cv:
        trainer.cv.notify_all()
    deadline = time.monotonic() + 5
    while job.key in trainer.jobs and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.key not in trainer.jobs and job.key in trainer.finished and not job.in_worker
    again = trainer.ticket(SMALL, "race", SMALL.epochs)
    assert again.job is job and again.latest().done  # served from the finished results, nothing retrained


def test_pace_spreads_a_watched_race(trainer):
    ticket = trainer.ticket(SMALL, "race", SMALL.epochs, pace=1.0)
    time.sleep(0.3)
    early = ticket.latest()
    assert early is None or early.epoch < SMALL.epochs  # not all at once
    assert finish(ticket, 5).done


def test_step_on_a_paused_job_and_on_a_private_copy(trainer):
    ticket = trainer.ticket(SMALL, "race", 3)
    assert finish(ticket).epoch == 3
    stepped = trainer.step(ticket, 3)
    assert stepped is ticket and finish(stepped).epoch == 4
    other = trainer.ticket(SMALL, "race", SMALL.epochs)  # another session wants the whole race
    private = trainer.step(ticket, 4)
    assert private.job is not other.job and finish(private).epoch == 5
    assert list(finish(private).history) == engine_history(replace(SMALL, epochs=5))
    assert finish(other).done


def test_a_thread_trains_while_the_worker_process_starts(request):
    trainer = Trainer(workers=1, process=True)
    request.addfinalizer(trainer.close)
    ticket = trainer.ticket(SMALL, "race", SMALL.epochs)  # the process is still importing torch
    assert ticket.job.worker is trainer.starting and list(finish(ticket).history) == engine_history(SMALL)


def test_a_bad_job_reports_its_reason_and_the_worker_goes_on(trainer, request):
    with pytest.raises(ValueError, match="unknown views"):
        trainer.ticket(SMALL, "no-such-views", SMALL.epochs)
    worker = Worker(process=False)
    request.addfinalizer(worker.close)
    with pytest.raises(JobFailed, match="ConfigError"):
        worker.call("advance", "bad", ({"epochs": "-1"}, "race", -1, 1, 0.05, True, None))
    progress = worker.call("advance", "good", (SMALL.to_dict(), "race", -1, SMALL.epochs, 60.0, True, None))
    assert progress.done and progress.records == engine_history(SMALL)


def test_a_lost_worker_process_retrains_to_where_it_was(request):
    trainer = Trainer(workers=1, process=True)
    request.addfinalizer(trainer.close)
    deadline = time.monotonic() + 60
    while not trainer.workers[0].ready and time.monotonic() < deadline:  # until then a thread stands in
        time.sleep(0.1)
    config = replace(SMALL, epochs=400, samples=300, hidden=(16, 16))
    ticket = trainer.ticket(config, "misuse", config.epochs)
    deadline = time.monotonic() + 60
    while (ticket.latest() is None or ticket.job.epoch < 50) and time.monotonic() < deadline:
        time.sleep(0.05)
    trainer.workers[0].child.kill()  # as if the OOM killer took it
    snap = finish(ticket, 120)
    assert ticket.job.worker is trainer.workers[0] and ticket.job.losses == 1  # it was the process that died
    assert snap.done and ticket.error is None and list(snap.history) == engine_history(config)


def test_an_answer_is_never_taken_for_another_request(request):
    worker = Worker(process=False)
    request.addfinalizer(worker.close)
    worker.await_ready()
    worker.requests.send((99, "forget", "other", None))  # its answer sits in the pipe, read by nobody
    progress = worker.call("advance", "good", (SMALL.to_dict(), "race", -1, SMALL.epochs, 60.0, True, None))
    assert progress.done and progress.records == engine_history(SMALL)
