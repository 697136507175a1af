"""A predict() helper returns probabilities; training uses the logits."""

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(5, 10), nn.Linear(10, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def predict(model, x):
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)


def train(model, x, y, epochs=3):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()


torch.manual_seed(0)
net = Net()
train(net, torch.randn(20, 5), torch.randint(0, 2, (20,)))
print(predict(net, torch.randn(3, 5)))
