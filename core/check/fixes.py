"""The fix for a finding: the line to change and what it becomes, rewritten from the syntax tree when it can be."""

import ast
import re
from dataclasses import dataclass

SQUASH_NAMES = {"softmax": "log_softmax", "Softmax": "LogSoftmax"}
METHODS = {"softmax", "sigmoid", "log_softmax"}  # x.softmax(1): the tensor is what the method is called on
ADDED = re.compile(r"\b(add_module|register_module|append)\((\s*['\"][^'\"]*['\"]\s*,)?\s*$")  # model.add_module("sm", <layer>)
MODULES = {"F", "torch", "nn", "functional", "special"}  # F.softmax(input=x): not a method call


@dataclass(frozen=True)
class Fix:
    line: int  # the line (of the analysed source) to change
    before: str
    after: str  # "" = delete the line


class Source:
    """The analysed text, with ast's UTF-8 byte columns turned into character columns."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def column(self, number: int, byte_col: int) -> int:
        return len(self.line(number).encode()[:byte_col].decode(errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int, int] | None:
        """(line, start, end) character columns of a node that sits on one line."""
        if getattr(node, "end_lineno", None) != getattr(node, "lineno", -1):
            return None
        return node.lineno, self.column(node.lineno, node.col_offset), self.column(node.lineno, node.end_col_offset)

    def text(self, node: ast.AST) -> str | None:
        span = self.span(node)
        return None if span is None else self.line(span[0])[span[1] : span[2]]

    def replace(self, node: ast.AST, new: str) -> Fix | None:
        span = self.span(node)
        if span is None:
            return None
        line = self.line(span[0])
        return Fix(span[0], line, line[: span[1]] + new + line[span[2] :])


def squashed_input(call: ast.AST) -> ast.AST | None:
    """The tensor a softmax / sigmoid / one_hot call applies to: `F.softmax(x, 1)`, `x.softmax(1)`, `layer(x)`."""
    if not isinstance(call, ast.Call):
        return None
    if call.args and not isinstance(call.args[0], ast.Constant):
        return call.args[0]
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in METHODS
        and not (isinstance(func.value, ast.Name) and func.value.id in MODULES)
    ):
        return func.value
    return None


def drop(source: Source, call: ast.AST) -> Fix | None:
    """Replace a squashing call by its input; a layer inside nn.Sequential(...) is taken out of the list."""
    inner = squashed_input(call)
    if inner is not None:
        text = source.text(inner)
        return source.replace(call, text) if text is not None else None
    span = source.span(call)
    if span is None or not (isinstance(call.func, ast.Attribute | ast.Name) and _name(call.func)[:1].isupper()):
        return None
    number, start, end = span
    line = source.line(number)
    head, tail = line[:start], line[end:].lstrip()
    if not head.strip() or ADDED.search(head):
        rest = tail.removeprefix(",").strip() if head.strip() == "" else ""
        after = head + rest if rest else ""  # the layer had the line (or the add_module call) to itself
    elif tail.startswith(","):
        after = head + tail[1:].lstrip()
    else:
        after = head.rstrip().removesuffix(",") + line[end:]
    return Fix(number, line, after)


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id


def rename(source: Source, call: ast.AST) -> Fix | None:
    """softmax → log_softmax (nn.Softmax → nn.LogSoftmax) in the call that made the probabilities."""
    text = source.text(call)
    if (
        text is None
        or isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and getattr(call.func.value, "id", "") == "self"
    ):
        return None  # self.softmax(x): the layer is defined elsewhere
    new = re.sub(r"\b(softmax|Softmax)\(", lambda m: SQUASH_NAMES[m[1]] + "(", text, count=1)
    return source.replace(call, new) if new != text else None


def logits_loss(source: Source, made: ast.AST) -> Fix | None:
    """BCELoss → BCEWithLogitsLoss, F.binary_cross_entropy → F.binary_cross_entropy_with_logits."""
    text = source.text(made.func) if isinstance(made, ast.Call) else None
    if text is None:
        return None
    new = re.sub(r"BCELoss$", "BCEWithLogitsLoss", text)
    new = re.sub(r"binary_cross_entropy$", "binary_cross_entropy_with_logits", new)
    return source.replace(made.func, new) if new != text else None


def log_of_softmax(source: Source, log_call: ast.AST, softmax: ast.AST) -> Fix | None:
    """torch.log(F.softmax(z, 1) + eps) → F.log_softmax(z, 1), when the softmax is written inside the log."""
    inside = log_call.args[0] if isinstance(log_call, ast.Call) and log_call.args else getattr(log_call.func, "value", None)
    while isinstance(inside, ast.BinOp | ast.Call) and inside is not softmax:
        inside = (
            inside.left
            if isinstance(inside, ast.BinOp)
            else (inside.args[0] if inside.args else getattr(inside.func, "value", None))
        )
    if inside is not softmax:
        return None
    text = source.text(softmax)
    new = text and re.sub(r"\bsoftmax\(", "log_softmax(", text, count=1)
    return source.replace(log_call, new) if new and new != text else None


def fix_for(hit, source: Source) -> Fix | None:
    """The corrected line for a hit (interp.Hit), or None when only a sentence can say what to change."""
    origin = hit.value.origin if hit.value is not None else None
    if hit.rule in ("softmax-into-cross-entropy", "sigmoid-into-bce-with-logits", "log-softmax-into-cross-entropy"):
        return drop(source, origin) if origin is not None else None
    if hit.rule == "softmax-into-nll":
        return rename(source, origin) if origin is not None else None
    if hit.rule == "logits-into-bce":
        return logits_loss(source, hit.made)
    if hit.rule == "long-one-hot-target" and isinstance(origin, ast.Call) and "one_hot" in (source.text(origin.func) or ""):
        text = source.text(origin)  # a float one-hot is read as class probabilities: the same loss as index targets
        return source.replace(origin, f"{text}.float()") if text else None
    if hit.rule == "log-of-softmax" and origin is not None:
        return log_of_softmax(source, hit.node, origin)
    return None
