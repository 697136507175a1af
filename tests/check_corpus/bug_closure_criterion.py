"""A training-step factory: the criterion lives in a closure, the softmax in forward."""

import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, x):
        return self.net(x).softmax(dim=-1)


def make_step(model, optimizer):
    crit = nn.CrossEntropyLoss()

    def step(x, y):
        optimizer.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


torch.manual_seed(0)
model = Model()
step = make_step(model, torch.optim.SGD(model.parameters(), lr=0.1))
for _ in range(3):
    step(torch.randn(8, 3), torch.randint(0, 2, (8,)))
