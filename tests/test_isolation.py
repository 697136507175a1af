"""Sessions share one process: nothing trainable is shared, caches hold only tables, torch's global state is left alone."""

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import typing
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import torch
from streamlit.runtime.caching.cache_utils import CachedFunc

import core
import ui
from core.config import RunConfig
from core.data import CLASS_RANGE
from core.engine import Race
from core.snapshots import Snapshot
from ui import cached

ROOT = Path(__file__).resolve().parents[1]
TINY = RunConfig(samples=40, hidden=(4,), epochs=2).to_dict()
SHARED_STATE = (torch.nn.Module, torch.optim.Optimizer, torch.Generator, Race)  # each belongs to one session
CACHED_CALLS = {  # every ui.cached function on a tiny input: a new one must be added here
    "race_history": (TINY,),
    "final_samples": (TINY,),
    "calibration": (TINY,),
    "label_noise": (TINY, (0.0, 0.2)),
    "class_counts": (TINY, (2, 3), 1.0, 1.0),
    "checkpoints": (TINY,),
    "misuse_sweep": ((2, 3), 0),
    "misuse_thresholds": (),
}


def app_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def test_no_cache_resource_in_the_app():
    assert len(app_sources()) > 10
    # cache_resource hands one object to every session; experimental_singleton is its old name
    found = [p.name for p in app_sources() if re.search(r"cache_resource|experimental_singleton", p.read_text())]
    assert found == []


def test_no_model_optimizer_generator_or_race_in_module_globals():
    found = []
    for package in (core, ui):
        for info in pkgutil.iter_modules(package.__path__):
            if info.name == "__main__":  # runs the CLI on import
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                values = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
                if any(isinstance(v, SHARED_STATE) or (isinstance(v, torch.Tensor) and v.requires_grad) for v in values):
                    found.append(f"{module.__name__}.{name}")
    assert found == []


def cached_functions() -> dict[str, CachedFunc]:
    return {name: value for name, value in vars(cached).items() if isinstance(value, CachedFunc)}


def test_every_cached_function_is_called_below():
    assert set(cached_functions()) == set(CACHED_CALLS)


def only_pandas(value) -> bool:
    """A DataFrame or Series (or a tuple of them) whose cells hold no tensor, model or Race."""
    if isinstance(value, tuple):
        return bool(value) and all(only_pandas(v) for v in value)
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if not isinstance(value, pd.DataFrame):
        return False
    cells = [v for column in value if value[column].dtype.kind == "O" for v in value[column]]
    return not any(isinstance(v, SHARED_STATE + (torch.Tensor,)) for v in cells)


def only_results(snap: Snapshot) -> bool:
    """A snapshot holds plain values: a config, records of numbers and strings, tables, PNG bytes."""
    views = snap.views
    plain = (str, int, float, bool)
    records = all(isinstance(v, plain) for record in snap.history for v in record.values())
    tables = all(t is None or only_pandas(t) for t in (views.p_true, views.confidence))
    return records and tables and all(isinstance(png, bytes) for _, png in views.regions)


@pytest.mark.parametrize("name", list(CACHED_CALLS))
def test_cached_functions_return_only_pandas_or_snapshots(name):
    function = cached_functions()[name]
    annotation = inspect.signature(function._info.func).return_annotation
    assert set(typing.get_args(annotation) or [annotation]) <= {pd.DataFrame, pd.Series, Snapshot}, annotation
    value = function(*CACHED_CALLS[name])
    assert only_results(value) if isinstance(value, Snapshot) else only_pandas(value), f"{name} returned {type(value).__name__}"


def test_only_pandas_rejects_what_must_not_be_cached():
    race = Race(RunConfig.from_dict(TINY))
    assert not only_pandas(race)
    assert not only_pandas(torch.zeros(2))
    assert not only_pandas(pd.DataFrame({"model": [race.model]}))
    assert only_pandas((pd.DataFrame({"a": [1]}), pd.Series([1.0])))


def test_importing_the_shell_sets_one_torch_thread():
    # a fresh interpreter: this test process may have imported ui.shell already
    code = "import torch; torch.set_num_threads(3); import ui.shell; print(torch.get_num_threads())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"


RNG_CONFIGS = [replace(RunConfig.from_dict(TINY), dataset=name, classes=low) for name, (low, _) in CLASS_RANGE.items()]
RNG_CONFIGS += [replace(RunConfig.from_dict(TINY), label_noise=0.2, batch_size=8, seeds=2, init_scale=3.0)]


@pytest.mark.parametrize("config", RNG_CONFIGS, ids=lambda c: f"{c.dataset}-bs{c.batch_size}")
def test_training_never_touches_torch_global_rng(config):
    # another session's Race draws in between ours: with the global RNG, its numbers would depend on ours
    torch.manual_seed(1234)
    before = torch.get_rng_state()
    Race(config).advance(config.epochs)
    assert torch.equal(torch.get_rng_state(), before)
