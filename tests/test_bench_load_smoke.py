"""The load benchmark cannot rot: `--quick` starts a server, races 2 websocket sessions, prints its table and verdicts.

No browser is needed (the sessions speak Streamlit's protocol), so this always runs.
"""

import re

import torch

from benchmarks.bench_load import main

VERDICTS = [
    "every race finishes (2/2)",
    "Start → final frame median",
    "Start → final frame max",
    "first frame max",
    "frames per second min",
    "zero error elements (0)",
    "server peak RSS",
    "Result 'final accuracy' equals Race(config).advance(40)",
]


def test_quick_run_prints_table_and_both_sessions_finish_without_errors(capsys):
    threads = torch.get_num_threads()
    try:
        assert main(["--quick"]) == 0  # sets the app's torch thread count for the expected results
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    assert re.search(r"^\| N sessions \| seeds \| finished \| Start → final frame median / max \| first frame", out, re.M), out
    row = re.search(r"^\| 2 \| same \| (\d)/2 \|.*\| (\d+) \|$", out, re.M)
    assert row and row.groups() == ("2", "0"), f"both sessions should finish with zero errors:\n{out}"
    for verdict in VERDICTS:
        assert re.search(rf"^  (PASS|MISS)  {re.escape(verdict)}", out, re.M), f"missing verdict {verdict!r} in:\n{out}"
