"""A hand-written cross-entropy: log(p + eps) of a softmax model."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 3), nn.Softmax(dim=-1))

    def forward(self, state):
        return self.net(state)


torch.manual_seed(0)
policy = Policy()
optimizer = torch.optim.Adam(policy.parameters(), lr=1e-2)
states, actions = torch.randn(12, 4), torch.randint(0, 3, (12,))
for epoch in range(3):
    probs = policy(states)
    onehot = F.one_hot(actions, 3).float()
    loss = -(onehot * torch.log(probs + 1e-9)).sum(dim=1).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
