"""Softmax only after the loss: accuracy, confidence and a printout."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(40, 4), torch.randint(0, 3, (40,))
for epoch in range(3):
    outputs = model(x)
    loss = criterion(outputs, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    probs = F.softmax(outputs.detach(), dim=1)
    accuracy = (probs.argmax(dim=1) == y).float().mean()
    confidence = probs.max(dim=1).values.mean()
    print(f"epoch {epoch} loss {loss.item():.3f} acc {accuracy:.2f} conf {confidence:.2f}")
