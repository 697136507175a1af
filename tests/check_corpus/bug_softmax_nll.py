"""forward returns probabilities; NLLLoss expects log-probabilities."""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(7, 5)

    def forward(self, x):
        return F.softmax(self.fc(x), dim=1)


torch.manual_seed(0)
model = Net()
criterion = nn.NLLLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
inputs, targets = torch.randn(25, 7), torch.randint(0, 5, (25,))
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(inputs), targets)
    loss.backward()
    optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.3f}")
