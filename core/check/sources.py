"""What the checker reads: a .py file, a notebook's code cells (magics blanked, lines kept), or standard input."""

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 5_000_000  # a source file larger than this is not code a person wrote
MAGIC = re.compile(r"^\s*([%!]|\?)|\?\s*$")  # IPython: %magic, !shell, ?help, name?


class Unreadable(Exception):
    """A path the checker cannot read or check; the message is one line naming what is wrong."""


@dataclass
class Cell:
    number: int  # 1-based position among all the notebook's cells
    first: int  # its first line in the joined text
    text: str


@dataclass
class Document:
    path: str
    text: str
    cells: list[Cell] | None = None  # a notebook's code cells; None for a .py file
    notes: list[str] = field(default_factory=list)  # things worth a line that are not findings

    def locate(self, line: int) -> tuple[int | None, int]:
        """(cell, line in that cell) of a line of the joined text; (None, line) for a .py file."""
        for cell in reversed(self.cells or []):
            if line >= cell.first:
                return cell.number, line - cell.first + 1
        return None, line


def read_path(path: str) -> Document:
    """The document at `path` (`-` = standard input); Unreadable says why not."""
    if path == "-":
        return document("<stdin>", sys.stdin.buffer.read())
    target = Path(path)
    if target.is_dir():
        raise Unreadable(f"{path}: is a directory, not a file")
    if not target.exists():
        raise Unreadable(f"{path}: no such file")
    try:
        if target.stat().st_size > MAX_BYTES:
            raise Unreadable(f"{path}: larger than {MAX_BYTES // 1_000_000} MB, not checked")
        data = target.read_bytes()
    except OSError as err:
        raise Unreadable(f"{path}: cannot read ({err.strerror})") from None
    return document(path, data)


def document(path: str, data: bytes) -> Document:
    """Bytes as a document: refuses binary and non-UTF-8 data; .ipynb (or notebook JSON on stdin) as a notebook."""
    if len(data) > MAX_BYTES:
        raise Unreadable(f"{path}: larger than {MAX_BYTES // 1_000_000} MB, not checked")
    if b"\0" in data[:65536]:
        raise Unreadable(f"{path}: a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise Unreadable(f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    looks_like_notebook = path in ("<stdin>", "<pasted>") and text.lstrip().startswith("{") and '"cells"' in text
    return notebook(path, text) if path.endswith(".ipynb") or looks_like_notebook else Document(path, text)


def cell_source(cell: dict) -> str:
    source = cell.get("source", cell.get("input", ""))
    return (
        "".join(s for s in source if isinstance(s, str))
        if isinstance(source, list)
        else source
        if isinstance(source, str)
        else ""
    )


def notebook_cells(nb) -> list | None:
    """The cells list of nbformat 4 (`cells`) or 3 (`worksheets[0].cells`); None when there is none."""
    if not isinstance(nb, dict):
        return None
    if isinstance(nb.get("cells"), list):
        return nb["cells"]
    sheets = nb.get("worksheets")
    if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict) and isinstance(sheets[0].get("cells"), list):
        return sheets[0]["cells"]
    return None


def notebook(path: str, text: str) -> Document:
    """A notebook's code cells joined in order (they share one namespace), each cell's lines where they were."""
    if not text.strip():
        return Document(path, "", [], [f"{path}: empty notebook, no code cells to check"])
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise Unreadable(f"{path}: not a notebook: not JSON ({err.msg} at line {err.lineno})") from None
    except RecursionError:
        raise Unreadable(f"{path}: not a notebook: JSON nested too deeply") from None
    cells = notebook_cells(nb)
    if cells is None:
        raise Unreadable(f"{path}: not a notebook: no list of cells")
    parts, found, first = [], [], 1
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        lines = source.splitlines() or [""]
        if lines[0].lstrip().startswith("%%"):  # a cell magic: the whole cell is another language
            lines = [""] * len(lines)
        lines = ["" if MAGIC.search(line) else line for line in lines]
        found.append(Cell(number, first, "\n".join(lines)))
        parts.append("\n".join(lines))
        first += len(lines)
    notes = [] if found else [f"{path}: empty notebook, no code cells to check"]
    return Document(path, "\n".join(parts), found, notes)
