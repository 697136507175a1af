"""The softmax is a module attribute, applied at the end of forward."""

import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self, in_features, num_classes):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_features, 32), nn.Tanh())
        self.head = nn.Linear(32, num_classes)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        features = self.body(x)
        scores = self.head(features)
        return self.softmax(scores)


torch.manual_seed(0)
x, y = torch.randn(40, 6), torch.randint(0, 5, (40,))
net = Classifier(6, 5)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for step in range(3):
    optimizer.zero_grad()
    loss = criterion(net(x), y)
    loss.backward()
    optimizer.step()
