"""`python -m core check`: lint lines, JSON, exit codes 0/1/2, and every bad input as one line, never a traceback."""

import json
import os
import subprocess
import sys

import pytest

from core.check.cli import main
from tests.check_labels import CORPUS

BUG = "import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n"
INFO = "import torch.nn.functional as F\nloss = F.cross_entropy(F.log_softmax(z, dim=1), y)\n"


def run_main(args, capsys):
    try:
        code = main(args)
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def test_text_output_like_a_linter(tmp_path, capsys):
    path = write(tmp_path, "train.py", BUG)
    code, out, err = run_main([path], capsys)
    assert code == 1 and err == ""
    assert (
        out
        == f"{path}:2:8: softmax-into-cross-entropy softmax probabilities from `F.softmax(z, dim=1)` (line 2) reach F.cross_entropy, which applies log_softmax itself\n"
    )


def test_json_output_has_every_field(tmp_path, capsys):
    code, out, _ = run_main([write(tmp_path, "a.py", BUG), "--format", "json", "--app-url", "https://lab.example/"], capsys)
    [row] = json.loads(out)
    assert code == 1 and {"path", "line", "col", "rule", "severity", "message", "fix", "demo"} <= set(row)
    assert (row["rule"], row["severity"], row["fix"]) == ("softmax-into-cross-entropy", "error", "loss = F.cross_entropy(z, y)")
    assert row["demo"] == "https://lab.example/misuse_lab?classes=5#1-double-softmax-trained"


def test_exit_codes(tmp_path, capsys):
    clean, info = write(tmp_path, "clean.py", "x = 1\n"), write(tmp_path, "info.py", INFO)
    assert run_main([clean], capsys)[0] == 0
    code, out, _ = run_main([info], capsys)
    assert code == 0 and "log-softmax-into-cross-entropy" in out  # info is shown, never fails the run
    assert run_main([clean, write(tmp_path, "bug.py", BUG)], capsys)[0] == 1
    assert run_main([write(tmp_path, "bug2.py", BUG), str(tmp_path / "missing.py")], capsys)[0] == 2  # unreadable wins
    assert run_main([str(CORPUS / "clean_notebook.ipynb"), str(CORPUS / "bug_notebook_softmax.ipynb")], capsys)[0] == 1


BAD = {
    "binary.py": (b"\x7fELF\x00\x01\x02", 2, "a binary file, not text"),
    "latin1.py": (b"x = '\xe9'\n", 2, "not UTF-8 text (byte 0xe9 at offset 5)"),
    "nb.ipynb": (b'{"cells": [', 2, "not a notebook: not JSON"),
    "list.ipynb": (b"[1, 2]", 2, "not a notebook: no list of cells"),
    "empty.ipynb": (b"", 0, "empty notebook, no code cells to check"),
    "nocells.ipynb": (b'{"cells": [{"cell_type": "markdown", "source": "# hi"}]}', 0, "empty notebook, no code cells"),
    "deep.py": (("x = " + "+".join(["1"] * 300_000) + "\n").encode(), 1, "syntax-error nested too deeply for Python's parser"),
    "parens.py": (("x = " + "(" * 300 + ")" * 300 + "\n").encode(), 1, "syntax-error too many nested parentheses"),
    "long.py": (("x = [" + ",".join(["1"] * 500_000) + "]\n").encode(), 0, ""),  # a 1 MB single line
    "empty.py": (b"", 0, ""),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_one_clear_line(tmp_path, capsys, name):
    content, expected, text = BAD[name]
    code, out, err = run_main([write(tmp_path, name, content)], capsys)
    assert code == expected and "Traceback" not in out + err
    said = (out + err).strip()
    assert text in said and len(said.splitlines()) <= 1


def test_missing_path_and_directory(tmp_path, capsys):
    code, _, err = run_main([str(tmp_path / "nope.py")], capsys)
    assert code == 2 and err == f"error: {tmp_path / 'nope.py'}: no such file\n"
    code, _, err = run_main([str(tmp_path)], capsys)
    assert code == 2 and err == f"error: {tmp_path}: is a directory, not a file\n"


def test_bad_arguments_exit_2_with_one_line(capsys):
    for args in [[], ["--format", "xml", "a.py"], ["--form", "json", "a.py"]]:
        code, out, err = run_main(args, capsys)
        assert code == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1


def test_real_processes_and_standard_input():
    for module in (["core", "check"], ["core.check"]):
        done = subprocess.run([sys.executable, "-m", *module, "-"], input=BUG, capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and done.stdout.startswith("<stdin>:2:8: softmax-into-cross-entropy ") and done.stderr == ""
    done = subprocess.run([sys.executable, "-m", "core.check", "-"], input=b"\xff\xfe", capture_output=True, timeout=60)
    assert done.returncode == 2 and done.stderr == b"error: <stdin>: not UTF-8 text (byte 0xff at offset 0)\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("form", ["text", "json"])
def test_standard_output_that_fails_on_write_is_one_line(tmp_path, form):
    """`python -m core check train.py > /dev/full`: exit 2 and one error line, as `python -m core train` does."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "core", "check", "--format", form, write(tmp_path, "t.py", BUG)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    assert (done.returncode, done.stderr) == (2, "error: cannot write standard output: No space left on device\n")
