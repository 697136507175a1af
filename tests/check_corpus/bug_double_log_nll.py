"""A model that ends in softmax, with log_softmax + NLLLoss on top: softmax applied twice in log space."""

import torch
import torch.nn as nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1))
nll = nn.NLLLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
data = torch.randn(24, 4)
target = torch.randint(0, 3, (24,))
for epoch in range(3):
    log_probs = torch.log_softmax(net(data), dim=1)
    loss = nll(log_probs, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
