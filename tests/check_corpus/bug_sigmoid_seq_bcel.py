"""Sequential ending in nn.Sigmoid, into the functional BCE-with-logits."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
points = torch.randn(40, 2)
labels = (points[:, 0] * points[:, 1] > 0).float()
for step in range(3):
    scores = model(points).squeeze(1)
    loss = F.binary_cross_entropy_with_logits(scores, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
