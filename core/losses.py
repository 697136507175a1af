"""Loss registry: per-sample losses from logits, their closed-form gradients w.r.t. the logits, and every
fact a page or the exported script needs about each loss. A new loss is one entry here plus its tests."""

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core import palette

Tensor = torch.Tensor
SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class Curve:
    """‖∂ℓ/∂z‖ as a function of p = p(true class), q = 1 − p and C (None when it is not a function of p alone).

    Softmax losses assume the wrong mass q sits on ONE class (exact for C = 2); derivations: REFERENCE.md §1
    with p = [p, q, 0, …]."""

    norm: Callable[[Tensor, Tensor, int], Tensor] | None
    formula: str  # the line's formula as the chart says it, or why there is no line


@dataclass(frozen=True)
class Loss:
    """One registry entry; `loss(z, y)` and `dlogits(z, y)` broadcast over leading dims of z."""

    name: str
    label: str  # display name
    formula: str  # LaTeX, per sample
    binary: bool  # True: one logit (needs 2 classes); False: one logit per class
    loss: Callable[..., Tensor]  # z (..., K), y (...,) int, **options -> (...,)
    dlogits: Callable[..., Tensor]  # z (..., K), y (...,), **options -> (..., K), d loss_i / d z_i
    color: str  # the same on every chart and page (core/palette.py)
    dash: tuple[int, ...]  # its lines' strokeDash, so lines differ by more than colour
    code: str  # the exported PyTorch script's expression of (logits, y, C)
    curve: Curve  # the per-sample page's analytic line
    help: str  # one phrase for the settings' help text
    options: tuple[str, ...] = ()  # keyword options loss and dlogits accept
    code_comment: str = ""  # appended to the script's line
    p_one: Callable[[Tensor], Tensor] = torch.sigmoid  # one-logit losses: p(class 1) from the logit z


def one_hot(y: Tensor, num_classes: int, like: Tensor) -> Tensor:
    """One-hot targets with the dtype of `like` (written with == so torch.func.vmap can batch it)."""
    return (y.unsqueeze(-1) == torch.arange(num_classes, device=y.device)).to(like.dtype)


def _class_dim(z: Tensor) -> tuple[Tensor, int]:
    """z or its transpose, and the class dim to normalise along: the one torch's CPU kernel runs fast on.

    torch vectorises (log_)softmax along its dim when that is the last one and across rows otherwise; with a few
    classes and many rows the transposed call is ~10x faster (spirals' 480 × 3 logits: 5 µs, not 55), same maths."""
    if z.dim() >= 2 and z.shape[-2] > z.shape[-1]:
        return z.transpose(-1, -2), -2
    return z, -1


def softmax(z: Tensor) -> Tensor:
    """torch.softmax over the class (last) dim of z (..., K)."""
    t, dim = _class_dim(z)
    return torch.softmax(t, dim).transpose(-1, -2) if dim == -2 else torch.softmax(t, dim)


def log_softmax(z: Tensor) -> Tensor:
    """torch.log_softmax over the class (last) dim of z (..., K)."""
    t, dim = _class_dim(z)
    return torch.log_softmax(t, dim).transpose(-1, -2) if dim == -2 else torch.log_softmax(t, dim)


def _target(y: Tensor, like: Tensor) -> Tensor:
    return y.to(like.dtype).unsqueeze(-1)  # (..., 1)


def _ce(z, y):
    return -log_softmax(z).gather(-1, y.unsqueeze(-1)).squeeze(-1)


def _ce_grad(z, y):
    return softmax(z) - one_hot(y, z.shape[-1], z)


def _mse(z, y):
    return (softmax(z) - one_hot(y, z.shape[-1], z)).pow(2).mean(-1)


def _mse_grad(z, y):
    p = softmax(z)
    r = p - one_hot(y, z.shape[-1], z)
    return (2.0 / z.shape[-1]) * p * (r - (p * r).sum(-1, keepdim=True))


def _bce(z, y):
    return F.binary_cross_entropy_with_logits(z, _target(y, z), reduction="none").squeeze(-1)


def _bce_grad(z, y):
    return torch.sigmoid(z) - _target(y, z)


def _mse_sigmoid(z, y):
    return (torch.sigmoid(z) - _target(y, z)).pow(2).squeeze(-1)


