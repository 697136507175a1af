"""Findings: each hit as the page, the CLI and CI see it, with its message, fix and live demo."""

import ast
from dataclasses import asdict, dataclass

from core.check.fixes import Source, fix_for
from core.check.rules import RULES, demo
from core.check.sources import Document
from core.check.values import DOUBLE, SIGMOID

SNIPPET = 48  # characters of code a message quotes


@dataclass(frozen=True)
class Finding:
    path: str
    line: int  # 1-based; within its cell for a notebook
    col: int  # 1-based, in characters
    rule: str
    severity: str
    message: str
    fix: str  # the corrected line, or what to change
    demo: str | None  # the app link (path and query) that shows this mistake live
    cell: int | None = None  # the notebook cell, 1-based among all cells
    before: str | None = None  # the line the fix rewrites, as it is now
    fix_line: int | None = None
    fix_cell: int | None = None

    def as_text(self) -> str:
        where = f"{self.path}:cell_{self.cell}" if self.cell is not None else self.path
        return f"{where}:{self.line}:{self.col}: {self.rule} {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


class Describer:
    """Messages name the code they are about: the call that made the value, and where it is."""

    def __init__(self, doc: Document, source: Source):
        self.doc, self.source = doc, source

    def where(self, line: int) -> str:
        cell, line = self.doc.locate(line)
        return f"line {line}" if cell is None else f"cell {cell}, line {line}"

    def quote(self, node) -> str:
        if node is None or not hasattr(node, "lineno"):
            return "here"
        text = self.source.text(node) or self.source.line(node.lineno).strip()
        text = text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
        return f"`{text}` ({self.where(node.lineno)})"

    def loss(self, made) -> str:
        if isinstance(made, ast.ClassDef):
            return made.name
        text = self.source.text(made.func) if isinstance(made, ast.Call) else None
        return text or "the loss"

    def message(self, hit) -> str:
        made, loss = self.quote(hit.value.origin), self.loss(hit.made)
        return {
            "softmax-into-cross-entropy": f"log_softmax of the softmax probabilities from {made} reaches {loss}: softmax applied twice"
            if hit.value.kind == DOUBLE
            else f"softmax probabilities from {made} reach {loss}, which applies log_softmax itself",
            "sigmoid-into-bce-with-logits": f"sigmoid output from {made} reaches {loss}, which applies the sigmoid itself",
            "softmax-into-nll": f"softmax probabilities from {made} reach {loss}, which expects log-probabilities",
            "logits-into-bce": f"raw scores from {made} reach {loss}, which expects probabilities in [0, 1]",
            "long-one-hot-target": f"integer one-hot targets from {made} are the target of {loss}, which reads int64 targets as class indices",
            "log-of-softmax": f"log of the softmax probabilities from {made}: use log_softmax",
            "mse-on-probabilities": f"MSE between {'sigmoid' if hit.value.kind == SIGMOID else 'softmax'} probabilities from {made} "
            f"and class targets from {self.quote(getattr(hit.other, 'origin', None))}",
            "log-softmax-into-cross-entropy": f"log-probabilities from {made} reach {loss}, which applies log_softmax itself "
            "(harmless, redundant)",
        }[hit.rule]


def build(hits: list, doc: Document) -> list[Finding]:
    """Findings for the analyser's hits, one per (rule, place), in line order."""
    source = Source(doc.text)
    describe, found, seen = Describer(doc, source), [], set()
    for hit in hits:
        line, col = hit.node.lineno, source.column(hit.node.lineno, hit.node.col_offset) + 1
        if (hit.rule, line, col) in seen:
            continue
        seen.add((hit.rule, line, col))
        rule, fix, cell = RULES[hit.rule], fix_for(hit, source), doc.locate(line)
        classes = hit.value.classes or getattr(hit.other, "classes", None)
        link = demo(hit.rule, classes, binary=hit.value.kind == SIGMOID)
        if fix is None:
            origin = hit.value.origin
            text = rule.change + (f" ({describe.where(origin.lineno)})" if origin is not None and origin.lineno != line else "")
            found.append(Finding(doc.path, cell[1], col, hit.rule, rule.severity, describe.message(hit), text, link, cell[0]))
        else:
            fix_cell, fix_line = doc.locate(fix.line)
            after = fix.after.strip() or "(delete this line)"
            found.append(Finding(doc.path, cell[1], col, hit.rule, rule.severity, describe.message(hit), after, link, cell[0],
                                 fix.before.strip(), fix_line, fix_cell))  # fmt: skip
    return sorted(found, key=lambda f: (f.cell or 0, f.line, f.col, f.rule))


def syntax_error(doc: Document, line: int, col: int, message: str, first: int = 1) -> Finding:
    """The `syntax-error` finding at a line of the joined text (`first`: where the cell that failed starts)."""
    cell, line_in = doc.locate(first + line - 1)
    rule = RULES["syntax-error"]
    before = Source(doc.text).line(first + line - 1).strip() or None
    return Finding(doc.path, line_in, max(col, 1), rule.id, rule.severity, message, rule.change, None, cell, before)
