"""Float one-hot (and label-smoothed) targets: CrossEntropyLoss reads them as class probabilities."""

import torch
import torch.nn.functional as F
from torch import nn

C = 5
torch.manual_seed(0)
model = nn.Linear(6, C)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(12, 6), torch.randint(0, C, (12,))
for epoch in range(3):
    targets = F.one_hot(y, C).float()
    smoothed = targets * 0.9 + 0.1 / C
    loss = criterion(model(x), targets) + criterion(model(x), smoothed)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
