"""torch.log of softmax, then NLLLoss: the right loss, computed the unstable way."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
images, digits = torch.randn(32, 8), torch.randint(0, 10, (32,))
for epoch in range(3):
    logits = model(images)
    log_probs = torch.log(F.softmax(logits, dim=1))
    loss = F.nll_loss(log_probs, digits)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
