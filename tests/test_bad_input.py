"""Bad links on every page: each bad or unknown value is named in a warning and falls back to its default."""

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from core import misuse, timeline
from core.config import RunConfig
from core.presets import PRESETS
from tests.apptest import open_page
from ui.shell import PAGES

ROOT = Path(__file__).resolve().parents[1]
LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"
MARKDOWN = ["**bold**", "`code`", "$x$", ":red[x]", "[Log in](https://evil.example/x)", "![x](https://evil.example/x.png)"]
TEXT = ["markdown", "caption", "warning", "error", "info", "success", "code", "text", "title", "header", "subheader"]
GOOD = {  # a valid value for every key a page reads, different from every page's default
    "dataset": "digits", "classes": "4", "samples": "300", "noise": "0.2", "label_noise": "0.1", "val_fraction": "0.3",
    "losses": "ce,mae", "hidden": "16", "activation": "relu", "init_scale": "2.0", "optimizer": "adam", "lr": "0.05",
    "momentum": "0.5", "batch_size": "32", "epochs": "20", "seed": "7", "seeds": "2", "square_k": "2.0", "square_m": "3.0",
    "dtype": "float16", "gap": "50", "step": "2", "presenter": "1", "q": "3",
}  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """The keys a page reads from its link (stand-ins where it reads none) and the URL values it falls back to."""

    numbers: tuple[str, ...] = ("lr", "epochs")
    words: tuple[str, ...] = ("dataset",)
    fallback: dict[str, str] = field(default_factory=dict)
    config: RunConfig | None = None  # the page's RunConfig defaults, for the RunConfig fields it reads


def config_spec(defaults: RunConfig, fields: list[str]) -> Spec:
    """A page's RunConfig fields: numbers (int, float) and the rest, falling back to the page's defaults."""
    numbers = tuple(f for f in fields if isinstance(getattr(defaults, f), int | float))
    words = tuple(f for f in fields if f not in numbers)
    return Spec(numbers, words, {f: defaults.to_dict()[f] for f in fields}, defaults)


RACE = list(RunConfig().to_dict())
MISUSE = config_spec(misuse.DEFAULTS, ["dataset", "classes", "epochs", "optimizer", "lr"])
PANEL = {"dtype": "float32", "gap": "200"}  # the misuse lab's stability panel
SPECS = {
    "app.py": Spec(),
    "pages/1_theory.py": Spec(),
    "pages/2_loss_race.py": config_spec(PRESETS["Default"], RACE),
    "pages/3_per_sample_gradients.py": config_spec(timeline.DEFAULT, [f for f in RACE if f not in ("seeds", "square_k", "square_m")]),
    "pages/4_misuse_lab.py": replace(MISUSE, numbers=(*MISUSE.numbers, "gap"), words=(*MISUSE.words, "dtype"), fallback=MISUSE.fallback | PANEL),
    "pages/5_when_mse_is_fine.py": Spec(),
    "pages/6_tour.py": Spec(("step",), ("presenter",), {"step": "1", "presenter": "0"}),
    "pages/7_check_your_code.py": Spec(),  # reads nothing from its link: pasted code never goes into a URL
    "pages/8_practice.py": Spec(("q",), (), {"q": "1"}),
}  # fmt: skip
READERS = [script for script, spec in SPECS.items() if spec.fallback]


def each(keys: tuple[str, ...], values: list) -> dict:
    """Give the keys the values in turn."""
    return {key: values[i % len(values)] for i, key in enumerate(keys)}


