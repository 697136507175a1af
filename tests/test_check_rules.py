"""The rule table's contract, messages, fixes, notebook locations, demo facts, and that checked code never runs."""

import json
import math
import subprocess
import sys

import torch

from core import data, misuse
from core.check import RULES, check_text
from core.check import rules as rule_table

CONTRACT = {  # issue 14: ids and severities are a contract
    "softmax-into-cross-entropy": "error", "sigmoid-into-bce-with-logits": "error", "softmax-into-nll": "error",
    "logits-into-bce": "error", "long-one-hot-target": "error", "log-of-softmax": "warning",
    "mse-on-probabilities": "warning", "log-softmax-into-cross-entropy": "info", "syntax-error": "error",
}  # fmt: skip


def one(source: str, path: str = "<pasted>"):
    found = check_text(source, path)
    assert len(found) == 1, found
    return found[0]


def test_rule_ids_and_severities_are_the_contract():
    assert {rule.id: rule.severity for rule in RULES.values()} == CONTRACT
    for rule in RULES.values():
        assert rule.why.count(". ") + 1 == 2 and rule.why.endswith("."), rule.id  # two sentences


def test_copied_facts_match_their_homes():
    assert rule_table.MISUSE_CLASSES == misuse.CLASS_LIMITS and rule_table.MISUSE_DEFAULT_CLASSES == misuse.DEFAULTS.classes
    assert rule_table.SPIRALS_CLASSES == data.CLASS_RANGE["spirals"] and misuse.DEFAULTS.dataset == "blobs"
    assert data.CLASS_RANGE["blobs"][1] >= rule_table.MISUSE_CLASSES[1]


def test_numbers_in_the_explanations():
    assert f"{float(torch.sigmoid(torch.tensor(1.0))):.2f}" == "0.73"  # σ(σ(z)) ∈ [0.5, σ(1)]
    f32, f16 = misuse.thresholds("float32"), misuse.thresholds("float16")
    assert (round(f32["inf_from"]), round(f32["nan_from"]), round(f16["inf_from"]), round(f16["nan_from"])) == (104, 89, 17, 11)
    assert "log(1 + (C − 1)/e)" in RULES["softmax-into-cross-entropy"].why
    assert math.isclose(misuse.floor(3), math.log(1 + 2 / math.e))
    sure = torch.sigmoid(torch.tensor([[50.0], [-50.0]]))  # σ(z) of a certain model, fed to BCEWithLogitsLoss
    floors = torch.nn.BCEWithLogitsLoss(reduction="none")(sure, torch.tensor([[1.0], [0.0]])).flatten().tolist()
    assert "log(1 + e⁻¹) for y = 1 or ln 2 for y = 0" in RULES["sigmoid-into-bce-with-logits"].why
    assert math.isclose(floors[0], math.log(1 + math.exp(-1)), rel_tol=1e-6) and math.isclose(
        floors[1], math.log(2), rel_tol=1e-6
    )
    probs = torch.softmax(torch.tensor([[50.0, 0.0]]), 1)
    assert "bottoming out at −1" in RULES["softmax-into-nll"].why and float(torch.nn.NLLLoss()(probs, torch.tensor([0]))) == -1.0


def test_fix_drops_the_softmax_where_it_is_made():
    f = one("import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n")
    assert (f.line, f.col, f.before, f.fix, f.fix_line) == (
        2,
        8,
        "loss = F.cross_entropy(F.softmax(z, dim=1), y)",
        "loss = F.cross_entropy(z, y)",
        2,
    )
    f = one("from torch import nn\nm = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))\nl = nn.CrossEntropyLoss()(m(x), y)\n")
    assert (f.fix_line, f.fix) == (2, "m = nn.Sequential(nn.Linear(4, 3))") and "line 2" in f.message
    f = one(
        "from torch import nn\nm = nn.Sequential(\n    nn.Linear(4, 3),\n    nn.Softmax(dim=1),\n)\nl = nn.CrossEntropyLoss()(m(x), y)\n"
    )
    assert (f.fix_line, f.before, f.fix) == (4, "nn.Softmax(dim=1),", "(delete this line)")


