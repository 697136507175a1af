"""forward returns (logits, probs); the loop unpacks and uses the wrong one."""

import torch
import torch.nn.functional as F
from torch import nn


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(4, 8)
        self.cls = nn.Linear(8, 3)

    def forward(self, x):
        z = self.cls(torch.relu(self.trunk(x)))
        return z, F.softmax(z, dim=1)


torch.manual_seed(0)
model = TwoHeads()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(3):
    x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
    _, probs = model(x)
    loss = F.cross_entropy(probs, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
