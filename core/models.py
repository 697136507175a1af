"""The MLP, its seeded initialisation, and a forward pass over R stacked copies (one per run)."""

import math

import torch
from torch import nn

from core.backprop import layer_outputs

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}


def make_mlp(input_dim: int, hidden: tuple[int, ...], outputs: int, activation: str) -> nn.Sequential:
    """Linear layers with `activation` between them; hidden=() is a linear model. Weights left uninitialised."""
    widths = [input_dim, *hidden, outputs]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        if i:
            layers.append(ACTIVATIONS[activation]())
        layers.append(_uninitialised_linear(fan_in, fan_out))
    return nn.Sequential(*layers)


def _uninitialised_linear(fan_in: int, fan_out: int) -> nn.Linear:
    """nn.Linear with empty weights: built on meta (no draw from torch's global RNG), then given real storage
    directly; Module.to_empty's meta path imports sympy, ~0.5 s of a fresh process's first Race."""
    layer = nn.Linear(fan_in, fan_out, device="meta")
    layer.weight, layer.bias = nn.Parameter(torch.empty(fan_out, fan_in)), nn.Parameter(torch.empty(fan_out))
    return layer


def init_params(model: nn.Module, generator: torch.Generator, init_scale: float) -> dict[str, torch.Tensor]:
    """PyTorch's default Linear init, U(±1/√fan_in), drawn from `generator`; weights times `init_scale`."""
    params = {}
    for name, p in model.named_parameters():
        fan_in = p.shape[-1] if p.dim() == 2 else params[name.replace("bias", "weight")].shape[-1]
        bound = 1 / math.sqrt(fan_in)
        value = (2 * torch.rand(p.shape, generator=generator) - 1) * bound
        params[name] = value * init_scale if name.endswith("weight") else value
    return params


def stacked_forward(params: dict[str, torch.Tensor], x: torch.Tensor, activation: str) -> torch.Tensor:
    """R models at once: params have a leading run dim; x (R, N, D) or (N, D) shared -> logits (R, N, K)."""
    return layer_outputs(params, x, activation)[-1]