def test_other_fixes():
    assert one("import torch\nl = torch.nn.NLLLoss()(x.softmax(1), y)\n").fix == "l = torch.nn.NLLLoss()(x.log_softmax(1), y)"
    assert (
        one("from torch import nn\nl = nn.BCELoss()(nn.Linear(3, 1)(h), y)\n").fix
        == "l = nn.BCEWithLogitsLoss()(nn.Linear(3, 1)(h), y)"
    )
    assert one("import torch\nlp = torch.log(torch.softmax(z, -1) + 1e-8)\n").fix == "lp = torch.log_softmax(z, -1)"
    f = one("import torch.nn.functional as F\nt = F.one_hot(y, 4)\nl = F.cross_entropy(z, t)\n")
    assert (f.fix_line, f.fix) == (2, "t = F.one_hot(y, 4).float()")
    f = one("import torch\np = torch.softmax(z, 1)\nl = torch.nn.functional.mse_loss(p, torch.eye(4)[y])\n")
    assert f.before is None and f.fix.startswith("train with cross-entropy")


def test_columns_count_characters_not_bytes():
    f = one("import torch.nn.functional as F\nπ = 'é'; loss = F.cross_entropy(F.softmax(z, 1), y)\n")
    assert f.col == 17


def test_notebook_findings_name_cell_and_line():
    cells = [{"cell_type": "markdown", "source": ["# t"]}, {"cell_type": "code", "source": ["%time\n", "import torch\n"]},
             {"cell_type": "code", "source": "p = torch.softmax(z, 1)\nl = torch.nn.NLLLoss()(p, y)"}]  # fmt: skip
    f = one(json.dumps({"cells": cells}), "nb.ipynb")
    assert (f.cell, f.line, f.col, f.fix_cell, f.fix_line) == (3, 2, 5, 3, 1) and "(cell 3, line 1)" in f.message
    assert f.as_text().startswith("nb.ipynb:cell_3:2:5: softmax-into-nll ")


def test_a_cell_that_does_not_parse_is_reported_and_the_rest_checked():
    cells = [
        {"cell_type": "code", "source": "import torch\ndef f(:"},
        {"cell_type": "code", "source": "l = torch.nn.NLLLoss()(torch.softmax(z, 1), y)"},
    ]
    found = check_text(json.dumps({"cells": cells}), "nb.ipynb")
    assert [(f.rule, f.cell, f.line) for f in found] == [("syntax-error", 1, 2), ("softmax-into-nll", 2, 1)]


def test_syntax_error_carries_the_line():
    f = one("x = 1\nfor i in range(3)\n    pass\n")
    assert (f.rule, f.severity, f.line, f.demo) == ("syntax-error", "error", 2, None) and f.before == "for i in range(3)"


def test_demo_links_carry_the_codes_class_count():
    f = one("from torch import nn\nm = nn.Sequential(nn.Linear(8, 10), nn.Softmax(1))\nl = nn.CrossEntropyLoss()(m(x), y)\n")
    assert f.demo == "/misuse_lab?classes=10#1-double-softmax-trained"
    f = one("from torch import nn\nm = nn.Sequential(nn.Linear(8, 1000), nn.Softmax(1))\nl = nn.CrossEntropyLoss()(m(x), y)\n")
    assert f.demo == "/misuse_lab?classes=20#1-double-softmax-trained"  # the lab's largest
    f = one("import torch\nl = torch.nn.MSELoss()(torch.sigmoid(z), (x > 0).float())\n")
    assert f.demo == "/loss_race?dataset=moons&classes=2&losses=bce%2Cmse-sigmoid"


def test_checked_code_is_never_executed(tmp_path):
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('x')\nimport os\nos.system('touch {marker}')\nraise SystemExit(3)\n"
    assert check_text(source) == [] and not marker.exists()


def test_the_checker_imports_neither_torch_nor_streamlit():
    code = "import sys, core.check.cli; print(sorted(m for m in ('torch', 'streamlit', 'pandas') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_nbformat_3_worksheets_are_read_too():
    cells = [{"cell_type": "code", "input": ["import torch\n", "l = torch.nn.NLLLoss()(torch.softmax(z, 1), y)"]}]
    f = one(json.dumps({"worksheets": [{"cells": cells}], "nbformat": 3}), "old.ipynb")
    assert (f.rule, f.cell, f.line) == ("softmax-into-nll", 1, 2)
