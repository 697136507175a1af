"""Check your code: find softmax-before-CrossEntropyLoss and its siblings by reading the syntax tree, never running it.

Pure standard library (no torch, no streamlit), so a pre-commit hook or CI job starts it in a blink.
"""

import ast

from core.check.findings import Finding, build, syntax_error
from core.check.interp import Analyzer
from core.check.rules import RULES
from core.check.sources import Document, Unreadable, document, read_path

__all__ = ["RULES", "Document", "Finding", "Unreadable", "check", "check_document", "check_text", "read_path"]


def parse(text: str, doc: Document, first: int = 1) -> tuple[ast.Module | None, Finding | None]:
    """The syntax tree, or the syntax-error finding that says why there is none."""
    try:
        return ast.parse(text), None
    except SyntaxError as err:
        return None, syntax_error(doc, err.lineno or 1, err.offset or 1, err.msg, first)
    except (RecursionError, MemoryError):  # CPython's parser has its own depth limit
        lines = text.splitlines() or [""]
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        return None, syntax_error(doc, longest + 1, 1, "nested too deeply for Python's parser (its recursion limit)", first)


def check_document(doc: Document) -> list[Finding]:
    """Every finding in a document; a notebook's cells that do not parse are reported and the rest still checked."""
    errors = []
    if doc.cells is None:
        tree, error = parse(doc.text, doc)
        if tree is None:
            return [error]
    else:
        lines = doc.text.split("\n")
        for cell in doc.cells:
            tree, error = parse(cell.text, doc, cell.first)
            if tree is None:
                errors.append(error)
                count = cell.text.count("\n") + 1
                lines[cell.first - 1 : cell.first - 1 + count] = [""] * count  # checked without it, lines kept
        tree, _ = parse("\n".join(lines), doc)
        if tree is None:
            return errors
    try:
        hits = Analyzer().run(tree)
    except RecursionError:
        raise Unreadable(f"{doc.path}: nested too deeply to check") from None
    return sorted(errors + build(hits, doc), key=lambda f: (f.cell or 0, f.line, f.col, f.rule))


def check_text(text: str, path: str = "<pasted>") -> list[Finding]:
    """Findings in Python source (or notebook JSON when `path` ends in .ipynb)."""
    return check_document(document(path, text.encode()))


def check(path: str) -> tuple[Document, list[Finding]]:
    """Read and check one path (`-` = standard input); Unreadable when it cannot be read."""
    doc = read_path(path)
    return doc, check_document(doc)
