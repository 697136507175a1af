"""Shared test settings: a small, fast config and float64 where gradients are compared."""

import pytest
import torch

from core.config import TORCH_THREADS, RunConfig
from ui import specs

torch.set_num_threads(TORCH_THREADS)  # as the app, its worker and the CLI: engine numbers match theirs exactly
specs.VALIDATE = True  # every cached Vega-Lite spec a test builds is checked against the schema (ui/specs.py)


@pytest.fixture
def small_config() -> RunConfig:
    return RunConfig(samples=120, hidden=(8,), epochs=5)


@pytest.fixture
def float64():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)
