"""Raw logits into BCEWithLogitsLoss; sigmoid only for the predictions."""

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(32, 4)
y = torch.randint(0, 2, (32, 1)).float()
for epoch in range(3):
    logits = model(x)
    loss = criterion(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    predicted = (torch.sigmoid(logits) > 0.5).float()
    print(epoch, (predicted == y).float().mean().item())
