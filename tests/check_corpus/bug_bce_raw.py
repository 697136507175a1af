"""BCELoss on a model that ends in a Linear layer: raw scores where probabilities belong."""

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
features = torch.randn(32, 4)
labels = torch.randint(0, 2, (32,))
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(features).squeeze(1), labels.float())
    loss.backward()
    optimizer.step()
