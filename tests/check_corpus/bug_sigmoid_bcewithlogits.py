"""A binary classifier whose forward applies the sigmoid, trained with BCEWithLogitsLoss."""

import torch
from torch import nn


class BinaryNet(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.hidden = nn.Linear(n_features, 16)
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        h = torch.relu(self.hidden(x))
        return torch.sigmoid(self.out(h))


torch.manual_seed(0)
X = torch.randn(64, 5)
y = (X.sum(dim=1) > 0).float().unsqueeze(1)
model = BinaryNet(5)
criterion = nn.BCEWithLogitsLoss()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(3):
    opt.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    opt.step()
