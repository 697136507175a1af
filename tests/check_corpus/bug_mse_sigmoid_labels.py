"""One sigmoid output against 0/1 labels with MSELoss (Nielsen's quadratic cost)."""

import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(50, 2)
y = (x[:, 0] * x[:, 1] > 0).float()
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(3):
    pred = torch.sigmoid(model(x)).squeeze(1)
    loss = criterion(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
