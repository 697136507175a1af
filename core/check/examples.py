"""Sample snippets the Check-your-code page loads with its example buttons."""

EXAMPLES = {
    "Softmax in forward": """import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        return F.softmax(self.fc2(x), dim=1)


model = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)


def train(model, loader):
    for images, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(images.view(-1, 784)), labels)
        loss.backward()
        optimizer.step()


train(model, train_loader)
""",
    "Sequential, sigmoid, one-hot": """import torch
import torch.nn as nn
import torch.nn.functional as F

model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid())
loss_fn = nn.BCEWithLogitsLoss()

classifier = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 4))
for x, y in loader:
    loss = loss_fn(model(x).squeeze(1), y.float())
    probs = torch.softmax(classifier(x), dim=1)
    log_probs = torch.log(probs)
    ce = F.cross_entropy(classifier(x), F.one_hot(y, 4))
""",
    "MSE on softmax": """import torch
import torch.nn.functional as F
from torch import nn

model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(300):
    probs = model(x).softmax(dim=1)
    loss = F.mse_loss(probs, F.one_hot(y, 3).float())
    opt.zero_grad()
    loss.backward()
    opt.step()
""",
    "Clean: softmax only for metrics": """import torch
import torch.nn.functional as F
from torch import nn

model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
criterion = nn.CrossEntropyLoss()
teacher = nn.Linear(4, 3)
for x, y in loader:
    logits = model(x)
    loss = criterion(logits, y)
    distill = F.kl_div(F.log_softmax(logits / 2, 1), F.softmax(teacher(x) / 2, 1), reduction="batchmean")
    accuracy = (F.softmax(logits, dim=1).argmax(1) == y).float().mean()
""",
}
