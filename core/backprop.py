"""R stacked MLPs by hand: a forward that keeps each layer's output, a backward from ∂L/∂z, the per-run loss terms.

Autograd would record a graph per step; these few batched products are the whole graph of an MLP, so the engine
runs them directly (tests/test_backprop.py holds them to autograd in float64)."""

import math
import os
import time

import torch

from core import losses
from core.config import TORCH_THREADS

Tensor = torch.Tensor
TANH = os.environ.get("LOSS_LAB_TANH", "")  # "onednn" or "aten" fixes the choice below (say, for a CPU where they tie)


def _onednn_tanh(h: Tensor) -> Tensor:
    return torch.tanh(h.to_mkldnn()).to_dense()


def _onednn_wins() -> bool:
    """Whether oneDNN's float32 tanh is faster than ATen's on this CPU, on a Default race's (2, 600, 32) layer.

    It is ~3x faster where ATen's takes ~2.5 ns an element (once a third of a race), ~5x slower where ATen's takes
    0.3 ns (an AVX-512 Xeon): far from a tie both ways, so the best of 15 interleaved timings decides alike in every
    process of one machine (the engine's last digits follow the choice, as they follow the CPU's own sums).
    """
    if TANH or not torch.backends.mkldnn.is_available():
        return TANH == "onednn" and torch.backends.mkldnn.is_available()
    h, best = torch.randn(2, 600, 32, generator=torch.Generator().manual_seed(0)), {torch.tanh: 1.0, _onednn_tanh: 1.0}
    threads = torch.get_num_threads()
    torch.set_num_threads(TORCH_THREADS)  # as the engine runs, whichever thread count the importer had set
    try:
        for _ in range(15):
            for f in best:
                start = time.perf_counter()
                f(h)
                best[f] = min(best[f], time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return best[_onednn_tanh] < best[torch.tanh]


FAST_TANH = _onednn_wins()


def tanh(h: Tensor) -> Tensor:
    """torch.tanh, through oneDNN for float32 where that is faster: as accurate (~1 ulp, tests/test_backprop.py)."""
    if FAST_TANH and h.dtype == torch.float32 and not h.requires_grad:
        return _onednn_tanh(h)
    return torch.tanh(h)


ACTIVATIONS = {"tanh": tanh, "relu": torch.relu}
# ∂/∂h of each activation from its output a = act(h), as autograd computes them (derivatives.yaml)
ACTIVATION_GRADS = {
    "tanh": lambda g, a: torch.ops.aten.tanh_backward(g, a),
    "relu": lambda g, a: torch.ops.aten.threshold_backward(g, a, 0),
}


def flat_views(flat: Tensor, shapes: dict[str, tuple[int, ...]]) -> dict[str, Tensor]:
    """One (R, *shape) view per parameter of a (R, P) buffer, in order: one buffer, so an update is a few ops."""
    views, start = {}, 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        views[name] = flat[:, start : start + size].view(flat.shape[0], *shape)
        start += size
    return views


def layers(params: dict[str, Tensor]) -> tuple[list[Tensor], list[Tensor]]:
    """Weights (R, out, in) and biases (R, out) in layer order (nn.Sequential names: "0.weight", "0.bias", …)."""
    weights = [v for k, v in params.items() if k.endswith("weight")]
    biases = [v for k, v in params.items() if k.endswith("bias")]
    return weights, biases


def layer_outputs(params: dict[str, Tensor], x: Tensor, activation: str) -> list[Tensor]:
    """[input, a₁, …, z]: outs[i] is layer i's input, outs[-1] the logits (R, N, K); x (R, N, D) or (N, D) shared."""
    weights, biases = layers(params)
    act = ACTIVATIONS[activation]
    h = x if x.dim() == 3 else x.expand(weights[0].shape[0], *x.shape)  # (R, N, D)
    outs = [h]
    for i, (w, b) in enumerate(zip(weights, biases)):
        h = torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))  # (R, N, out)
        if i < len(weights) - 1:
            h = act(h)
        outs.append(h)
    return outs


def backward(params: dict[str, Tensor], outs: list[Tensor], g: Tensor, activation: str, grads: dict[str, Tensor]) -> None:
    """Write ∂L/∂θ into `grads` (views like params'), given g = ∂L/∂z (R, n, K) and the first n rows of `outs`."""
    weights, _ = layers(params)
    grad_w, grad_b = layers(grads)
    act_grad, n = ACTIVATION_GRADS[activation], g.shape[1]
    for i in reversed(range(len(weights))):
        a = outs[i][:, :n]  # (R, n, in): rows past n (validation) take no part in the loss
        # Σₙ aₙ gₙᵀ into a fresh tensor, as autograd takes it: bmm(out=a strided view) picks a kernel whose sums
        # depend on how many runs race, and a run must train the same alone or with others (tests/test_engine.py)
        grad_w[i].copy_(torch.bmm(a.transpose(1, 2), g).transpose(1, 2))
        torch.sum(g, 1, out=grad_b[i])
        if i:
            g = act_grad(torch.bmm(g, weights[i]), a)  # back through layer i, then its input's activation


def loss_terms(names: tuple[str, ...], options: list[dict], z: Tensor, y: Tensor, values: bool = True):
    """Per-sample losses (R, N) (None unless `values`) and ∂ℓᵢ/∂zᵢ (R, N, K) of seed-major runs: loss j's are z[j::L]."""
    parts = [
        loss_and_dlogits(losses.get(name), opts, z[j :: len(names)], y[j :: len(names)], values)
        for j, (name, opts) in enumerate(zip(names, options))
    ]
    if len(parts) == 1:  # contiguous like the stacked case: a reduction's order must not depend on how many losses race
        value, dz = parts[0]
        return (value.contiguous() if values else None), dz.contiguous()
    dz = torch.stack([d for _, d in parts], 1).flatten(0, 1)  # (seeds, L, N, K) -> (R, N, K) in run order
    return (torch.stack([v for v, _ in parts], 1).flatten(0, 1) if values else None), dz


def loss_and_dlogits(entry: losses.Loss, options: dict, z: Tensor, y: Tensor, values: bool = True):
    """Per-sample losses (None unless `values`) and ∂ℓᵢ/∂zᵢ of one registry loss: its closed form when it has one."""
    value = entry.loss(z, y, **options) if values else None
    if entry.dlogits is not None:
        return value, entry.dlogits(z, y, **options)
    # A registry loss without a closed form still trains: autograd through the loss alone, the net stays by hand.
    with torch.enable_grad():
        leaf = z.detach().requires_grad_()
        (dz,) = torch.autograd.grad(entry.loss(leaf, y, **options).sum(), leaf)
    return value, dz


def per_sample_grad_norms(params: dict[str, Tensor], outs: list[Tensor], dz: Tensor, activation: str) -> Tensor:
    """‖∂ℓᵢ/∂θ‖ of each sample's own loss (R, N), given ∂ℓᵢ/∂zᵢ (R, N, K): one backward pass for every sample.

    Layer l's gradient for sample i is δᵢaᵢᵀ (and δᵢ for its bias), whose norm² is ‖δᵢ‖²(‖aᵢ‖² + 1)."""
    weights, _ = layers(params)
    act_grad, n = ACTIVATION_GRADS[activation], dz.shape[1]
    g, squared = dz, 0
    for i in reversed(range(len(weights))):
        a = outs[i][:, :n]
        squared = squared + g.square().sum(-1) * (a.square().sum(-1) + 1)
        if i:
            g = act_grad(torch.bmm(g, weights[i]), a)
    return squared.sqrt()
