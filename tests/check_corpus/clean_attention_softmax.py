"""Self-attention softmax inside the model; the model ends in a linear head."""

import math

import torch
import torch.nn.functional as F
from torch import nn


class AttentionClassifier(nn.Module):
    def __init__(self, dim=8, num_classes=3):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        weights = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
        pooled = (weights @ v).mean(dim=1)
        return self.head(pooled)


torch.manual_seed(0)
model = AttentionClassifier()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
tokens, labels = torch.randn(6, 5, 8), torch.randint(0, 3, (6,))
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(tokens), labels)
    loss.backward()
    optimizer.step()
