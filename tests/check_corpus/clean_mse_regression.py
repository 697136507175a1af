"""Regression: MSELoss on continuous targets, with a sigmoid-gated feature inside the model."""

import torch
from torch import nn


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(3, 8)
        self.value = nn.Linear(3, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        return self.out(torch.sigmoid(self.gate(x)) * self.value(x))


torch.manual_seed(0)
x = torch.randn(40, 3)
y = (x @ torch.tensor([[1.5], [-2.0], [0.5]])) + 0.1 * torch.randn(40, 1)
model = Regressor()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
