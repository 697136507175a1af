"""The criterion is made in one place and called through .forward in another."""

import torch
from torch import nn

criterion = nn.CrossEntropyLoss(reduction="mean")


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(5, 10), nn.ReLU(), nn.Linear(10, 4), nn.Softmax(dim=-1))

    def forward(self, x):
        return self.layers(x)


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = criterion.forward(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


torch.manual_seed(0)
m = Model()
opt = torch.optim.SGD(m.parameters(), lr=0.1)
for _ in range(3):
    train_step(m, opt, torch.randn(20, 5), torch.randint(0, 4, (20,)))
