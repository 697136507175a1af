"""SGD (momentum) and Adam computed as torch.optim computes them, in place over one flat (R, P) buffer of every run."""

import torch

from core.config import RunConfig

Tensor = torch.Tensor


class SGD:
    """torch.optim.SGD(lr, momentum) without dampening, Nesterov or weight decay."""

    def __init__(self, lr: float, momentum: float):
        self.lr, self.momentum, self.buffer = lr, momentum, None

    def step(self, params: Tensor, grad: Tensor) -> None:
        """One in-place update; elementwise, so runs stay independent."""
        if self.momentum:
            if self.buffer is None:
                self.buffer = grad.clone()  # torch.optim starts the buffer at the first gradient
            else:
                self.buffer.mul_(self.momentum).add_(grad)
            grad = self.buffer
        params.add_(grad, alpha=-self.lr)


class Adam:
    """torch.optim.Adam(lr) with its default betas and eps (single-tensor path, no AMSGrad or weight decay)."""

    BETAS = (0.9, 0.999)
    EPS = 1e-8

    def __init__(self, lr: float):
        self.lr, self.steps, self.exp_avg, self.exp_avg_sq = lr, 0, None, None

    def step(self, params: Tensor, grad: Tensor) -> None:
        """One in-place update; elementwise, so runs stay independent."""
        beta1, beta2 = self.BETAS
        if self.exp_avg is None:
            self.exp_avg, self.exp_avg_sq = torch.zeros_like(params), torch.zeros_like(params)
        self.steps += 1
        self.exp_avg.lerp_(grad, 1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        step_size = self.lr / (1 - beta1**self.steps)
        denom = (self.exp_avg_sq.sqrt() / (1 - beta2**self.steps) ** 0.5).add_(self.EPS)
        params.addcdiv_(self.exp_avg, denom, value=-step_size)


def make_optimizer(config: RunConfig) -> SGD | Adam:
    """The optimizer a config names (core.config validates adam | sgd)."""
    return Adam(config.lr) if config.optimizer == "adam" else SGD(config.lr, config.momentum)
