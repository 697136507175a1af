"""One-hot targets moved to the device (still int64) inside a train function."""

import torch
import torch.nn.functional as F
from torch import nn

device = torch.device("cpu")


def train(model, batches, num_classes):
    opt = torch.optim.Adam(model.parameters())
    for x, y in batches:
        x = x.to(device)
        y = F.one_hot(y, num_classes).to(device)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


torch.manual_seed(0)
net = nn.Linear(5, 3).to(device)
train(net, [(torch.randn(8, 5), torch.randint(0, 3, (8,)))], 3)
