"""F.nll_loss on .softmax(1) of raw scores: the log is missing."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Linear(3, 4)
opt = torch.optim.SGD(model.parameters(), lr=0.2)
x, y = torch.randn(16, 3), torch.randint(0, 4, (16,))
for i in range(3):
    out = model(x)
    loss = F.nll_loss(out.softmax(1), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