CASES = {
    "garbage": lambda s: each(s.numbers + s.words, ["banana"]),
    "nan_inf": lambda s: each(s.numbers, ["nan", "inf", "-inf", "1e999", "NaN", "-Infinity"]) | each(s.words, ["nan"]),
    "negative": lambda s: each(s.numbers, ["-1", "-0.5"]) | each(s.words, ["-8"]),
    "huge": lambda s: each(s.numbers, ["1e9", "99999999999", "1e308"]) | each(s.words, ["1e9"]),
    "many_digits": lambda s: each(s.numbers + s.words, ["9" * 5000]),
    "odd_digits": lambda s: each(s.numbers + s.words, ["²", "½", "1_0e"]),
    "empty": lambda s: each(s.numbers + s.words, ["", "  "]),
    "control": lambda s: each(s.numbers + s.words, ["1\x00", "1\n2", "\u202e1"]),
    "long": lambda s: each(s.numbers + s.words, [LONG]),
    "markup": lambda s: each(s.numbers + s.words, [SCRIPT, *MARKDOWN]),
    "unknown": lambda s: {"utm_source": "x", "k" * 10_000: "1", SCRIPT: "1", "**bold**": "1"},
    "repeated": lambda s: {key: [GOOD[key], "banana"] for key in s.numbers + s.words},  # the last value counts
}


def open_with(script: str, query: dict) -> AppTest:
    """Open a page the way a link does."""
    return open_page(script, timeout=300, **query)


def widgets(at: AppTest) -> dict:
    """Every widget's value, by key (or label)."""
    return {f"{node.type}:{node.key or node.label}": node.value for node in at if isinstance(node, Widget)}


@cache
def default_widgets(script: str) -> dict:
    at = open_with(script, {})
    assert not at.exception, script
    return widgets(at)


def texts(at: AppTest) -> list:
    """The text elements, exceptions included."""
    return [node for kind in TEXT for node in at.get(kind)] + list(at.exception)


def shown(at: AppTest) -> str:
    """All warning text, with Markdown backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", " | ".join(w.value for w in at.warning))


def named(key: str, text: str) -> bool:
    """The key (as the page shortens it) appears as a whole name, so 'seed' does not count for 'seeds'."""
    return re.search(rf"(?<![\w-]){re.escape(key[:40])}(?![\w-])", text) is not None


@pytest.mark.parametrize(
    "script,case", [(s, c) for s in SPECS for c in CASES]
)  # fmt: skip
def test_bad_link_falls_back_with_a_warning(script, case):
    """The page renders, names every bad key in a warning, and keeps its defaults."""
    spec = SPECS[script]
    query = CASES[case](spec)
    at = open_with(script, query)
    assert not at.exception and not at.error, at.exception
    assert [key for key in query if not named(key, shown(at))] == [], shown(at)[:2000]
    assert not [node for node in texts(at) if "Traceback" in str(node.proto)]
    assert widgets(at) == default_widgets(script)
    assert {key: at.query_params.get(key) for key in spec.fallback} == spec.fallback
    if spec.config is not None:
        fields = [f for f in spec.fallback if f in RACE]
        config = RunConfig.from_dict({f: at.query_params[f] for f in fields})
        assert [f for f in fields if getattr(config, f) != getattr(spec.config, f)] == []
    html = [node.value for node in texts(at) if getattr(node.proto, "allow_html", False)]
    assert not [body for body in html if "<script" in body or "onerror" in body]


def test_every_page_has_a_spec():
    """The table covers every page the app has."""
    assert set(SPECS) == {page.script for page in PAGES}


@pytest.mark.parametrize("script", READERS)
def test_repeated_key_reads_the_last_value(script):
    """?lr=banana&lr=0.05 is lr=0.05: no warning, the value applied."""
    spec = SPECS[script]
    keys = spec.numbers + spec.words
    at = open_with(script, {key: ["banana", GOOD[key]] for key in keys})
    assert not at.exception and not at.warning, shown(at)
    assert {key: at.query_params[key] for key in keys} == {key: GOOD[key] for key in keys}


@pytest.mark.parametrize("script", list(SPECS))
def test_markup_in_a_link_is_shown_as_typed(script):
    """A value like [Log in](https://evil.example) is shown as those characters, not rendered as a link or styled text."""
    spec = SPECS[script]
    at = open_with(script, {text: "1" for text in MARKDOWN} | each(spec.numbers + spec.words, MARKDOWN))
    raw = " | ".join(w.value for w in at.warning)
    assert at.warning and [text for text in MARKDOWN if text in raw] == []
