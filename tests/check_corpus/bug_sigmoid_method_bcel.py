"""A multi-label head: .sigmoid() on the logits before BCEWithLogitsLoss."""

import torch
import torch.nn as nn

N_LABELS = 4
torch.manual_seed(0)
encoder = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, N_LABELS))
loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.ones(N_LABELS))
optimizer = torch.optim.Adam(encoder.parameters(), lr=1e-2)
x = torch.randn(20, 6)
targets = torch.randint(0, 2, (20, N_LABELS)).float()
for epoch in range(3):
    out = encoder(x).sigmoid()
    loss = loss_fn(out, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
