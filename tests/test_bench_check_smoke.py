"""benchmarks/bench_check.py --quick runs and reports both targets; its big file is as long as it says."""

from benchmarks import bench_check


def test_quick_mode_prints_every_measurement(capsys):
    assert bench_check.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for line in ["-line file: check", "corpus, ", "summary: 6,000-line file"]:
        assert line in out


def test_big_file_is_at_least_6000_lines_of_corpus_code():
    text = bench_check.big_file()
    assert text.count("\n") >= 6000 and "nn.CrossEntropyLoss()" in text
