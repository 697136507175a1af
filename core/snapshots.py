"""What a live page draws of a race at one moment, as immutable values: every session watching the same
race can share them, and they cross a process boundary (core.worker trains, the app draws)."""

from dataclasses import dataclass, field

import pandas as pd

from core import misuse, regions, timeline, views
from core.config import RunConfig
from core.data import Dataset
from core.engine import RECORD_COLUMNS, Race


@dataclass(frozen=True, eq=False)  # eq=False: compared and hashed by identity, so a frame's data can be memoised
class Views:
    """The per-sample part of a frame at one epoch: the expensive part, so made where the race trains."""

    epoch: int
    p_true: pd.DataFrame | None = None  # race page: core.views.p_true_histogram
    regions: tuple[tuple[str, bytes], ...] = ()  # race page, 2-D data: (loss, PNG of its decision regions)
    confidence: pd.DataFrame | None = None  # misuse page: core.misuse.confidence_histogram
    mean_confidence: dict[str, float] = field(default_factory=dict)  # misuse page: mean largest probability per loss


def race_views(race: Race) -> Views:
    """p(true class) histograms, and decision regions as PNGs for 2-D data."""
    images = ()
    if race.data.input_dim == 2:
        probs, points, shown = views.decision_grid(race)
        pictures = [regions.png(regions.region_image(p, points, race.data.y_train)) for p in probs]
        images = tuple((race.runs[r][0], picture) for r, picture in zip(shown, pictures))
    return Views(race.epoch, p_true=views.p_true_histogram(race), regions=images)


def misuse_views(race: Race) -> Views:
    """Each sample's largest probability, as a histogram and a mean per loss."""
    confidence = misuse.confidence(race.train_probs, list(race.config.losses))
    means = {name: float(p.mean()) for name, p in confidence.items()}
    return Views(race.epoch, confidence=misuse.confidence_histogram(confidence), mean_confidence=means)


KINDS = {"race": race_views, "misuse": misuse_views}  # which views a page draws
CHECKPOINTED = {"race"}  # the per-sample page reads the Loss race page's race at its checkpoints


def checkpoints(race: Race, kind: str) -> tuple[pd.DataFrame, ...]:
    """core.timeline.checkpoint of the race's epoch when it is a checkpoint and a page of this kind reads it, else ()."""
    return (timeline.checkpoint(race),) if kind in CHECKPOINTED and timeline.is_checkpoint(race) else ()


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A race at one epoch: its records so far, each run's status, and the latest views (maybe a few epochs older)."""

    config: RunConfig
    epoch: int
    status: tuple[str, ...]  # per run, in config.runs order
    history: tuple[dict, ...]  # every record up to `epoch` (core.engine.RECORD_COLUMNS)
    views: Views
    done: bool  # the last epoch, or every run diverged
    checkpoints: tuple[pd.DataFrame, ...] = ()  # each core.timeline.checkpoint up to `epoch`, recorded where it trained

    @property
    def runs(self) -> list[tuple[str, int]]:
        return self.config.runs

    def table(self) -> pd.DataFrame:
        """The history as `python -m core train` writes it."""
        return pd.DataFrame(list(self.history), columns=RECORD_COLUMNS)


def snapshot(race: Race, kind: str) -> Snapshot:
    """A race as it is now, with fresh views (the preview of epoch 0, or a race trained in this process)."""
    return Snapshot(race.config, race.epoch, tuple(race.status), tuple(race.history), KINDS[kind](race), race.done)


def epoch_zero(config: RunConfig, kind: str, data: Dataset | None = None) -> Snapshot:
    """Where Start trains from: both losses from the same initial weights (`data`: an uploaded table's)."""
    return snapshot(Race(config, data), kind)
