"""`python -m core train|grads --data FILE.csv --label COLUMN`: the columns built-in data gives, the engine's numbers
on the same table, and one error line with exit 2 for every bad file or option."""

import os
import subprocess
import sys

import pandas as pd
import pytest

from core import tabular
from core.cli import main
from core.config import RunConfig
from core.engine import RECORD_COLUMNS, Race
from core.grads import sample_table
from tests.bad_tables import BAD, GOOD
from tests.test_cli_bad_input import assert_one_error_line, run_main

TINY = ["--epochs", "2", "--hidden", "3"]


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "sample.csv"
    path.write_bytes(tabular.sample_csv())
    return path


def engine_race(raw: bytes, label: str, **settings) -> Race:
    """The same run in-process: the table parsed, its config made and trained by the engine directly."""
    table = tabular.parse(raw, label)
    config = tabular.config_for(table, RunConfig(hidden=(3,), epochs=2, **settings))
    race = Race(config, tabular.for_config(table, config))
    race.advance(config.epochs)
    return race


def test_train_on_a_file_writes_the_engines_history(sample, tmp_path):
    out = tmp_path / "h.csv"
    assert main(["train", "--data", str(sample), "--label", "colour", *TINY, "--seed", "4", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == RECORD_COLUMNS
    expected = pd.DataFrame(engine_race(sample.read_bytes(), "colour", seed=4).history, columns=RECORD_COLUMNS)
    pd.testing.assert_frame_equal(table, expected, check_exact=False, rtol=1e-6)


@pytest.mark.parametrize("features", [2, 3])
def test_grads_has_the_columns_built_in_data_gives(features, tmp_path):
    names = [f"f{k}" for k in range(features)]
    rows = [",".join([*(str((k * (j + 3)) % 7) for j in range(features)), "yes" if k % 2 else "no"]) for k in range(30)]
    raw = ("\n".join([",".join([*names, "label"]), *rows]) + "\n").encode()
    data, out = tmp_path / "d.csv", tmp_path / "g.csv"
    data.write_bytes(raw)
    assert main(["grads", "--data", str(data), "--label", "label", *TINY, "--out", str(out)]) == 0
    got = pd.read_csv(out)
    built_in = sample_table(Race(RunConfig(dataset="blobs", classes=2, samples=30, hidden=(3,), epochs=1)))
    expected_columns = list(built_in.columns) if features == 2 else [c for c in built_in.columns if c not in ("x0", "x1")]
    assert list(got.columns) == expected_columns  # x0, x1 only for 2-D data, as for digits
    expected = sample_table(engine_race(raw, "label"))
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-5, check_dtype=False)


@pytest.mark.parametrize("name", list(BAD))
def test_each_bad_file_exits_2_with_one_line(name, tmp_path, capsys):
    raw, phrase = BAD[name]
    path = tmp_path / "bad.csv"
    path.write_bytes(raw)
    assert run_main(["train", "--data", str(path), "--label", "label", *TINY]) == 2
    assert_one_error_line(capsys, "--data")
    assert run_main(["grads", "--data", str(path), "--label", "label", *TINY]) == 2
    out, err = capsys.readouterr()
    assert out == "" and phrase in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "args, name",
    [
        (["--label", "label"], "--data"),
        (["--data", "GOOD"], "--label"),
        (["--data", "GOOD", "--label", "label", "--dataset", "moons"], "--dataset"),
        (["--data", "GOOD", "--label", "label", "--samples", "50"], "--samples"),
        (["--data", "GOOD", "--label", "label", "--classes", "3"], "--classes"),
        (["--data", "GOOD", "--label", "nope"], "--data"),
        (["--data", "MISSING", "--label", "label"], "--data"),
        (["--data", "DIR", "--label", "label"], "--data"),
        (["--data", "GOOD", "--label", "label", "--loss", "bce", "--loss", "ce"], "--loss"),
    ],
    ids=lambda a: " ".join(a)[:50] if isinstance(a, list) else a,
)
def test_bad_data_options_exit_2_naming_the_option(args, name, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    places = {"GOOD": str(good), "MISSING": str(tmp_path / "missing.csv"), "DIR": str(tmp_path)}
    assert run_main(["train", *TINY, *[places.get(a, a) for a in args]]) == 2
    assert_one_error_line(capsys, name)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_file_without_a_size_is_read_only_to_the_cap(capsys):
    """A device reports size 0: reading stops one byte past 5 MB (it used to read /dev/zero until memory ran out)."""
    assert run_main(["train", "--data", "/dev/zero", "--label", "label", *TINY]) == 2
    assert_one_error_line(capsys, "--data")


def test_a_bad_file_in_a_real_process(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD["NaN"][0])
    done = subprocess.run([sys.executable, "-m", "core", "train", "--data", str(path), "--label", "label"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: --data:") and "NaN or inf in column 'x2', row 3" in done.stderr


@pytest.mark.parametrize("option", ["--data", "--label"])
def test_missing_value_of_data_options(option, capsys):
    for args in [[option], [option, "--epochs", "1"]]:
        assert run_main(["train", *args]) == 2
        assert_one_error_line(capsys, option)
