"""The checker on the labelled corpus: exact rule sets, labels proven by running each snippet, recall and precision."""

import importlib.util

import pytest

from core.check import check
from tests.check_labels import CORPUS, LABELS, NEEDS, code_of
from tests.check_runtime import run

FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".py", ".ipynb"))


def found(name: str) -> set[str]:
    return {f.rule for f in check(str(CORPUS / name))[1]}


def test_every_snippet_is_labelled_and_the_corpus_is_big_enough():
    assert set(FILES) == set(LABELS)
    assert sum(bool(rules) for rules in LABELS.values()) >= 25 and sum(not rules for rules in LABELS.values()) >= 15


@pytest.mark.parametrize("name", FILES)
def test_checker_finds_exactly_the_labelled_rules(name):
    assert found(name) == LABELS[name]


@pytest.mark.parametrize("name", FILES)
def test_running_the_snippet_proves_its_label(name):
    if name in NEEDS and importlib.util.find_spec(NEEDS[name]) is None:
        pytest.skip(f"{NEEDS[name]} is not installed: the snippet cannot run here")
    recorder = run(code_of(CORPUS / name), name)
    assert recorder.losses or recorder.rules, "the snippet never reached a loss"
    assert recorder.rules == LABELS[name]
    raises = LABELS[name] & {"logits-into-bce", "long-one-hot-target"}  # torch refuses these at the loss
    assert (recorder.error is not None) == bool(raises), recorder.error


def test_recall_and_precision(capsys):
    pairs = [(rule, name) for name, rules in LABELS.items() for rule in rules]
    hits = [(rule, name) for name in FILES for rule in found(name)]
    true = set(pairs) & set(hits)
    recall, precision = len(true) / len(pairs), len(true) / max(len(hits), 1)
    with capsys.disabled():
        print(f"\ncheck corpus: {len(FILES)} snippets, recall {recall:.1%} ({len(true)}/{len(pairs)}), "
              f"precision {precision:.1%} ({len(true)}/{len(hits)})")  # fmt: skip
    assert recall == precision == 1.0
