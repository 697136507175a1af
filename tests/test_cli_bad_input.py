"""`python -m core`: every bad argument exits 2 with one line that starts with "error:" and names it."""

import os
import re
import subprocess
import sys
from dataclasses import fields

import pytest

from core.cli import main
from core.config import RunConfig

TINY = ["--samples", "30", "--epochs", "1", "--hidden", "2"]  # in case a bad value were taken: seconds, not minutes
NUMBERS = [f"--{f.name.replace('_', '-')}" for f in fields(RunConfig) if f.type in (int, float, "int", "float")]
NUMBER_VALUES = ["banana", "nan", "inf", "1e999", "-1", "-0.5", "1e9", "99999999999", "9" * 5000, "", " ", "²", "1\n2"]
WORDS = {
    "--dataset": ["banana", "", "nan", "x" * 10_000, "<script>alert(1)</script>", "blobs\x00"],
    "--activation": ["banana", "", "gelu", "-1"],
    "--optimizer": ["banana", "", "lbfgs"],
    "--loss": ["banana", "", ",", "ce,ce", "x" * 10_000],
    "--hidden": ["banana", "", ",", "-1", "0,0", "1e9", "9" * 5000, "1,1,1,1,1", "32,,32", "x" * 10_000],
}
IN_TEST_CLI = [["--lr", "-1"], ["--epochs", "1e9"]]
CASES = [
    case
    for case in [[option, value] for option in NUMBERS for value in NUMBER_VALUES]
    + [[f"{option}=-inf"] for option in NUMBERS]  # `--lr -inf` reads -inf as an option: see test_missing_value
    + [[option, value] for option, values in WORDS.items() for value in values]
    if case not in IN_TEST_CLI
]


def run_main(args: list[str]) -> int:
    """core.cli.main in-process: its return code, or the code it exits with."""
    try:
        return main(args)
    except SystemExit as stop:
        return stop.code


def assert_one_error_line(capsys, name: str) -> None:
    """Nothing on stdout; one stderr line starting with 'error:' that names `name` (not '--seed' for '--seeds')."""
    out, err = capsys.readouterr()
    assert out == "" and err.endswith("\n") and len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and "Traceback" not in err, err
    assert re.search(rf"{re.escape(name)}(?![\w-])", err), err


def option_of(args: list[str]) -> str:
    return args[0].split("=")[0]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:40])
def test_bad_value_exits_2_naming_the_option(args, capsys):
    """Garbage, NaN/inf, negative, huge, empty, long and markup values for every option."""
    assert run_main(["train", *TINY, *args]) == 2
    assert_one_error_line(capsys, option_of(args))


@pytest.mark.parametrize("args", [["--lr", "nan"], ["--hidden", "x"], ["--loss", "bce"], ["--seeds", "9"]], ids=str)
def test_grads_rejects_the_same_way(args, capsys):
    """grads parses and validates like train."""
    assert run_main(["grads", *TINY, *args]) == 2
    assert_one_error_line(capsys, option_of(args))


@pytest.mark.parametrize("option", [*NUMBERS, *WORDS, "--out"])
def test_missing_value(option, capsys):
    """An option at the end, or followed by another option or by a value argparse reads as one (-inf)."""
    for args in [[option], [option, "--epochs", "1"], [option, "-inf"]]:
        assert run_main(["train", *args]) == 2
        assert_one_error_line(capsys, option)


@pytest.mark.parametrize(
    "args,name",
    [
        (["--learning-rate", "0.1"], "--learning-rate"),
        (["--lr0", "1"], "--lr0"),
        (["-x"], "-x"),
        (["--l", "1"], "--l"),  # ambiguous: --label-noise, --loss, --lr
        (["--ep", "1"], "--ep"),  # unambiguous, but an abbreviation is not taken either
        (["--epoch", "1"], "--epoch"),
        (["--square", "2"], "--square"),
        (["extra"], "extra"),
        (["--", "--lr", "1"], "--lr"),
        (["x" * 10_000], "x" * 10_000),
        (["<script>alert(1)</script>"], "<script>alert(1)</script>"),
        (["x\ry"], "x"),
    ],
    ids=lambda a: str(a)[:30],
)
def test_unknown_argument(args, name, capsys):
    """Unknown, ambiguous and stray arguments are named."""
    assert run_main(["train", *args]) == 2
    assert_one_error_line(capsys, name)


@pytest.mark.parametrize(
    "args,name",
    [
        (["--loss", "ce", "--loss", "ce"], "--loss"),
        (["--loss", "ce", "--loss", "mse", "--loss", "bce"], "--loss"),
        (["--lr", "0.1", "--lr", "banana"], "--lr"),
        (["--seeds", "2", "--seeds", "100"], "--seeds"),
        (["--out", os.devnull, "--out", "/no/such/dir/h.csv"], "--out"),
    ],
    ids=lambda a: str(a)[:40],
)
def test_repeated_options(args, name, capsys):
    """--loss adds up (duplicates, mixed kinds and more than six fail); other options keep their last value."""
    assert run_main(["train", *TINY, *args]) == 2
    assert_one_error_line(capsys, name)


def test_repeated_option_last_good_value_counts(tmp_path, capsys):
    """--lr banana --lr 0.1 trains with 0.1, like a repeated key in a link."""
    out = tmp_path / "h.csv"
    assert run_main(["train", *TINY, "--lr", "banana", "--lr", "0.1", "--out", str(out)]) == 0
    assert out.read_text().startswith("run,seed,epoch") and capsys.readouterr().out == ""


def test_out_is_a_directory_or_under_a_file(tmp_path, capsys):
    """--out must name a file that can be created."""
    (tmp_path / "file").write_text("")
    for path in [tmp_path, tmp_path / "file" / "h.csv", tmp_path / ("a" * 300)]:
        assert run_main(["grads", *TINY, "--out", str(path)]) == 2
        assert_one_error_line(capsys, "--out")
    assert (tmp_path / "file").read_text() == ""


def test_empty_out(capsys):
    """An empty --out is an error, not a silent switch to standard output."""
    assert run_main(["train", *TINY, "--out", ""]) == 2
    assert_one_error_line(capsys, "--out")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_out_that_fails_on_write(capsys):
    """A file that opens but cannot be written (a full disk): one line, exit 2."""
    assert run_main(["train", *TINY, "--out", "/dev/full"]) == 2
    assert_one_error_line(capsys, "--out")


def cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=120, **kwargs)


def test_real_process_bad_values():
    """A real `python -m core`: exit 2, one line, nothing on stdout."""
    for args, line in [
        (["grads", "--lr=-inf"], "error: --lr: must be finite, got '-inf'"),
        (["train", "--hidden", "9" * 5000], "error: --hidden: expected an integer, got '" + "9" * 39),
        (["train", "--loss"], "error: argument --loss: expected one argument"),
    ]:
        result = cli(*args)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.splitlines() == [line]


def test_real_process_out_is_a_directory(tmp_path):
    result = cli("grads", *TINY, "--out", str(tmp_path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: --out: cannot write {str(tmp_path)!r}: Is a directory"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_real_process_stdout_that_fails_on_write():
    """`python -m core train > /dev/full`: one error line, no traceback."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "core", "train", *TINY], stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")


@pytest.mark.parametrize("args", [[], ["--foo"]], ids=["nothing", "an option first"])
def test_no_command_says_a_command_comes_first(args, capsys):
    assert run_main(args) == 2
    assert_one_error_line(capsys, "train|grads|check")
