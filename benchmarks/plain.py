"""The textbook PyTorch loop the engine is timed against: one nn.Sequential, one optimizer and autograd per loss."""

import torch
from torch import nn

from core.config import RunConfig
from core.engine import load_dataset

PLAIN_LOSSES = {"ce", "mse"}


def plain_model(input_dim: int, hidden: tuple[int, ...], outputs: int, activation: str) -> nn.Sequential:
    """A textbook MLP with PyTorch's default init."""
    widths = [input_dim, *hidden, outputs]
    act = {"tanh": nn.Tanh, "relu": nn.ReLU}[activation]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        layers += [act()] if i else []
        layers.append(nn.Linear(fan_in, fan_out))
    return nn.Sequential(*layers)


def train_plain(config: RunConfig) -> None:
    """The config's training as a textbook loop: no metrics, no validation, one loss value per step."""
    assert set(config.losses) <= PLAIN_LOSSES and config.seeds == 1, "plain loop: ce/mse, one seed"
    assert config.optimizer == "sgd", "plain loop mirrors the presets' SGD"
    data = load_dataset(config)
    x, y = data.x_train, data.y_train
    onehot = nn.functional.one_hot(y, data.num_classes).float()
    criteria = {"ce": nn.CrossEntropyLoss(), "mse": nn.MSELoss()}
    models, optimizers = [], []
    for _ in config.losses:
        models.append(plain_model(data.input_dim, config.hidden, data.num_classes, config.activation))
        optimizers.append(torch.optim.SGD(models[-1].parameters(), lr=config.lr, momentum=config.momentum))
    order = torch.Generator().manual_seed(config.seed)
    for _ in range(config.epochs):
        batches = torch.randperm(len(y), generator=order).split(config.batch_size) if config.batch_size else [slice(None)]
        for idx in batches:
            for name, model, optimizer in zip(config.losses, models, optimizers):
                optimizer.zero_grad()
                z = model(x[idx])
                loss = criteria["ce"](z, y[idx]) if name == "ce" else criteria["mse"](torch.softmax(z, -1), onehot[idx])
                loss.backward()
                optimizer.step()
