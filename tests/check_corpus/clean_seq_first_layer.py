"""Sequential(Linear, Sigmoid) for predictions; the loss is computed on its first layer only."""

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
x = torch.randn(30, 3)
y = (x[:, 0] > 0).float().unsqueeze(1)
for epoch in range(3):
    logits = model[0](x)
    loss = criterion(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
predictions = model(x) > 0.5
print(predictions.float().mean())
