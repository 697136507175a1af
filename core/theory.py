"""One sigmoid neuron, p = σ(z): cross-entropy and MSE, their gradients, and the p(1 − p) factor."""

import pandas as pd
import torch

from core import losses


def neuron_values(z: torch.Tensor, y: int, half_mse: bool) -> dict[str, torch.Tensor]:
    """Losses and ∂L/∂z at logits z (shape (N,)) from the registry's closed forms; MSE optionally halved."""
    zz, yy = z.unsqueeze(-1), torch.full(z.shape, y, dtype=torch.long)  # (N, 1), (N,)
    scale = 0.5 if half_mse else 1.0
    p = torch.sigmoid(z)
    return {
        "z": z,
        "p": p,
        "ce_loss": losses.get("bce").loss(zz, yy),
        "mse_loss": scale * losses.get("mse-sigmoid").loss(zz, yy),
        "ce_grad": losses.get("bce").dlogits(zz, yy).squeeze(-1),  # p − y
        "mse_grad": scale * losses.get("mse-sigmoid").dlogits(zz, yy).squeeze(-1),  # (2 or 1)(p − y)p(1 − p)
        "factor": p * (1 - p),
    }


def neuron_point(z: float, y: int, half_mse: bool) -> dict[str, float]:
    """The numbers at one logit, in float64; ratio = |∂CE/∂z| / |∂MSE/∂z|."""
    values = {k: v.item() for k, v in neuron_values(torch.tensor([z], dtype=torch.float64), y, half_mse).items()}
    values["ratio"] = abs(values["ce_grad"]) / abs(values["mse_grad"]) if values["mse_grad"] else float("inf")
    return values


def z_grid(z_max: float = 10.0, points: int = 401) -> torch.Tensor:
    """Evenly spaced logits on [−z_max, z_max], float64."""
    return torch.linspace(-z_max, z_max, points, dtype=torch.float64)


def neuron_curves(z: torch.Tensor, y: int, half_mse: bool) -> pd.DataFrame:
    """Long table (z, quantity, curve, value) at logits z, for charting."""
    v = neuron_values(z, y, half_mse)
    mse = "MSE, ½(σ(z) − y)²" if half_mse else "MSE, (σ(z) − y)²"
    rows = [
        ("loss", "cross-entropy", v["ce_loss"]),
        ("loss", mse, v["mse_loss"]),
        ("gradient", "cross-entropy", v["ce_grad"]),
        ("gradient", mse, v["mse_grad"]),
        ("gradient", "p(1 − p)", v["factor"]),
    ]
    frames = [pd.DataFrame({"z": v["z"].numpy(), "quantity": q, "curve": c, "value": t.numpy()}) for q, c, t in rows]
    return pd.concat(frames, ignore_index=True)


NIELSEN_STARTS = {"(w, b) = (0.6, 0.9)": (0.6, 0.9), "(w, b) = (2, 2)": (2.0, 2.0)}
COSTS = ("quadratic", "cross-entropy")  # quadratic is Nielsen's ½(a − y)²


def _cost(a: torch.Tensor, cost: str, y: float) -> torch.Tensor:
    return 0.5 * (a - y) ** 2 if cost == "quadratic" else -(y * torch.log(a) + (1 - y) * torch.log(1 - a))


def neuron_gradients(w: float, b: float, cost: str, x: float = 1.0, y: float = 0.0) -> tuple[float, float, float]:
    """Output a and (∂C/∂w, ∂C/∂b) of one sigmoid neuron, by autograd in float64."""
    wt, bt = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (w, b))
    a = torch.sigmoid(wt * x + bt)
    gw, gb = torch.autograd.grad(_cost(a, cost, y), (wt, bt))
    return a.item(), gw.item(), gb.item()


def slowdown(lr: float, epochs: int) -> pd.DataFrame:
    """Nielsen's experiment: one neuron, input 1, target 0, from both starts, trained with both costs by gradient
    descent; the four runs step together on each cost's closed-form ∂C/∂z (tests/test_theory.py: autograd + torch.optim)."""
    runs = [(start, cost, w, b) for start, (w, b) in NIELSEN_STARTS.items() for cost in COSTS]
    params = torch.tensor([[w, b] for *_, w, b in runs], dtype=torch.float64)  # (4, 2): w, b per run
    quadratic = torch.tensor([cost == "quadratic" for _, cost, *_ in runs])
    y = torch.zeros(len(runs), dtype=torch.long)  # target 0
    outputs, costs = [], []
    for _ in range(epochs + 1):
        z = (params[:, 0] * 1.0 + params[:, 1]).unsqueeze(-1)  # input x = 1; (4, 1)
        a = torch.sigmoid(z).squeeze(-1)
        outputs.append(a)
        costs.append(torch.where(quadratic, _cost(a, "quadratic", 0.0), _cost(a, "cross-entropy", 0.0)))
        half_mse = 0.5 * losses.get("mse-sigmoid").dlogits(z, y)  # Nielsen's ½(a − y)²: (a − y)σ′(z)
        dz = torch.where(quadratic.unsqueeze(-1), half_mse, losses.get("bce").dlogits(z, y))  # (4, 1); CE: a − y
        params.add_(dz.expand(-1, 2), alpha=-lr)  # ∂C/∂w = x·∂C/∂z = ∂C/∂b: torch.optim.SGD's update
    a, c = torch.stack(outputs, 1).flatten().tolist(), torch.stack(costs, 1).flatten().tolist()  # run-major
    index = [(start, cost, epoch) for start, cost, *_ in runs for epoch in range(epochs + 1)]
    return pd.DataFrame(
        [(*key, out, cost) for key, out, cost in zip(index, a, c)], columns=["start", "cost", "epoch", "output", "cost_value"]
    )
