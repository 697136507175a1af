"""CrossEntropyLoss(label_smoothing=0.1) on logits; softmax afterwards for a calibration report."""

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 12), nn.GELU(), nn.Linear(12, 4))
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
x, y = torch.randn(24, 5), torch.randint(0, 4, (24,))
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()

with torch.no_grad():
    probs = model(x).softmax(dim=1)
    confidence, predicted = probs.max(dim=1)
    brier = ((probs - torch.eye(4)[y]) ** 2).sum(dim=1).mean()
    print(f"mean confidence {confidence.mean():.3f}, brier {brier:.3f}")
