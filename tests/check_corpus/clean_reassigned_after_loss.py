"""The same name holds probabilities only after the loss has been computed."""

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(4, 3)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(20, 4), torch.randint(0, 3, (20,))
history = []
for epoch in range(3):
    out = model(x)
    loss = criterion(out, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    out = out.detach().softmax(dim=1)
    history.append(out.max(dim=1).values.mean().item())
print(history)
