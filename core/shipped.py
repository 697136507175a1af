"""The pages' slowest default experiments, trained once by `python -m core.shipped` and shipped as CSV files (Parquet for
the per-sample checkpoints' float32), so a first visit reads them instead of training for seconds; tests/test_shipped.py
retrains each and requires the same table. Any other arguments are computed as before.

float32 training sums in an order that depends on the CPU's vector instructions (MKL and ATen pick kernels by them), so
another kind of CPU trains the same config to other last digits, and a chaotic run (40 % label noise, a learning rate at
the edge of divergence) to visibly other curves. A machine whose tables were trained on its own kind of CPU reads
`shipped/cpu-<machine()>/`; any other reads the top folder's.
"""

import hashlib
import json
import platform
import sys
from pathlib import Path

import pandas as pd
import torch

from core import backprop, experiments, timeline
from core.config import TORCH_THREADS, RunConfig

FOLDER = Path(__file__).with_name("shipped")
NOISE_LEVELS = (0.0, 0.2, 0.4)  # pages/5_when_mse_is_fine.py's default label-noise fractions
FLOATS = {"label_noise": float, "lr": float}  # a column of whole numbers (level 0 alone) would read back as int
# 19 200 rows of float32: Parquet keeps their dtype exactly, in a quarter of a %.9g CSV's size even gzipped
PARQUET = {"checkpoints"}
ISA = ("avx", "amx", "fma", "f16c", "sse")  # /proc/cpuinfo flags that choose MKL's and ATen's kernels


def _noise_level(values: dict[str, str], level: float) -> pd.DataFrame:
    return experiments.noise_sweep(RunConfig.from_dict(values), [level])


def _label_noise(values: dict[str, str], levels: tuple[float, ...]) -> pd.DataFrame:
    """One table per level, so a level added to the defaults trains alone."""
    return pd.concat([table("noise_level", values, level) for level in levels], ignore_index=True)


def _class_plain(values: dict[str, str], counts: tuple[int, ...]) -> pd.DataFrame:
    return experiments.class_sweep(RunConfig.from_dict(values), list(counts))


def _class_rescaled(values: dict[str, str], counts: tuple[int, ...], k: float, m: float) -> pd.DataFrame:
    return experiments.rescaled_sweep(RunConfig.from_dict(values), list(counts), k, m)


def _class_counts(values: dict[str, str], counts: tuple[int, ...], k: float, m: float) -> pd.DataFrame:
    """Both learning-rate sweeps; a new (k, M) retrains only the rescaled loss."""
    return pd.concat([table("class_plain", values, counts), table("class_rescaled", values, counts, k, m)], ignore_index=True)


def _checkpoints(values: dict[str, str]) -> pd.DataFrame:
    return timeline.timeline(RunConfig.from_dict(values))


COMPUTE = {
    "noise_level": _noise_level,
    "class_plain": _class_plain,
    "class_rescaled": _class_rescaled,
    "checkpoints": _checkpoints,
}
JOINED = {"label_noise": _label_noise, "class_counts": _class_counts}  # what ui/cached.py asks for: shipped parts joined
CLASS_ARGS = (experiments.CLASSES.to_dict(), experiments.CLASS_COUNTS)
DEFAULTS = [  # (name, arguments) at the pages' defaults: label_noise's and class_counts' parts (ui/cached.py joins them)
    *[("noise_level", (experiments.NOISE.to_dict(), level)) for level in NOISE_LEVELS],
    ("class_plain", CLASS_ARGS),
    ("class_rescaled", (*CLASS_ARGS, experiments.SQUARE_K, experiments.SQUARE_M)),
    ("checkpoints", (timeline.DEFAULT.to_dict(),)),  # the per-sample page's and the tour's
]


def machine() -> str:
    """What float32 results depend on beyond the code: torch's version, the CPU's vector instructions and the tanh
    they made the engine pick (core/backprop.py), as a digest."""
    try:
        info = Path("/proc/cpuinfo").read_text()
        flags = next(line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):  # not Linux on x86: the processor's name stands in
        flags = [platform.processor()]
    isa = sorted(flag for flag in flags if flag.startswith(ISA))
    tanh = "onednn-tanh" if backprop.FAST_TANH else "aten-tanh"
    text = " ".join([torch.__version__, platform.machine(), torch.backends.cpu.get_cpu_capability(), tanh, *isa])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def folder() -> Path:
    """Where this machine reads: its own kind of CPU's tables if they are shipped, else the top folder's."""
    own = FOLDER / f"cpu-{machine()}"
    return own if own.is_dir() else FOLDER


def path(name: str, args: tuple, where: Path | None = None) -> Path:
    """Where the table of (name, args) is shipped: named by a digest of the arguments."""
    digest = hashlib.sha256(json.dumps([name, list(args)], sort_keys=True).encode()).hexdigest()[:16]
    return (where or folder()) / f"{name}-{digest}{'.parquet' if name in PARQUET else '.csv'}"


def compute(name: str, *args) -> pd.DataFrame:
    """Train the experiment, as the app's process does (its torch thread count)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(TORCH_THREADS)
    try:
        return COMPUTE[name](*args)
    finally:
        torch.set_num_threads(threads)


def read(name: str, *args) -> pd.DataFrame | None:
    """The shipped table of these arguments, or None."""
    file = path(name, args)
    if not file.exists():
        return None
    return (
        pd.read_parquet(file) if file.suffix == ".parquet" else pd.read_csv(file, dtype=FLOATS)
    )  # %.17g floats read back exactly


def table(name: str, *args) -> pd.DataFrame:
    """The shipped table when there is one, else a fresh computation."""
    if name in JOINED:
        return JOINED[name](*args)
    shipped = read(name, *args)
    return compute(name, *args) if shipped is None else shipped


def main(argv: list[str] | None = None) -> int:
    """Retrain every default experiment and write its table: into the top folder (after a change to the engine or an
    experiment: delete the cpu-* folders, whose tables are then stale), or with --here into this kind of CPU's own."""
    here = "--here" in (sys.argv[1:] if argv is None else argv)
    where = FOLDER / f"cpu-{machine()}" if here else FOLDER
    where.mkdir(exist_ok=True)
    for name, args in DEFAULTS:
        frame, file = compute(name, *args), path(name, args, where)
        if file.suffix == ".parquet":
            frame.to_parquet(file, index=False, compression="gzip")
        else:
            frame.to_csv(file, index=False, float_format="%.17g")
        print(f"wrote {file.relative_to(FOLDER.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
