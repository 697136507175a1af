"""Your own data at the core: every bad file gets one clear TableError, a good one becomes a Dataset split and
standardised exactly as an independent numpy computation says, trained by the engine like any built-in dataset."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from core import tabular
from core.config import ConfigError, RunConfig
from core.engine import Race
from tests.bad_tables import BAD, GOOD

SETTINGS = RunConfig(hidden=(4,), epochs=3)


@pytest.mark.parametrize("name", list(BAD))
def test_each_bad_file_gets_one_line_naming_its_problem(name):
    raw, phrase = BAD[name]
    with pytest.raises(tabular.TableError) as caught:
        tabular.parse(raw, "label")
    message = str(caught.value)
    assert phrase in message and "\n" not in message and len(message) < 300, message


def test_header_checks_come_before_the_label_column_is_known():
    assert tabular.columns(GOOD) == ["x1", "x2", "label"]
    with pytest.raises(tabular.TableError, match="binary"):
        tabular.columns(BAD["binary"][0])


def test_integer_classes_sort_as_numbers_and_strings_as_text():
    ints = tabular.parse(b"x,label\n" + b"".join(b"%d,%d\n" % (k, c) for k, c in enumerate([10, 2, 2, 10, -1])), "label")
    assert ints.classes == ("-1", "2", "10") and ints.y.tolist() == [2, 1, 1, 2, 0]
    words = tabular.parse(b"x,label\n1,pear\n2,apple\n3,pear\n", "label")
    assert words.classes == ("apple", "pear") and words.y.tolist() == [1, 0, 1]


def test_any_column_may_be_the_label_and_the_rest_are_features():
    table = tabular.parse(b"kind,a,b\ncat,1,2\ndog,3,4\n", "kind")
    assert table.features == ("a", "b") and table.x.tolist() == [[1, 2], [3, 4]] and table.classes == ("cat", "dog")


def test_utf8_bom_quotes_and_blank_lines_are_read():
    table = tabular.parse('\ufeff"x, one",label\n\n"1.5",a\n2e3,"b"\n'.encode(), "label")
    assert table.features == ("x, one",) and table.x.flatten().tolist() == [1.5, 2000.0]


def numpy_split(table, val_fraction, seed):
    """The split and standardisation done independently: the permutation from torch, the rest in numpy float64."""
    order = torch.randperm(len(table.y), generator=torch.Generator().manual_seed(seed)).numpy()
    x, y = table.x.numpy().astype(np.float64)[order], table.y.numpy()[order]
    n_val = round(val_fraction * len(y))
    mean, std = x[n_val:].mean(0), x[n_val:].std(0)
    std[std == 0] = 1
    return (x[n_val:] - mean) / std, y[n_val:], (x[:n_val] - mean) / std, y[:n_val]


def test_standardised_with_the_training_split_only():
    raw = b"a,b,c,label\n" + b"".join(b"%d,%d,7,%d\n" % (k, k * k, k % 3) for k in range(50))  # c is constant
    table = tabular.parse(raw, "label")
    data = tabular.dataset(table, val_fraction=0.3, noise=0.0, label_noise=0.0, seed=5)
    x_train, y_train, x_val, y_val = numpy_split(table, 0.3, 5)
    np.testing.assert_allclose(data.x_train.numpy(), x_train, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(data.x_val.numpy(), x_val, rtol=1e-6, atol=1e-6)
    assert data.y_train.tolist() == y_train.tolist() and data.y_val.tolist() == y_val.tolist()
    assert data.x_val.mean(0).abs().max() > 0.05  # the validation rows did not set the statistics
    assert data.x_train[:, 2].eq(0).all() and data.num_classes == 3 and data.input_dim == 3


def test_seed_noise_and_label_noise_as_for_built_in_data():
    table = tabular.parse(tabular.sample_csv(), "colour")
    same = [tabular.dataset(table, 0.2, 0.1, 0.2, seed=3) for _ in range(2)]
    assert torch.equal(same[0].x_train, same[1].x_train) and torch.equal(same[0].y_train, same[1].y_train)
    other = tabular.dataset(table, 0.2, 0.1, 0.2, seed=4)
    assert not torch.equal(same[0].x_train, other.x_train)
    clean = tabular.dataset(table, 0.2, 0.0, 0.0, seed=3)
    noise = same[0].x_train - clean.x_train
    assert 0.07 < noise.std().item() < 0.13  # noise std 0.1 in standardised units
    flipped = (same[0].y_train != clean.y_train).float().mean().item()
    assert flipped == pytest.approx(0.2, abs=1 / len(clean.y_train)) and torch.equal(same[0].y_val, clean.y_val)


def test_the_config_names_the_table_by_shape_and_digest_not_content():
    table = tabular.parse(GOOD, "label")
    config = tabular.config_for(table, SETTINGS)
    assert (config.dataset, config.samples, config.classes) == ("csv", 4, 2)
    assert config.source == f"csv:4x2:{table.digest}" and RunConfig.from_dict(config.to_dict()) == config
    assert "source" not in SETTINGS.to_dict()  # built-in configs (links, shipped tables) are as they were
    other = tabular.parse(GOOD.replace(b"2,2,a", b"2,3,a"), "label")
    assert other.source != table.source
    two = b"a,b\n1,0\n0,1\n"
    assert tabular.parse(two, "a").source != tabular.parse(two, "b").source  # the label column is part of it


@pytest.mark.parametrize(
    "change, field",
    [({"source": "csv:4x2:nothex"}, "source"), ({"samples": 5}, "samples"), ({"classes": 21}, "classes"),
     ({"dataset": "moons"}, "dataset"), ({"losses": ("bce",)}, "losses")],
)  # fmt: skip
def test_a_table_config_that_does_not_fit_names_its_field(change, field):
    config = tabular.config_for(tabular.parse(tabular.sample_csv(), "colour"), SETTINGS)
    with pytest.raises(ConfigError) as caught:
        replace(config, **change)
    assert caught.value.field == field


def test_the_engine_trains_it_like_a_built_in_dataset_and_refuses_it_without_the_table():
    table = tabular.parse(tabular.sample_csv(), "colour")
    config = tabular.config_for(table, SETTINGS)
    race = Race(config, tabular.for_config(table, config))
    race.advance(config.epochs)
    assert [r["epoch"] for r in race.history] == [0, 0, 1, 1, 2, 2, 3, 3] and set(race.status) == {"ok"}
    with pytest.raises(ValueError, match="uploaded table"):
        Race(config)
    with pytest.raises(ValueError, match="not this table"):
        tabular.for_config(tabular.parse(GOOD, "label"), config)


def test_the_sample_file_reads_back_as_three_spiral_arms():
    table = tabular.parse(tabular.sample_csv(), "colour")
    assert table.features == ("feature_1", "feature_2") and table.classes == ("blue", "green", "red")
    assert len(table.y) == 300 and torch.bincount(table.y).tolist() == [100, 100, 100]
