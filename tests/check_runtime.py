"""The corpus's ground truth: run a snippet under a TorchFunctionMode that records what really reaches each loss.

Provenance is tracked at run time, independently of the checker: softmax / sigmoid / log_softmax / one_hot / linear
outputs are tagged, and a tag follows a tensor through any op whose result holds the same values (view, reshape,
to, float, + 1e-9, clamp). Each loss call then sees the tags of its actual input and target.
"""

import contextlib
import io

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

SOFTMAX = {torch.softmax, F.softmax, torch.Tensor.softmax, torch.special.softmax}
LOG_SOFTMAX = {torch.log_softmax, F.log_softmax, torch.Tensor.log_softmax, torch.special.log_softmax}
SIGMOID = {torch.sigmoid, F.sigmoid, torch.Tensor.sigmoid, torch.special.expit}
LOG, EXP = {torch.log, torch.Tensor.log}, {torch.exp, torch.Tensor.exp}
RAW = {F.linear, F.bilinear, F.conv1d, F.conv2d, F.conv3d, torch.conv1d, torch.conv2d, torch.conv3d}
LOSSES = {
    F.cross_entropy: "ce",
    F.nll_loss: "nll",
    F.binary_cross_entropy: "bce",
    F.binary_cross_entropy_with_logits: "bcel",
    F.mse_loss: "mse",
}


def tag(value):
    return getattr(value, "_loss_lab_tag", None) if isinstance(value, torch.Tensor) else None


def tensors(values):
    for value in values:
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, list | tuple):
            yield from tensors(value)


def same_values(a: torch.Tensor, b: torch.Tensor) -> bool:
    """b holds a's values (up to an epsilon), in any shape or order."""
    if a.numel() != b.numel() or a.numel() == 0 or a.is_complex() or b.is_complex():
        return False
    x, y = a.detach().double().flatten().sort().values, b.detach().double().flatten().sort().values
    return bool(torch.allclose(x, y, atol=1e-6))


def class_targets(t: torch.Tensor) -> bool:
    """Values all 0 or 1: one-hot rows or binary class labels."""
    return t.numel() > 0 and bool(((t == 0) | (t == 1)).all())


class Recorder(TorchFunctionMode):
    """Records the rules each loss call breaks, judged from the tags of what really reaches it."""

    def __init__(self):
        super().__init__()
        self.rules, self.losses, self.error = set(), 0, None

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        first = args[0] if args else kwargs.get("input")
        if func in LOSSES:
            self.losses += 1
            self.judge(LOSSES[func], first, args[1] if len(args) > 1 else kwargs.get("target"))
        if func in LOG and tag(first) == "softmax":
            self.rules.add("log-of-softmax")
        out = func(*args, **kwargs)
        if isinstance(out, torch.Tensor):
            new = self.tag_of(func, first, args, kwargs, out)
            if new is not None:
                out._loss_lab_tag = new
        return out

    def tag_of(self, func, first, args, kwargs, out):
        if func in SOFTMAX:
            return "softmax"
        if func in LOG_SOFTMAX:
            return "double" if tag(first) == "softmax" else "log_softmax"
        if func in SIGMOID:
            return "sigmoid"
        if func in LOG and tag(first) == "softmax":
            return "log_softmax"
        if func in EXP and tag(first) == "log_softmax":
            return "softmax"
        if func is F.one_hot:
            return "one_hot"
        if func in RAW:
            return "raw"
        for source in tensors([*args, *kwargs.values()]):
            if tag(source) is not None:
                return tag(source) if same_values(source, out) else None
        return None

    def judge(self, loss, x, target):
        kind, target_kind = tag(x), tag(target)
        if loss == "ce":
            if kind in ("softmax", "double"):
                self.rules.add("softmax-into-cross-entropy")
            elif kind == "log_softmax":
                self.rules.add("log-softmax-into-cross-entropy")
            if target_kind == "one_hot" and not target.is_floating_point():
                self.rules.add("long-one-hot-target")
        elif loss == "nll":
            if kind == "softmax":
                self.rules.add("softmax-into-nll")
            elif kind == "double":
                self.rules.add("softmax-into-cross-entropy")
        elif loss == "bcel" and kind == "sigmoid":
            self.rules.add("sigmoid-into-bce-with-logits")
        elif loss == "bce" and kind == "raw":
            self.rules.add("logits-into-bce")
        elif loss == "mse":
            for probs, labels in ((x, target), (target, x)):
                if tag(probs) in ("softmax", "sigmoid") and isinstance(labels, torch.Tensor) and class_targets(labels):
                    self.rules.add("mse-on-probabilities")


def run(code: str, name: str) -> Recorder:
    """Execute a snippet as __main__ under the recorder (its prints swallowed, torch's RNG restored after)."""
    recorder = Recorder()
    with torch.random.fork_rng(), contextlib.redirect_stdout(io.StringIO()), recorder:
        try:
            exec(compile(code, name, "exec"), {"__name__": "__main__"})
        except RuntimeError as err:  # BCELoss on logits and int one-hot targets raise at the loss, after it was recorded
            recorder.error = err
    return recorder
