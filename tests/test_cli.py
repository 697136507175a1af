"""`python -m core`: the CSV contract and exit code 2 with one line for every bad argument."""

import subprocess
import sys

import pandas as pd
import pytest

from core.cli import main
from core.config import RunConfig
from core.engine import Race
from core.grads import sample_table

SMALL = ["--samples", "80", "--hidden", "6", "--epochs", "4"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=120)


def test_train_writes_documented_columns(tmp_path):
    out = tmp_path / "h.csv"
    assert main(["train", *SMALL, "--seeds", "2", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "run",
        "seed",
        "epoch",
        "loss",
        "accuracy",
        "val_accuracy",
        "mean_dlogit_norm",
        "grad_norm",
        "status",
    ]
    assert len(table) == 2 * 2 * 5 and set(table.seed) == {0, 1} and set(table.run) == {"ce", "mse"}


def test_train_csv_equals_engine_history(tmp_path):
    out = tmp_path / "h.csv"
    main(["train", *SMALL, "--loss", "ce", "--loss", "mse-logits", "--out", str(out)])
    race = Race(RunConfig(samples=80, hidden=(6,), epochs=4, losses=("ce", "mse-logits")))
    race.advance(4)
    expected = pd.DataFrame(race.history)
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_dtype=False, rtol=1e-6)


def test_grads_rows_match_sample_table(tmp_path):
    out = tmp_path / "g.csv"
    args = [
        "grads",
        "--dataset",
        "moons",
        "--classes",
        "2",
        "--loss",
        "bce",
        "--loss",
        "mse-sigmoid",
        "--hidden",
        "0",
        "--samples",
        "50",
        "--epochs",
        "3",
    ]
    assert main([*args, "--out", str(out)]) == 0
    table = pd.read_csv(out)
    race = Race(RunConfig(dataset="moons", classes=2, losses=("bce", "mse-sigmoid"), hidden=(), samples=50, epochs=3))
    race.advance(3)
    pd.testing.assert_frame_equal(table, sample_table(race), check_dtype=False, rtol=1e-5)
    assert {"run", "index", "label", "p_true", "dlogit_norm", "param_grad_norm", "prob_0", "prob_1", "x0", "x1"} <= set(
        table.columns
    )


def test_playground_pair_on_a_playground_set(tmp_path):
    """`--loss square-tanh --loss bce --dataset pg-xor` works like any other pair: the CSV is the engine's history."""
    out, args = tmp_path / "h.csv", ["--dataset", "pg-xor", "--classes", "2", "--samples", "100", "--hidden", "4,2"]
    assert (
        main(["train", "--loss", "square-tanh", "--loss", "bce", *args, "--batch-size", "10", "--epochs", "3", "--out", str(out)])
        == 0
    )
    config = RunConfig(
        dataset="pg-xor", classes=2, samples=100, hidden=(4, 2), batch_size=10, epochs=3, losses=("square-tanh", "bce")
    )
    race = Race(config)
    race.advance(3)
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.DataFrame(race.history), check_dtype=False, rtol=1e-6)
    assert set(pd.read_csv(out).run) == {"square-tanh", "bce"}


def test_stdout_when_no_out():
    result = cli("train", *SMALL)
    assert result.returncode == 0 and result.stdout.startswith("run,seed,epoch,loss")


@pytest.mark.parametrize(
    "args,name",
    [
        (["train", "--lr", "-1"], "--lr"),
        (["train", "--lr", "abc"], "--lr"),
        (["train", "--epochs", "1e9"], "--epochs"),
        (["train", "--dataset", "imagenet"], "--dataset"),
        (["train", "--loss", "bce"], "--loss"),
        (["train", "--loss", "square-tanh", "--loss", "ce"], "--loss"),
        (["train", "--dataset", "pg-gauss", "--classes", "2", "--noise", "0.9"], "--noise"),
        (["train", "--classes", "0"], "--classes"),
        (["train", "--hidden", "32,x"], "--hidden"),
        (["train", "--seeds", "100"], "--seeds"),
        (["train", "--bogus", "3"], "--bogus"),
        (["train", "--lr"], "--lr"),
        (["train", "--out", "/no/such/dir/h.csv"], "--out"),
        (["fly"], "fly"),
        ([], "command"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, name, capsys):
    with pytest.raises(SystemExit) as stop:
        code = main(args)
        raise SystemExit(code)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and name in err and "Traceback" not in err


def test_bad_argument_in_a_real_process():
    result = cli("train", "--init-scale", "nan")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["error: --init-scale: must be finite, got 'nan'"]


def test_a_cli_process_ends_with_the_apps_numbers(tmp_path):
    """A fresh CLI process (torch would default to every core) sums like the app's one-thread worker: equal floats."""
    out, config = tmp_path / "h.csv", RunConfig(samples=300, hidden=(16, 16), epochs=60)
    assert cli("train", "--samples", "300", "--hidden", "16,16", "--epochs", "60", "--out", str(out)).returncode == 0
    race = Race(config)  # this process runs TORCH_THREADS threads (tests/conftest.py), as ui/shell.py and the worker
    race.advance(config.epochs)
    assert pd.read_csv(out, float_precision="round_trip").loss.tolist() == [r["loss"] for r in race.history]
