"""Loss registry: per-sample losses from logits and their closed-form gradients w.r.t. the logits."""

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

Tensor = torch.Tensor


@dataclass(frozen=True)
class Loss:
    """One registry entry; `loss(z, y)` and `dlogits(z, y)` broadcast over leading dims of z."""

    name: str
    label: str
    formula: str  # LaTeX, per sample
    binary: bool  # True: one logit (needs 2 classes); False: one logit per class
    loss: Callable[..., Tensor]  # z (..., K), y (...,) int, **options -> (...,)
    dlogits: Callable[..., Tensor]  # z (..., K), y (...,), **options -> (..., K), d loss_i / d z_i
    options: tuple[str, ...] = ()  # keyword options loss and dlogits accept


def one_hot(y: Tensor, num_classes: int, like: Tensor) -> Tensor:
    """One-hot targets with the dtype of `like` (written with == so torch.func.vmap can batch it)."""
    return (y.unsqueeze(-1) == torch.arange(num_classes, device=y.device)).to(like.dtype)


def _target(y: Tensor, like: Tensor) -> Tensor:
    return y.to(like.dtype).unsqueeze(-1)  # (..., 1)


def _ce(z, y):
    return -torch.log_softmax(z, -1).gather(-1, y.unsqueeze(-1)).squeeze(-1)


def _ce_grad(z, y):
    return torch.softmax(z, -1) - one_hot(y, z.shape[-1], z)


def _mse(z, y):
    return (torch.softmax(z, -1) - one_hot(y, z.shape[-1], z)).pow(2).mean(-1)


def _mse_grad(z, y):
    p = torch.softmax(z, -1)
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
    return _ce(torch.softmax(z, -1), y)


def _softmax_ce_grad(z, y):
    p = torch.softmax(z, -1)
    v = _ce_grad(p, y)  # gradient w.r.t. the inner probabilities, taken as logits
    return p * (v - (p * v).sum(-1, keepdim=True))  # softmax Jacobian (symmetric) times v


def _mae(z, y):
    return (torch.softmax(z, -1) - one_hot(y, z.shape[-1], z)).abs().sum(-1)


def _mae_grad(z, y):
    p = torch.softmax(z, -1)
    onehot = one_hot(y, z.shape[-1], z)
    return 2 * (p * onehot).sum(-1, keepdim=True) * (p - onehot)  # loss = 2(1 - p_y)


LOSSES: dict[str, Loss] = {
    entry.name: entry
    for entry in [
        Loss("ce", "Cross-entropy", r"-\log p_y,\; p = \mathrm{softmax}(z)", False, _ce, _ce_grad),
        Loss("mse", "MSE on softmax", r"\tfrac{1}{C}\sum_k (p_k - y_k)^2", False, _mse, _mse_grad),
        Loss("bce", "BCE with logits", r"-[y\log p + (1-y)\log(1-p)],\; p=\sigma(z)", True, _bce, _bce_grad),
        Loss("mse-sigmoid", "MSE on sigmoid", r"(\sigma(z) - y)^2", True, _mse_sigmoid, _mse_sigmoid_grad),
        Loss(
            "mse-logits",
            "Square loss on logits",
            r"\tfrac{1}{C}\big[k\,(z_y - M)^2 + \sum_{j \ne y} z_j^2\big]",
            False,
            _mse_logits,
            _mse_logits_grad,
            options=("k", "m"),
        ),
        Loss(
            "softmax-ce",
            "Softmax, then cross-entropy (bug)",
            r"-\log \mathrm{softmax}(\mathrm{softmax}(z))_y",
            False,
            _softmax_ce,
            _softmax_ce_grad,
        ),
        Loss("mae", "MAE on softmax", r"\sum_k |p_k - y_k| = 2(1 - p_y)", False, _mae, _mae_grad),
    ]
}


def get(name: str) -> Loss:
    """The registry entry called `name` (KeyError names the choices)."""
    if name not in LOSSES:
        raise KeyError(f"unknown loss {name!r}; choose from {', '.join(LOSSES)}")
    return LOSSES[name]


def output_size(name: str, num_classes: int) -> int:
    """Number of logits a model needs for this loss."""
    return 1 if get(name).binary else num_classes


def probabilities(name: str, z: Tensor) -> Tensor:
    """Class probabilities the model predicts: softmax, or [1 - σ, σ] for one-logit losses; (..., C)."""
    if get(name).binary:
        p = torch.sigmoid(z)
        return torch.cat([1 - p, p], -1)
    return torch.softmax(z, -1)


def predictions(name: str, z: Tensor) -> Tensor:
    """Predicted class from logits without computing probabilities: argmax, or z > 0 for one logit; (...,)."""
    return (z[..., 0] > 0).long() if get(name).binary else z.argmax(-1)
