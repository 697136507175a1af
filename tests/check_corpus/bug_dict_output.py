"""forward returns a dict; the loss picks the probabilities instead of the logits."""

import torch
from torch import nn


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        logits = self.fc(x)
        return {"logits": logits, "probs": logits.softmax(-1)}


torch.manual_seed(0)
head = Head()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(head.parameters(), lr=0.1)
x, y = torch.randn(14, 6), torch.randint(0, 4, (14,))
for _ in range(3):
    out = head(x)
    loss = criterion(out["probs"], y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
