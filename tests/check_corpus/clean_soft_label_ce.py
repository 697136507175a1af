"""Cross-entropy against a teacher's softmax: probabilities as the target, logits as the input."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
teacher = nn.Linear(6, 4)
student = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4))
optimizer = torch.optim.Adam(student.parameters(), lr=1e-2)
T = 2.0
x = torch.randn(16, 6)
for step in range(3):
    with torch.no_grad():
        soft_targets = F.softmax(teacher(x) / T, dim=1)
    loss = F.cross_entropy(student(x) / T, soft_targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
