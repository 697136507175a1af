"""Sigmoid output with BCELoss: probabilities where BCELoss wants them."""

import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.linear = nn.Linear(n, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


torch.manual_seed(0)
model = LogisticRegression(3)
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(24, 3)
y = (x.sum(1, keepdim=True) > 0).float()
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
