"""MSE between softmax probabilities and one-hot targets: the square loss the race page races."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
x, y = torch.randn(60, 2), torch.randint(0, 3, (60,))
for epoch in range(3):
    probs = F.softmax(model(x), dim=1)
    loss = F.mse_loss(probs, F.one_hot(y, 3).float())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
