"""'Show as PyTorch code': a standalone script, plain torch plus core.data, that reproduces a config's runs."""

from core import losses
from core.config import RunConfig
from core.engine import ORDER_SEED_OFFSET

TEMPLATE = '''"""Loss Lab run: {title}.
Reproduces the app's numbers for seed {seed}. Run from the Loss Lab folder (it imports core.data for the dataset)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from core.data import make_dataset

data = make_dataset({dataset!r}, {classes}, {samples}, {noise!r}, {label_noise!r}, {val_fraction!r}, seed={seed})
x, y, C = data.x_train, data.y_train, {classes}
LOSSES = {{
{loss_lines}
}}


def make_model():
    """{arch}, PyTorch's default init range drawn from our own generator, weights times {init_scale!r}."""
    layers = []
    widths = [x.shape[1], {hidden}{outputs}]
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        layers += [nn.{act}()] if i else []
        layers.append(nn.Linear(fan_in, fan_out))
    model = nn.Sequential(*layers)
    g = torch.Generator().manual_seed({seed})
    with torch.no_grad():
        for layer in model[::2]:
            bound = 1 / math.sqrt(layer.in_features)
            layer.weight.copy_((2 * torch.rand(layer.weight.shape, generator=g) - 1) * bound * {init_scale!r})
            layer.bias.copy_((2 * torch.rand(layer.bias.shape, generator=g) - 1) * bound)
    return model


def accuracy(model):
    with torch.no_grad():
        logits = model(x)
        pred = (logits.squeeze(1) > 0).long() if logits.shape[1] == 1 else logits.argmax(1)
        return (pred == y).float().mean().item()


for name, loss_fn in LOSSES.items():
    model = make_model()  # every loss starts from the same weights
    optimizer = {optimizer}
    order = torch.Generator().manual_seed({order_seed})  # the same batch order for every loss
    for epoch in range(1, {epochs} + 1):
{loop}
    with torch.no_grad():
        final_loss = loss_fn(model(x), y).item()
    print(f"{{name}}: final loss {{final_loss:.6f}}, train accuracy {{accuracy(model):.4f}}")
'''

FULL_BATCH = """        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()"""

MINI_BATCH = """        perm = torch.randperm(len(y), generator=order)
        for start in range(0, len(y), {batch_size}):
            idx = perm[start : start + {batch_size}]
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()"""


def _loss_code(name: str, c: RunConfig) -> str:
    if name == "mse-logits" and (c.square_k, c.square_m) != (1.0, 1.0):  # Hui & Belkin's rescaled square loss
        return f"((1 + {c.square_k - 1!r} * F.one_hot(y, C)) * (logits - {c.square_m!r} * F.one_hot(y, C)) ** 2).mean()"
    return losses.get(name).code


def pytorch_script(config: RunConfig) -> str:
    """The script's source text."""
    c = config
    minibatch = 0 < c.batch_size
    optimizer = (
        f"torch.optim.Adam(model.parameters(), lr={c.lr!r})"
        if c.optimizer == "adam"
        else f"torch.optim.SGD(model.parameters(), lr={c.lr!r}, momentum={c.momentum!r})"
    )
    return TEMPLATE.format(
        title=f"{', '.join(c.losses)} on {c.dataset} (C = {c.classes}, N = {c.samples}), {c.epochs} epochs",
        seed=c.seed, dataset=c.dataset, classes=c.classes, samples=c.samples, noise=c.noise,
        label_noise=c.label_noise, val_fraction=c.val_fraction,
        loss_lines="\n".join(f"    {name!r}: lambda logits, y: {_loss_code(name, c)},{losses.get(name).code_comment}" for name in c.losses),
        arch=f"MLP with hidden widths {list(c.hidden)}" if c.hidden else "A linear model",
        hidden="".join(f"{w}, " for w in c.hidden), outputs=losses.output_size(c.losses[0], c.classes),
        act="Tanh" if c.activation == "tanh" else "ReLU", init_scale=c.init_scale,
        optimizer=optimizer, order_seed=c.seed + ORDER_SEED_OFFSET, epochs=c.epochs,
        loop=MINI_BATCH.format(batch_size=c.batch_size) if minibatch else FULL_BATCH,
    )  # fmt: skip
