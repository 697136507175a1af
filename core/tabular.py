"""A visitor's CSV as a Dataset: parsed and checked (one clear TableError per problem), split and standardised like
core.data's, every random draw from the run's seed. Nothing here writes to disk or keeps a file."""

import csv
import hashlib
import io
import re
from dataclasses import dataclass

import numpy as np
import torch

from core.data import Dataset, flip_labels

MAX_BYTES = 5 * 1024 * 1024  # Streamlit's server.maxUploadSize (.streamlit/config.toml) is 5 (MB) to match
MAX_ROWS = 20_000
MAX_FEATURES = 64
MIN_ROWS = 2
MIN_CLASSES, MAX_CLASSES = 2, 20
LIMITS = (
    f"CSV with a header row, at most 5 MB, {MAX_ROWS:,} rows and {MAX_FEATURES} numeric feature columns; "
    f"the label column may hold integers or strings, {MIN_CLASSES} to {MAX_CLASSES} classes."
)
MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}  # what spreadsheets and pandas write for an empty cell
NAME = "csv"  # RunConfig.dataset of an uploaded table
SOURCE = re.compile(r"csv:(\d+)x(\d+):([0-9a-f]{16})")  # RunConfig.source: rows x features : digest, never the data


class TableError(ValueError):
    """A file that cannot be used; the message names the problem in one line."""


@dataclass(frozen=True, eq=False)
class Table:
    """A parsed CSV: raw features (N, D) float32, labels (N,) int64 indexing `classes`."""

    name: str  # the file's name, shown to its own visitor only
    label: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    x: torch.Tensor
    y: torch.Tensor
    digest: str  # of the bytes and the label column: tells two uploads apart without holding their content

    @property
    def source(self) -> str:
        """What RunConfig.source says of this table: its shape and digest."""
        return f"csv:{len(self.y)}x{len(self.features)}:{self.digest}"


def source_shape(source: str) -> tuple[int, int]:
    """(rows, features) from a RunConfig.source; ValueError if it is not one."""
    match = SOURCE.fullmatch(source)
    if match is None:
        raise ValueError(f"expected csv:ROWSxFEATURES:DIGEST, got {source!r:.60}")
    return int(match[1]), int(match[2])


def _text(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise TableError(f"the file is {len(raw):,} bytes; at most 5 MB ({MAX_BYTES:,} bytes)")
    if not raw.strip():
        raise TableError("the file is empty")
    if b"\0" in raw[:8192]:
        raise TableError("this is a binary file, not CSV text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise TableError(f"the file is not UTF-8 text (byte {err.start + 1} is not); save it as UTF-8 CSV") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _rows(raw: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and data rows, stripped; blank lines skipped."""
    try:
        lines = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(_text(raw), newline=""))]
    except csv.Error as err:
        raise TableError(f"not readable as CSV: {err}") from None
    rows = [row for row in lines if any(row)]
    header, body = rows[0], rows[1:]
    if all(_is_number(cell) for cell in header):
        raise TableError("no header row: the first line holds only numbers; add a line of column names")
    if "" in header:
        raise TableError(f"column {header.index('') + 1} has no name in the header row")
    if len(set(header)) < len(header):
        raise TableError(f"column name {next(h for h in header if header.count(h) > 1)!r:.40} appears twice")
    if len(header) - 1 > MAX_FEATURES:
        raise TableError(f"{len(header)} columns: at most {MAX_FEATURES} features and the label")
    if len(body) > MAX_ROWS:
        raise TableError(f"{len(body):,} data rows; at most {MAX_ROWS:,}")
    if len(body) < MIN_ROWS:
        raise TableError(f"{'only one data row' if body else 'no data rows'}; at least {MIN_ROWS} are needed")
    for line, row in enumerate(body, 2):
        if len(row) != len(header):
            raise TableError(f"row {line} has {len(row)} fields; the header has {len(header)}")
    return header, body


def columns(raw: bytes) -> list[str]:
    """The header's column names, after every check that needs no label column."""
    return _rows(raw)[0]


def _first(mask: np.ndarray) -> int:
    """The file's line number of the first True row (the header is line 1)."""
    return int(np.argmax(mask)) + 2


