"""Sibling mistakes of softmax-before-CrossEntropyLoss, each a snippet torch runs live on the misuse page."""

import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


# Sibling mistakes. Each snippet's body is what the page shows (its `return` shown as a notebook's last line);
# lines stay under 50 characters so two fit side by side. z: logits, y: targets.
def double_softmax_wrong():
    z = torch.tensor([[20.0, 0.0, 0.0]])  # (1, 3)
    y = torch.tensor([0])  # (1,) class index
    p = torch.softmax(z, dim=1)  # (1, 3) probs
    return nn.CrossEntropyLoss()(p, y)


def double_softmax_fix():
    z = torch.tensor([[20.0, 0.0, 0.0]])  # (1, 3)
    y = torch.tensor([0])  # (1,) class index
    return nn.CrossEntropyLoss()(z, y)


def sigmoid_bce_wrong():
    z = torch.tensor([[20.0], [-20.0]])  # (2, 1)
    y = torch.tensor([[1.0], [0.0]])  # (2, 1)
    bce = nn.BCEWithLogitsLoss(reduction="none")
    return bce(torch.sigmoid(z), y)


def sigmoid_bce_fix():
    z = torch.tensor([[20.0], [-20.0]])  # (2, 1)
    y = torch.tensor([[1.0], [0.0]])  # (2, 1)
    bce = nn.BCEWithLogitsLoss(reduction="none")
    return bce(z, y)


def softmax_nll_wrong():
    rows = [[20.0, 0.0, 0.0], [2.5, -1.0, 0.3]]
    z = torch.tensor(rows)  # (2, 3)
    y = torch.tensor([0, 0])  # (2,)
    nll = nn.NLLLoss(reduction="none")
    return nll(torch.softmax(z, dim=1), y)


def softmax_nll_fix():
    rows = [[20.0, 0.0, 0.0], [2.5, -1.0, 0.3]]
    z = torch.tensor(rows)  # (2, 3)
    y = torch.tensor([0, 0])  # (2,)
    nll = nn.NLLLoss(reduction="none")
    return nll(torch.log_softmax(z, dim=1), y)


def log_softmax_ce_wrong():
    z = torch.tensor([[2.5, -1.0, 0.3]])  # (1, 3)
    y = torch.tensor([0])  # (1,)
    z.requires_grad_()
    log_p = nn.LogSoftmax(dim=1)(z)  # (1, 3)
    loss = nn.CrossEntropyLoss()(log_p, y)
    loss.backward()
    return loss.item(), z.grad  # grad: (1, 3)


def log_softmax_ce_fix():
    z = torch.tensor([[2.5, -1.0, 0.3]])  # (1, 3)
    y = torch.tensor([0])  # (1,)
    z.requires_grad_()
    loss = nn.CrossEntropyLoss()(z, y)
    loss.backward()
    return loss.item(), z.grad  # grad: (1, 3)


def bce_raw_wrong():
    z = torch.tensor([[2.5], [-1.0]])  # (2, 1)
    y = torch.tensor([[1.0], [0.0]])  # (2, 1)
    return nn.BCELoss()(z, y)


def bce_raw_fix():
    z = torch.tensor([[2.5], [-1.0]])  # (2, 1)
    y = torch.tensor([[1.0], [0.0]])  # (2, 1)
    return nn.BCEWithLogitsLoss()(z, y)


def onehot_long_wrong():
    rows = [[2.5, -1.0, 0.3], [0.1, 0.2, 3.0]]
    z = torch.tensor(rows)  # (2, 3)
    y = F.one_hot(torch.tensor([0, 2]))  # int64
    return nn.CrossEntropyLoss()(z, y)


def onehot_long_fix():
    rows = [[2.5, -1.0, 0.3], [0.1, 0.2, 3.0]]
    z = torch.tensor(rows)  # (2, 3)
    y = F.one_hot(torch.tensor([0, 2]))  # int64
    soft = nn.CrossEntropyLoss()(z, y.float())
    hard = nn.CrossEntropyLoss()(z, y.argmax(1))
    return soft, hard


def right_way():
    z = torch.tensor([[2.5, -1.0, 0.3]])  # (1, 3)
    y = torch.tensor([0])  # (1,) int64 index
    loss = nn.CrossEntropyLoss()(z, y)
    check = -torch.log_softmax(z, dim=1)[0, y[0]]
    return loss, check


@dataclass(frozen=True)
class Outcome:
    """One snippet run by torch: its code as shown, and what it returned or raised."""

    code: str
    value: object  # None when it raised
    error: str | None  # "RuntimeError: …" exactly as raised

    @property
    def text(self) -> str:
        return self.error or repr(self.value)


def source(snippet: Callable) -> str:
    """A snippet's body as a notebook cell: no `def` line, the returned expression as the last line."""
    body = textwrap.dedent(inspect.getsource(snippet).split("\n", 1)[1]).rstrip()
    head, _, last = body.rpartition("\n")
    return f"{head}\n{last.removeprefix('return ')}".lstrip("\n")


def run(snippet: Callable) -> Outcome:
    """Execute a snippet, capturing its value or the exception torch raised."""
    try:
        return Outcome(source(snippet), snippet(), None)
    except Exception as err:  # the point is to show what torch raises
        return Outcome(source(snippet), None, f"{type(err).__name__}: {err}")


@dataclass(frozen=True)
class Mistake:
    title: str
    wrong: Callable
    fix: Callable
    why: str  # markdown


MISTAKES = [
    Mistake("Softmax before CrossEntropyLoss", double_softmax_wrong, double_softmax_fix,
            "CrossEntropyLoss applies log_softmax itself. Fed probabilities in [0, 1], its softmax can put at most "
            "e/(e + C − 1) on the true class, so even a perfect model keeps a loss of log(1 + (C − 1)/e)."),
    Mistake("Sigmoid before BCEWithLogitsLoss", sigmoid_bce_wrong, sigmoid_bce_fix,
            "BCEWithLogitsLoss applies the sigmoid itself. A second sigmoid of σ(z) ∈ [0, 1] stays in [0.5, σ(1)], "
            "so the loss cannot go below log(1 + e⁻¹) for y = 1 or ln 2 for y = 0."),
    Mistake("Softmax into NLLLoss (forgot the log)", softmax_nll_wrong, softmax_nll_fix,
            "NLLLoss only picks −input[y]; it expects log-probabilities. Given probabilities it returns −p_y: "
            "negative, bottoming out at −1, and its gradient −p_y(1 − p_y) vanishes when the model is confidently wrong. "
            "(The fix's −0.0000 is float32's negative zero: for z = [20, 0, 0] the loss is 0 to float32 precision.)"),
    Mistake("LogSoftmax before CrossEntropyLoss (harmless)", log_softmax_ce_wrong, log_softmax_ce_fix,
            "log_softmax is idempotent: its outputs already satisfy logsumexp = 0, so the second log_softmax "
            "changes nothing. Same loss, same gradient; only redundant work."),
    Mistake("BCELoss on raw logits", bce_raw_wrong, bce_raw_fix,
            "BCELoss takes probabilities and checks they lie in [0, 1]. Use BCEWithLogitsLoss on logits: it fuses "
            "the sigmoid with a stable log-sum-exp."),
    Mistake("Integer one-hot targets to CrossEntropyLoss", onehot_long_wrong, onehot_long_fix,
            "An int64 target must hold class indices, shape (N,). A float (N, C) target is read as class "
            "probabilities; one-hot ones give exactly the index-target loss."),
]  # fmt: skip
