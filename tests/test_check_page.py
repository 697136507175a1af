"""AppTest for Check your code: examples, paste, upload (.py and .ipynb), caps and bad files, and every demo link it gives."""

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from core.check import RULES, check_text
from core.check import rules as rule_table
from core.check.examples import EXAMPLES
from tests.apptest import open_page
from tests.check_labels import CORPUS
from ui import check_view
from ui.shell import PAGES

SCRIPT = "pages/7_check_your_code.py"
BUG = "import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n"
EXPECTED = {
    "Softmax in forward": ["softmax-into-cross-entropy"],
    "Sequential, sigmoid, one-hot": ["sigmoid-into-bce-with-logits", "log-of-softmax", "long-one-hot-target"],
    "MSE on softmax": ["mse-on-probabilities"],
    "Clean: softmax only for metrics": [],
}
PATHS = {
    "/" + p.script.removeprefix("pages/").removesuffix(".py").split("_", 1)[1]: p.script for p in PAGES if p.script != "app.py"
}


def open_check() -> AppTest:
    return open_page(SCRIPT, timeout=60)


def shown(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.code] + [c.value for c in at.caption])


def test_empty_page_invites_input_and_lists_after_the_misuse_lab():
    at = open_check()
    assert not at.exception and not at.warning and "Paste code above" in at.info[0].value
    scripts = [p.script for p in PAGES]
    assert scripts.index(SCRIPT) == scripts.index("pages/4_misuse_lab.py") + 1


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_button_loads_its_snippet_and_findings(name):
    at = open_check()
    at.button(key=f"check.example.{name}").click().run()
    assert not at.exception and at.text_area(key="check.code").value == EXAMPLES[name]
    assert [f.rule for f in check_text(EXAMPLES[name])] == EXPECTED[name]
    text = shown(at)
    for number, rule in enumerate(EXPECTED[name], 1):
        assert f"**{number}. Line " in text and f"`{rule}`" in text and RULES[rule].why in text
    if not EXPECTED[name]:
        assert "No findings" in at.success[0].value


def test_pasted_code_is_marked_at_its_line_with_fix_and_demo():
    at = open_check()
    at.text_area(key="check.code").set_value(BUG).run()
    code = [c.value for c in at.code]
    assert code[0].split("\n")[1].endswith("# ◀ 1 softmax-into-cross-entropy")  # the line of the finding, marked
    assert "- loss = F.cross_entropy(F.softmax(z, dim=1), y)\n+ loss = F.cross_entropy(z, y)" in code
    assert "[Watch this mistake train live in the Misuse lab →](misuse_lab?classes=5#1-double-softmax-trained)" in shown(at)


def test_uploads_py_and_notebook_name_cell_and_line():
    at = open_check()
    at.file_uploader[0].set_value(("train.py", BUG.encode(), "text/x-python")).run()
    assert "in **train.py**" in shown(at) and "`softmax-into-cross-entropy`" in shown(at)
    at.file_uploader[0].set_value(("nb.ipynb", (CORPUS / "bug_notebook_softmax.ipynb").read_bytes(), "application/json")).run()
    text = shown(at)
    assert "**1. Cell 5, line 4**" in text and "Fix at cell 3, line 5" in text and "Cell 5" in [c.value for c in at.caption]
    at.button(key="check.example.MSE on softmax").click().run()  # the last input used is the one checked
    assert "`mse-on-probabilities`" in shown(at) and "nb.ipynb" not in shown(at)


@pytest.mark.parametrize(
    "name,data,warning",
    [
        ("big.py", b"x = 1\n" * 60_000, "this page checks at most 300 kB"),
        ("bin.py", b"\x00\x01\x02", "a binary file, not text"),
        ("latin.py", b"x = '\xe9'\n", "not UTF-8 text"),
        ("bad.ipynb", b"{not json", "not a notebook: not JSON"),
    ],
)
def test_unusable_uploads_say_why(name, data, warning):
    at = open_check()
    at.file_uploader[0].set_value((name, data, "text/plain")).run()
    assert not at.exception and warning in at.warning[0].value.replace("\\", "")


def notebook_bytes(code: str, output: str = "") -> bytes:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": code,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": output}]}  # fmt: skip
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_a_notebook_is_measured_by_its_code_not_its_outputs():
    """The uploader takes 1 MB; the page checks 300 kB of code: outputs and images don't count against it."""
    at = open_check()
    heavy = notebook_bytes("import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n", "x" * 600_000)
    assert 600_000 < len(heavy) <= check_view.MAX_FILE_MB * 1_000_000
    at.file_uploader[0].set_value(("heavy.ipynb", heavy, "application/json")).run()
    assert not at.exception and not at.warning and "`softmax-into-cross-entropy`" in shown(at)
    at.file_uploader[0].set_value(("long.ipynb", notebook_bytes("x = 1\n" * 60_000), "application/json")).run()
    assert "long.ipynb has 360 kB of code; this page checks at most 300 kB" in at.warning[0].value.replace("\\", "")


def test_a_syntax_error_is_a_finding_not_a_crash():
    at = open_check()
    at.text_area(key="check.code").set_value("def f(:\n    pass\n").run()
    assert not at.exception and "`syntax-error`" in shown(at)


def demo_links() -> list[str]:
    """Every link the checker can give: each rule, with class counts below, inside and beyond each page's limits."""
    found = {
        rule_table.demo(rule, classes, binary)
        for rule in RULES
        for classes in (None, 1, 2, 3, 7, 10, 20, 50, 1000)
        for binary in (False, True)
    }
    return sorted(link for link in found if link is not None)


@pytest.mark.parametrize("demo", demo_links())
def test_every_demo_link_loads_its_page_without_a_warning(demo):
    parts = urlsplit(demo)
    at = open_page(PATHS[parts.path], timeout=90, **dict(parse_qsl(parts.query)))
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert parts.fragment in ("", rule_table.TRAINED, rule_table.STABILITY, rule_table.SIBLINGS)
    assert check_view.demo_label(demo)


def test_notebook_json_pasted_is_read_as_a_notebook():
    cells = {"cells": [{"cell_type": "code", "source": "import torch\nl = torch.nn.NLLLoss()(torch.softmax(z, 1), y)"}]}
    at = open_check()
    at.text_area(key="check.code").set_value(json.dumps(cells)).run()
    assert "**1. Cell 1, line 2**" in shown(at)


def test_a_long_file_explains_the_first_findings_and_marks_them_all():
    source = BUG * 60  # 60 findings
    at = open_check()
    at.text_area(key="check.code").set_value(source).run()
    text = shown(at)
    assert (
        "**60 findings**" in text
        and f"**{check_view.MAX_CARDS}. Line" in text
        and f"**{check_view.MAX_CARDS + 1}. Line" not in text
    )
    assert f"…and {60 - check_view.MAX_CARDS} more" in text and at.code[0].value.count("# ◀") == 60


def test_a_findings_code_shows_as_code_and_its_prose_as_typed():
    assert check_view.code_spans("from `torch.softmax(z, 1)` reach [x](y) *") == r"from `torch.softmax(z, 1)` reach \[x\](y) \*"
    assert check_view.code_spans("`:red[a]` and $b$") == r"`:red[a]` and \$b\$"  # a code span shows Markdown literally
    at = open_check()
    at.text_area(key="check.code").set_value("loss = nn.CrossEntropyLoss()(torch.softmax(logits, 1), y)\n").run()
    assert "Softmax probabilities from `torch.softmax(logits, 1)` (line 1)" in shown(at)
