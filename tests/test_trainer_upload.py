"""An uploaded table in the shared trainer: always a private job, its Dataset sent with the job's first turn in a
worker (a process too, and again after that process dies), the engine's own records, never kept once released."""

import gc
import time
from dataclasses import replace

import pytest

from core import tabular
from core.config import RunConfig
from core.engine import Race
from core.trainer import Trainer
from tests.bad_tables import GOOD
from tests.test_trainer import finish

SETTINGS = RunConfig(hidden=(6,), epochs=20, optimizer="sgd", lr=0.5)
OTHER = GOOD.replace(b"3,1,b", b"3,1,a").replace(b"0,1,a", b"0,1,b")  # same shape, same settings, other labels


def upload(raw: bytes = None, settings: RunConfig = SETTINGS):
    table = tabular.parse(raw or tabular.sample_csv(), "label" if raw else "colour")
    config = tabular.config_for(table, settings)
    return config, tabular.for_config(table, config)


def engine_history(config, data) -> list[dict]:
    race = Race(config, data)
    race.advance(config.epochs)
    return race.history


@pytest.fixture
def trainer():
    trainer = Trainer(workers=1, process=False)
    yield trainer
    trainer.close()


def test_two_sessions_with_the_same_settings_never_share_an_uploads_job(trainer):
    (mine, my_data), (theirs, their_data) = upload(GOOD), upload(OTHER)
    assert {**mine.to_dict(), "source": ""} == {**theirs.to_dict(), "source": ""}  # only the file differs
    a, b = trainer.ticket(mine, "race", mine.epochs, data=my_data), trainer.ticket(theirs, "race", theirs.epochs, data=their_data)
    again = trainer.ticket(mine, "race", mine.epochs, data=my_data)  # even the same file: another session's own job
    assert len({id(t.job) for t in (a, b, again)}) == 3
    assert list(finish(a).history) == engine_history(mine, my_data)
    assert list(finish(b).history) == engine_history(theirs, their_data) != list(finish(a).history)


def test_step_keeps_the_table_and_a_released_upload_is_not_kept(trainer):
    config, data = upload()
    ticket = trainer.ticket(config, "race", 2, data=data)
    assert finish(ticket).epoch == 2
    stepped = trainer.step(ticket, 2)
    other = trainer.step(stepped, 3) if stepped is ticket else stepped
    assert finish(other).epoch >= 3 and other.job.data is data
    job = ticket.job
    del ticket, stepped, other
    gc.collect()
    deadline = time.monotonic() + 5
    while trainer.jobs and time.monotonic() < deadline:
        with trainer.cv:
            trainer.cv.notify_all()
        time.sleep(0.05)
    assert not trainer.jobs and not trainer.finished and job.key not in trainer.finished


def test_the_table_crosses_to_a_worker_process_and_again_after_it_dies(request):
    trainer = Trainer(workers=1, process=True)
    request.addfinalizer(trainer.close)
    deadline = time.monotonic() + 60
    while not trainer.workers[0].ready and time.monotonic() < deadline:
        time.sleep(0.1)
    config, data = upload(settings=replace(SETTINGS, epochs=400, hidden=(16, 16)))
    ticket = trainer.ticket(config, "race", config.epochs, data=data)
    deadline = time.monotonic() + 60
    while (ticket.latest() is None or ticket.job.epoch < 50) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ticket.job.worker is trainer.workers[0]
    trainer.workers[0].child.kill()
    snap = finish(ticket, 120)
    assert ticket.job.losses == 1 and snap.done and ticket.error is None
    assert list(snap.history) == engine_history(config, data) and len(snap.views.regions) == 2  # 2-D: regions
