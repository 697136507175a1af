"""Layers registered one by one with add_module; the last one is a Softmax."""

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential()
model.add_module("fc1", nn.Linear(3, 12))
model.add_module("act", nn.ReLU())
model.add_module("fc2", nn.Linear(12, 6))
model.add_module("softmax", nn.Softmax(dim=1))

x, y = torch.randn(30, 3), torch.randint(0, 6, (30,))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
