"""Square loss on raw logits against one-hot targets (Hui & Belkin 2021): no softmax, so no p(1 - p) factor."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(30, 2), torch.randint(0, 3, (30,))
for epoch in range(3):
    logits = model(x)
    loss = F.mse_loss(logits, F.one_hot(y, 3).float())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
