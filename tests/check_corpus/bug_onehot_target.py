"""Integer one-hot targets for CrossEntropyLoss."""

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 4
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, NUM_CLASSES))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(18, 6)
y = torch.randint(0, NUM_CLASSES, (18,))
targets = F.one_hot(y, num_classes=NUM_CLASSES)
for epoch in range(2):
    logits = model(x)
    loss = criterion(logits, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
