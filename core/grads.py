"""Per-sample gradients of each sample's own loss: w.r.t. its logits and the parameters, in closed form; torch.func's
vmap(grad) computes the same parameter norms independently (the tests' oracle, and benchmarks/bench_grads.py)."""

import pandas as pd
import torch
from torch.func import functional_call, grad, vmap

from core import losses
from core.backprop import layer_outputs, per_sample_grad_norms
from core.engine import Race


def param_grad_norms(model, params, loss_name, x, y, **options) -> torch.Tensor:
    """‖∂ℓᵢ/∂θ‖₂ for every sample via vmap(grad(functional_call)); x (N, D), y (N,) -> (N,)."""
    loss_fn = losses.get(loss_name).loss

    def sample_loss(p, xi, yi):
        z = functional_call(model, p, (xi.unsqueeze(0),))  # (1, K)
        return loss_fn(z, yi.unsqueeze(0), **options).squeeze(0)

    per_sample = vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, x, y)  # name -> (N, *shape)
    return torch.sqrt(sum(g.flatten(1).pow(2).sum(1) for g in per_sample.values()))


def sample_table(race: Race) -> pd.DataFrame:
    """One row per (run, training sample): label, p_true, ‖∂ℓ/∂z‖, ‖∂ℓ/∂θ‖, class probabilities, 2-D inputs."""
    d, C = race.data, race.data.num_classes
    outs = layer_outputs(race.params, d.x_train, race.config.activation)
    z = outs[-1]  # (R, N, K)
    probs = losses.run_probabilities(race.config.losses, z)  # (R, N, C)
    dz = torch.stack([race.dlogits(r, z[r], d.y_train) for r in range(len(race.runs))])  # (R, N, K)
    param_norms = per_sample_grad_norms(race.params, outs, dz, race.config.activation)  # (R, N)
    frames = []
    for r, (name, seed) in enumerate(race.runs):
        frame = {
            "run": name, "seed": seed, "index": range(len(d.y_train)), "label": d.y_train.numpy(),
            "p_true": probs[r].gather(1, d.y_train.unsqueeze(1)).squeeze(1).numpy(),
            "dlogit_norm": dz[r].norm(dim=1).numpy(),
            "param_grad_norm": param_norms[r].numpy(),
        }  # fmt: skip
        frame.update({f"prob_{k}": probs[r, :, k].numpy() for k in range(C)})
        if d.input_dim == 2:
            frame.update({"x0": d.x_train[:, 0].numpy(), "x1": d.x_train[:, 1].numpy()})
        frames.append(pd.DataFrame(frame))
    return pd.concat(frames, ignore_index=True)
