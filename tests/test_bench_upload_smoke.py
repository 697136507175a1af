"""benchmarks/bench_upload.py --quick runs and reports both targets; its largest file is within every limit."""

from benchmarks import bench_upload
from core import tabular


def test_quick_mode_prints_every_measurement(capsys):
    assert bench_upload.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "split and standardise" in out and "uploaded as CSV vs generated" in out and out.count("target") == 2


def test_the_largest_file_is_at_the_limits():
    raw = bench_upload.largest_csv(tabular.MAX_ROWS, 34)
    table = tabular.parse(raw, "label")
    assert 4.5 * 2**20 < len(raw) <= tabular.MAX_BYTES and len(table.y) == tabular.MAX_ROWS and len(table.classes) == 20