def _mse_sigmoid_grad(z, y):
    p = torch.sigmoid(z)
    return 2 * (p - _target(y, z)) * p * (1 - p)


def _square_weights(z, y, k, m):
    """Hui & Belkin's rescaling: weight k and target M on the true class, weight 1 and target 0 elsewhere."""
    onehot = one_hot(y, z.shape[-1], z)
    return 1 + (k - 1) * onehot, m * onehot


def _mse_logits(z, y, k=1.0, m=1.0):
    weight, target = _square_weights(z, y, k, m)
    return (weight * (z - target).pow(2)).mean(-1)


def _mse_logits_grad(z, y, k=1.0, m=1.0):
    weight, target = _square_weights(z, y, k, m)
    return (2.0 / z.shape[-1]) * weight * (z - target)


def _softmax_ce(z, y):
    return _ce(softmax(z), y)


def _softmax_ce_grad(z, y):
    p = softmax(z)
    v = _ce_grad(p, y)  # gradient w.r.t. the inner probabilities, taken as logits
    return p * (v - (p * v).sum(-1, keepdim=True))  # softmax Jacobian (symmetric) times v


def _mae(z, y):
    return (softmax(z) - one_hot(y, z.shape[-1], z)).abs().sum(-1)


def _mae_grad(z, y):
    p = softmax(z)
    onehot = one_hot(y, z.shape[-1], z)
    return 2 * (p * onehot).sum(-1, keepdim=True) * (p - onehot)  # loss = 2(1 - p_y)


def _signed(y, like):
    return 2 * _target(y, like) - 1  # TensorFlow Playground's labels t = ±1: class 1 is +1


def _square_tanh(z, y):
    return 0.5 * (torch.tanh(z) - _signed(y, z)).pow(2).squeeze(-1)


def _square_tanh_grad(z, y):
    o = torch.tanh(z)
    return (o - _signed(y, z)) * (1 - o * o)


def _tanh_probability(z):
    return (1 + torch.tanh(z)) / 2  # o = tanh(z) in [-1, 1] read as p(t = +1); equals σ(2z)


