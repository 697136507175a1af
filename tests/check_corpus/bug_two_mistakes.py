"""Two mistakes at one loss: softmax probabilities and integer one-hot targets."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
x = torch.randn(10, 3)
y = F.one_hot(torch.randint(0, 3, (10,)), 3)
loss = criterion(model(x), y)
loss.backward()
