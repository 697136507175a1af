"""A Classifier class that is an nn.Sequential ending in Softmax."""

import torch
from torch import nn


class Classifier(nn.Sequential):
    def __init__(self, n_in, n_out):
        super().__init__(nn.Linear(n_in, 16), nn.ReLU(), nn.Linear(16, n_out), nn.Softmax(dim=1))


torch.manual_seed(0)
clf = Classifier(5, 3)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(clf.parameters(), lr=1e-2)
x, y = torch.randn(30, 5), torch.randint(0, 3, (30,))
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(clf(x), y)
    loss.backward()
    optimizer.step()
