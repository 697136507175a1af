"""RunConfig: every field validated with a message naming it; lossless string round-trip; URL fallback."""

from dataclasses import replace

import pytest

from core.config import ConfigError, RunConfig, from_query

BAD = [
    ({"dataset": "mnist"}, "dataset", "unknown dataset"),
    ({"dataset": "moons", "classes": 3}, "classes", "the moons dataset has exactly 2 classes, got 3"),
    ({"classes": 1}, "classes", "[2, 10]"),
    ({"samples": 10**7}, "samples", "[20, 5000]"),
    ({"losses": ("ce", "hinge")}, "losses", "unknown loss"),
    ({"losses": ()}, "losses", "at least one"),
    ({"losses": ("ce", "ce")}, "losses", "once"),
    ({"losses": ("bce",)}, "losses", "classes = 2"),
    ({"losses": ("bce", "ce"), "classes": 2}, "losses", "cannot race"),
    ({"lr": 0.0}, "lr", "(0.0, 100.0]"),
    ({"lr": -1.0}, "lr", "(0.0, 100.0]"),
    ({"epochs": 10**6}, "epochs", "[1, 3000]"),
    ({"hidden": (32, 10**5)}, "hidden", "[1, 256]"),
    ({"hidden": (4,) * 9}, "hidden", "at most 4"),
    ({"activation": "gelu"}, "activation", "tanh or relu"),
    ({"optimizer": "lbfgs"}, "optimizer", "adam or sgd"),
    ({"init_scale": 0.0}, "init_scale", "(0.0, 100.0]"),
    ({"seeds": 9}, "seeds", "[1, 8]"),
    ({"batch_size": -1}, "batch_size", "[0, 5000]"),
    ({"label_noise": 0.9}, "label_noise", "[0.0, 0.5]"),
]


@pytest.mark.parametrize("changes,field,text", BAD)
def test_bad_values_name_field_and_range(changes, field, text):
    with pytest.raises(ConfigError) as err:
        RunConfig(**changes)
    assert err.value.field == field and text in str(err.value) and str(err.value).startswith(field)


@pytest.mark.parametrize(
    "config",
    [
        RunConfig(),
        RunConfig(hidden=(), lr=1e-3, noise=0.123456789),
        RunConfig(dataset="moons", classes=2, losses=("bce", "mse-sigmoid"), seeds=8, init_scale=12.5),
    ],
)
def test_round_trip_through_strings(config):
    flat = config.to_dict()
    assert all(isinstance(v, str) for v in flat.values())
    assert RunConfig.from_dict(flat) == config
    assert flat["hidden"] != "" and RunConfig.from_dict({"hidden": "0"}).hidden == ()


def test_from_dict_rejects_unknown_and_garbage():
    with pytest.raises(ConfigError, match="unknown setting"):
        RunConfig.from_dict({"colour": "red"})
    with pytest.raises(ConfigError, match="expected an integer"):
        RunConfig.from_dict({"epochs": "many"})
    with pytest.raises(ConfigError, match="finite"):
        RunConfig.from_dict({"lr": "inf"})


def test_from_query_falls_back_per_field_with_warnings():
    config, warnings = from_query({"lr": "nan", "epochs": "50", "zzz": "1", "classes": "99", "dataset": "moons"})
    assert config == replace(RunConfig(), epochs=50)
    joined = " | ".join(warnings)
    assert "lr" in joined and "zzz" in joined and "classes" in joined and "dataset" in joined


def test_from_query_applies_fields_that_need_each_other():
    config, warnings = from_query({"dataset": "moons", "classes": "2", "losses": "bce,mse-sigmoid"})
    assert (config.dataset, config.classes, config.losses, warnings) == ("moons", 2, ("bce", "mse-sigmoid"), [])


def test_loss_options_only_for_the_square_loss():
    config = RunConfig(losses=("ce", "mse-logits"), square_k=2.0, square_m=7.0)
    assert config.loss_options("mse-logits") == {"k": 2.0, "m": 7.0} and config.loss_options("ce") == {}
    with pytest.raises(ConfigError, match="square_k"):
        RunConfig(square_k=0.0)


def test_work_cap_bounds_cpu_time_and_counts_parameters():
    from core.config import MAX_WORK, parameter_count

    assert parameter_count(RunConfig(hidden=(32, 32), classes=3)) == (2 + 1) * 32 + (32 + 1) * 32 + (32 + 1) * 3
    assert parameter_count(RunConfig(dataset="digits", classes=10, hidden=())) == (64 + 1) * 10
    assert parameter_count(RunConfig(dataset="moons", classes=2, losses=("bce",), hidden=(4,))) == 3 * 4 + 5 * 1
    with pytest.raises(ConfigError, match="exceeds") as err:
        RunConfig(samples=5000, epochs=3000, hidden=(256, 256), seeds=8)
    assert err.value.field == "epochs" and MAX_WORK == 2e10