def _feature(name: str, cells: np.ndarray) -> np.ndarray:
    missing = np.isin(np.char.lower(cells), list(MISSING - {"nan"}))
    if missing.any():
        raise TableError(f"missing value in column {name!r:.40}, row {_first(missing)}")
    try:
        values = cells.astype(np.float64)
    except ValueError:
        bad = np.array([not _is_number(cell) for cell in cells])
        raise TableError(f"column {name!r:.40} is not numeric: row {_first(bad)} holds {str(cells[bad][0])!r:.40}") from None
    if not np.isfinite(values).all():
        raise TableError(f"NaN or inf in column {name!r:.40}, row {_first(~np.isfinite(values))}")
    if np.abs(values).max() > np.finfo(np.float32).max:
        raise TableError(f"column {name!r:.40} holds a number too large for float32 (row {_first(np.abs(values) > 3e38)})")
    return values


def _labels(name: str, cells: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    missing = np.isin(np.char.lower(cells), list(MISSING))
    if missing.any():
        raise TableError(f"missing label in column {name!r:.40}, row {_first(missing)}")
    found = set(cells.tolist())
    whole = all(re.fullmatch(r"[+-]?\d+", c) for c in found)
    classes = tuple(sorted(found, key=int) if whole else sorted(found))  # integers in numeric order: 2 before 10
    if len(classes) < MIN_CLASSES:
        raise TableError(f"label column {name!r:.40} holds a single class ({classes[0]!r:.40}); at least {MIN_CLASSES} needed")
    if len(classes) > MAX_CLASSES:
        raise TableError(f"label column {name!r:.40} holds {len(classes)} classes; at most {MAX_CLASSES}")
    index = {c: k for k, c in enumerate(classes)}
    return classes, np.array([index[c] for c in cells.tolist()], dtype=np.int64)


def parse(raw: bytes, label: str, name: str = "data.csv") -> Table:
    """Check a CSV's bytes and read it with `label` as the class column and every other column as a feature."""
    header, body = _rows(raw)
    if label not in header:
        raise TableError(f"no column named {label!r:.40}; the header has {', '.join(header)[:200]}")
    if len(header) < 2:
        raise TableError("no feature columns: the file holds only the label column")
    cells = np.array(body, dtype=str)  # (N, columns)
    at = header.index(label)
    classes, y = _labels(label, cells[:, at])
    features = tuple(h for h in header if h != label)
    x = np.stack([_feature(h, cells[:, k]) for k, h in enumerate(header) if k != at], 1)
    digest = hashlib.sha256(raw + b"\0" + label.encode()).hexdigest()[:16]
    return Table(name, label, features, classes, torch.tensor(x, dtype=torch.float32), torch.from_numpy(y), digest)


def dataset(table: Table, val_fraction: float, noise: float, label_noise: float, seed: int) -> Dataset:
    """Shuffle with the seed, hold out `val_fraction`, standardise with the training split's mean and std only,
    add `noise` (in standardised units), flip `label_noise` of the training labels: core.data.make_dataset's order."""
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(table.y), generator=g)
    x, y = table.x[order].double(), table.y[order]
    n_val = round(val_fraction * len(y))
    train = x[n_val:]
    std = train.std(0, unbiased=False)
    x = (x - train.mean(0)) / torch.where(std > 0, std, 1.0)  # a constant column stays 0, not NaN
    x = (x + noise * torch.randn(x.shape, generator=g, dtype=x.dtype)).float() if noise else x.float()
    classes = len(table.classes)
    y_train = flip_labels(y[n_val:], label_noise, classes, g)
    return Dataset(NAME, classes, x[n_val:], y_train, x[:n_val], y[:n_val])


def for_config(table: Table, config) -> Dataset:
    """The Dataset a RunConfig (core.config) trains on when its `source` is this table."""
    if config.source != table.source:
        raise ValueError(f"this config's source is {config.source!r}, not this table's {table.source!r}")
    return dataset(table, config.val_fraction, config.noise, config.label_noise, config.seed)


def config_for(table: Table, base):
    """`base` (a RunConfig) with this table as its data: dataset, samples and classes are the table's."""
    from dataclasses import replace

    return replace(base, dataset=NAME, source=table.source, samples=len(table.y), classes=len(table.classes))


def sample_csv(rows: int = 300, seed: int = 0) -> bytes:
    """A small file in the format the upload takes: two features and string classes (three spiral arms)."""
    from core.data import spirals

    x, y = spirals(rows, 3, 0.1, torch.Generator().manual_seed(seed))
    names = ["red", "green", "blue"]
    lines = ["feature_1,feature_2,colour"] + [f"{a:.4f},{b:.4f},{names[k]}" for (a, b), k in zip(x.tolist(), y.tolist())]
    return ("\n".join(lines) + "\n").encode()
