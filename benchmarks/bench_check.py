"""The checker's speed, from one run: a 6,000-line file, and the whole corpus in one process (issue 14's targets)."""

import argparse
import ast
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.timing import time_interleaved
from core.check import check, check_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "check_corpus"
BIG_FILE_LINES = 6000
BIG_FILE_TARGET_S = 0.5  # "well under a second"
CORPUS_TARGET_S = 2.0  # the whole corpus, one process, interpreter start included


def big_file(lines: int = BIG_FILE_LINES) -> str:
    """Realistic code at least `lines` long: the corpus's training scripts, one after another, repeated."""
    scripts = [p.read_text() for p in sorted(CORPUS.glob("*.py"))]
    text = ""
    while text.count("\n") < lines:
        text += "\n\n".join(scripts) + "\n\n"
    return text


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (the smoke test)")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else 7
    source = big_file()
    files = [str(p) for p in sorted(CORPUS.iterdir()) if p.suffix in (".py", ".ipynb")]
    times = time_interleaved({"parse": lambda: ast.parse(source), "check": lambda: check_text(source, "big.py")}, repeats)
    parse_s, check_s = statistics.median(times["parse"]), statistics.median(times["check"])
    cpu = []
    for _ in range(repeats):  # CPU seconds of this process: what the check costs, whatever else shares the machine
        start = time.process_time()
        check_text(source, "big.py")
        cpu.append(time.process_time() - start)
    cpu_s = statistics.median(cpu)
    lines, found = source.count("\n"), len(check_text(source, "big.py"))
    print(f"{lines}-line file: check {cpu_s * 1000:.0f} ms CPU, {check_s * 1000:.0f} ms wall (ast.parse alone {parse_s * 1000:.0f} ms "
          f"wall, check / parse {check_s / parse_s:.1f}x), {found} findings; target < {BIG_FILE_TARGET_S} s CPU: {verdict(cpu_s < BIG_FILE_TARGET_S)}")  # fmt: skip
    start = time.perf_counter()
    for path in files:
        check(path)
    in_process = time.perf_counter() - start
    walls, cpus = [], []
    for _ in range(repeats):
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "core.check", *files], cwd=ROOT, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(time.perf_counter() - start)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    wall, child_cpu = statistics.median(walls), statistics.median(cpus)
    print(f"corpus, {len(files)} files: {in_process * 1000:.0f} ms checking in this process; `python -m core.check` on all of "
          f"them {wall * 1000:.0f} ms wall ({child_cpu * 1000:.0f} ms CPU), interpreter start included; "
          f"target < {CORPUS_TARGET_S} s wall: {verdict(wall < CORPUS_TARGET_S)}")  # fmt: skip
    print(
        f"summary: 6,000-line file {verdict(cpu_s < BIG_FILE_TARGET_S)}, corpus in one process {verdict(wall < CORPUS_TARGET_S)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
