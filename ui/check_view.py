"""The Check-your-code page's pieces: which input to check, the code with its findings marked, one card per finding."""

import re

import streamlit as st

from core.check import RULES, Document, Finding, Unreadable, check_document
from core.check import rules as rule_table
from core.check.sources import document
from ui.shell import plain

PAGE = "check"
MAX_BYTES = 300_000  # of code, about 8,000 lines: checked in well under a second, and no visitor can tie up the server
MAX_FILE_MB = 1  # the uploader's own cap: a notebook's outputs and images weigh more than its code
MAX_CARDS = 40  # findings explained one by one; the rest are marked in the code
MARK = "  # ◀"  # appended to a line that has a finding (the code shown is never changed otherwise)
SEVERITY_COLOR = {"error": "red", "warning": "orange", "info": "blue"}
DEMO_LABELS = {  # what each demo link opens, by its target
    rule_table.TRAINED: "Watch this mistake train live in the Misuse lab",
    rule_table.STABILITY: "See log(softmax) break in the Misuse lab",
    rule_table.SIBLINGS: "See torch run this mistake in the Misuse lab",
    rule_table.RACE: "Watch MSE on probabilities race cross-entropy, live",
}


def checked(name: str, data: bytes) -> tuple[Document | None, list[Finding], str | None]:
    """The document, its findings, or the one line that says why it was not checked."""
    try:
        doc = document(name, data) if len(data) <= MAX_FILE_MB * 1_000_000 else None
    except Unreadable as err:
        return None, [], str(err)
    size = len(data) if doc is None else len(doc.text.encode())  # a notebook's code cells, not its outputs
    if size > MAX_BYTES:
        what = "code" if doc is not None and doc.cells is not None else "text"
        message = f"{name} has {size / 1000:.0f} kB of {what}; this page checks at most {MAX_BYTES // 1000} kB"
        return None, [], f"{message}. Run `python -m core check` on it."
    return doc, check_document(doc), None


def annotated(text: str, findings: list[Finding], first: int = 1) -> str:
    """The code (lines first, first + 1, …) with each finding's number and rule at the end of its line."""
    marks: dict[int, list[str]] = {}
    for number, finding in findings:
        marks.setdefault(finding.line, []).append(f"{number} {finding.rule}")
    lines = text.split("\n")
    return "\n".join(line + (f"{MARK} " + ", ".join(marks[i]) if i in marks else "") for i, line in enumerate(lines, first))


def code_blocks(doc: Document, numbered: list[tuple[int, Finding]]) -> list[tuple[str | None, str]]:
    """(caption, annotated code) to show: the file, or each notebook cell (only those with findings, if any have)."""
    if doc.cells is None:
        return [(None, annotated(doc.text, numbered))]
    flagged = {f.cell for _, f in numbered}
    return [
        (f"Cell {cell.number}", annotated(cell.text, [(n, f) for n, f in numbered if f.cell == cell.number]))
        for cell in doc.cells
        if not flagged or cell.number in flagged
    ]


def summary(findings: list[Finding]) -> str:
    counts = {s: sum(f.severity == s for f in findings) for s in rule_table.SEVERITIES}
    parts = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items() if n]
    return f"**{len(findings)} finding{'s' if len(findings) != 1 else ''}**: " + ", ".join(parts)


def demo_label(demo: str) -> str:
    path, _, anchor = demo.partition("#")
    return DEMO_LABELS[rule_table.RACE] if path.startswith(rule_table.RACE) else DEMO_LABELS[anchor]


def where(line: int, cell: int | None) -> str:
    return f"cell {cell}, line {line}" if cell is not None else f"line {line}"


def code_spans(text: str) -> str:
    """A finding's sentence as Markdown: its `code` spans as code (Markdown inside a code span stays literal), the
    rest escaped, so the visitor's code shows as typed and can style nothing."""
    parts = re.split(r"`([^`\n]+)`", text)  # even: prose; odd: code
    return "".join(f"`{part}`" if k % 2 else plain(part) for k, part in enumerate(parts))


def finding_card(number: int, finding: Finding) -> None:
    """One finding: where, rule and severity, what the checker saw, why it matters, the fix, and its live demo."""
    rule = RULES[finding.rule]
    with st.container(border=True):
        color = SEVERITY_COLOR[finding.severity]
        st.markdown(
            f"**{number}. {where(finding.line, finding.cell).capitalize()}** · `{finding.rule}` · :{color}[{finding.severity}]"
        )
        st.markdown(code_spans(finding.message[0].upper() + finding.message[1:]) + ".")
        st.markdown(f"**Why it matters.** {rule.why}")
        if finding.fix_line is not None:
            st.caption(f"Fix at {where(finding.fix_line, finding.fix_cell)}")
            st.code(f"- {finding.before}\n+ {finding.fix}", language="diff", wrap_lines=True)
        else:
            st.markdown(f"**Fix:** {code_spans(finding.fix)}.")
        if finding.demo:
            st.markdown(f"[{demo_label(finding.demo)} →]({finding.demo.lstrip('/')})")
