"""forward returns log_softmax, the loss is CrossEntropyLoss: harmless but redundant."""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 10)
        self.fc2 = nn.Linear(10, 3)

    def forward(self, x):
        return F.log_softmax(self.fc2(torch.relu(self.fc1(x))), dim=1)


torch.manual_seed(0)
model = Net()
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(20, 4), torch.randint(0, 3, (20,))
for _ in range(3):
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()
