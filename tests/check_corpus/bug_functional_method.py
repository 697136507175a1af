"""Probabilities from a tensor method, into the functional cross-entropy."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
x = torch.randn(50, 3)
y = torch.randint(0, 2, (50,))
linear = nn.Linear(3, 2)
opt = torch.optim.SGD(linear.parameters(), lr=0.5)
for _ in range(4):
    probs = linear(x).softmax(dim=1)
    loss = F.cross_entropy(probs, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("final loss", loss.item())