ONE_HOT = "F.one_hot(y, C).float()"
LOSSES: dict[str, Loss] = {
    entry.name: entry
    for entry in [
        Loss(
            "ce", "Cross-entropy", r"-\log p_y,\; p = \mathrm{softmax}(z)", False, _ce, _ce_grad,
            color=palette.BLUE, dash=palette.SOLID, code="nn.CrossEntropyLoss()(logits, y)",
            curve=Curve(lambda p, q, c: SQRT2 * q, "√2·(1 − p)"), help="cross-entropy",
        ),
        Loss(
            "mse", "MSE on softmax", r"\tfrac{1}{C}\sum_k (p_k - y_k)^2", False, _mse, _mse_grad,
            color=palette.VERMILLION, dash=(7, 3), code=f"nn.MSELoss()(logits.softmax(1), {ONE_HOT})",
            curve=Curve(lambda p, q, c: 4 * SQRT2 / c * p * q**2, "(4√2/C)·p(1 − p)²"), help="nn.MSELoss on softmax",
        ),
        Loss(
            "bce", "BCE with logits", r"-[y\log p + (1-y)\log(1-p)],\; p=\sigma(z)", True, _bce, _bce_grad,
            color=palette.BLUE, dash=palette.SOLID, code="nn.BCEWithLogitsLoss()(logits.squeeze(1), y.float())",
            curve=Curve(lambda p, q, c: q, "1 − p = |σ(z) − y|"), help="BCE with logits, one logit, C = 2",
        ),
        Loss(
            "mse-sigmoid", "MSE on sigmoid", r"(\sigma(z) - y)^2", True, _mse_sigmoid, _mse_sigmoid_grad,
            color=palette.VERMILLION, dash=(7, 3), code="nn.MSELoss()(logits.squeeze(1).sigmoid(), y.float())",
            curve=Curve(lambda p, q, c: 2 * p * q**2, "2p(1 − p)² = 2|σ − y|·σ(1 − σ)"), help="MSE on sigmoid, one logit, C = 2",
        ),
        Loss(
            "mse-logits", "Square loss on logits", r"\tfrac{1}{C}\big[k\,(z_y - M)^2 + \sum_{j \ne y} z_j^2\big]", False,
            _mse_logits, _mse_logits_grad, options=("k", "m"),
            color=palette.BLUISH_GREEN, dash=(3, 2), code=f"nn.MSELoss()(logits, {ONE_HOT})",
            curve=Curve(None, "no curve: (2/C)(z − y) depends on the logits, not only on p"), help="square loss on logits",
        ),
        Loss(
            "softmax-ce", "Softmax, then cross-entropy (bug)", r"-\log \mathrm{softmax}(\mathrm{softmax}(z))_y", False,
            _softmax_ce, _softmax_ce_grad,
            color=palette.REDDISH_PURPLE, dash=(8, 3, 2, 3), code="nn.CrossEntropyLoss()(logits.softmax(1), y)",
            code_comment="  # the bug: softmax before CrossEntropyLoss",
            curve=Curve(
                lambda p, q, c: SQRT2 * p * q * (1 + (q.exp() - p.exp()) / (p.exp() + q.exp() + c - 2)),
                "√2·p(1 − p)·(1 + (e^(1−p) − e^p)/(e^p + e^(1−p) + C − 2))",
            ),
            help="softmax before CrossEntropyLoss (bug)",
        ),
        Loss(
            "mae", "MAE on softmax", r"\sum_k |p_k - y_k| = 2(1 - p_y)", False, _mae, _mae_grad,
            color=palette.BLACK, dash=(12, 4), code=f"(logits.softmax(1) - {ONE_HOT}).abs().sum(1).mean()",
            curve=Curve(lambda p, q, c: 2 * SQRT2 * p * q, "2√2·p(1 − p)"), help="‖p − y‖₁",
        ),
        Loss(
            "square-tanh", "Square loss on tanh (Playground)", r"\tfrac{1}{2}(o - t)^2,\; o = \tanh z,\; t = 2y - 1", True,
            _square_tanh, _square_tanh_grad, p_one=_tanh_probability,
            color=palette.BLUISH_GREEN, dash=(6, 2, 1, 2), code="nn.MSELoss()(logits.squeeze(1).tanh(), 2 * y.float() - 1) / 2",
            code_comment="  # TensorFlow Playground's loss, labels ±1",
            curve=Curve(lambda p, q, c: 8 * p * q**2, "8p(1 − p)² = |o − t|(1 − o²), p = (1 + o)/2"),
            help="TensorFlow Playground's ½(tanh(z) − t)², t = ±1, one logit, C = 2",
        ),
    ]
}  # fmt: skip


def get(name: str) -> Loss:
    """The registry entry called `name` (KeyError names the choices)."""
    if name not in LOSSES:
        raise KeyError(f"unknown loss {name!r}; choose from {', '.join(LOSSES)}")
    return LOSSES[name]


def color(name: str, other: str = palette.GREY) -> str:
    """A loss's chart colour; `other` for names that are not registry losses (a floor, a cap)."""
    return LOSSES[name].color if name in LOSSES else other


def dash(name: str, other: tuple[int, ...] = palette.REFERENCE_DASH) -> list[int]:
    """A loss's line dash (Vega-Lite strokeDash); `other` for names that are not registry losses."""
    return list(LOSSES[name].dash if name in LOSSES else other)


def output_size(name: str, num_classes: int) -> int:
    """Number of logits a model needs for this loss."""
    return 1 if get(name).binary else num_classes


def probabilities(name: str, z: Tensor) -> Tensor:
    """Class probabilities the model predicts: softmax, or [1 - p, p] for one-logit losses (p = the entry's p_one); (..., C)."""
    entry = get(name)
    if entry.binary:
        p = entry.p_one(z)
        return torch.cat([1 - p, p], -1)
    return softmax(z)


def run_probabilities(names: tuple[str, ...], z: Tensor) -> Tensor:
    """probabilities of R seed-major runs (run r trains names[r % L]): z (R, N, K) -> (R, N, C)."""
    rules = {get(name).p_one if get(name).binary else softmax for name in names}
    if len(rules) == 1:  # one rule for every run: one call, as fast as before
        return probabilities(names[0], z)
    return torch.stack([probabilities(names[r % len(names)], z[r]) for r in range(z.shape[0])])


def predictions(name: str, z: Tensor) -> Tensor:
    """Predicted class from logits without computing probabilities: argmax, or z > 0 for one logit; (...,)."""
    return (z[..., 0] > 0).long() if get(name).binary else z.argmax(-1)
