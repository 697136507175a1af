"""A LightningModule-shaped model done right: logits into the loss, softmax in predict_step."""

import torch
import torch.nn.functional as F
from torch import nn


class LitModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def predict_step(self, batch, batch_idx):
        x, _ = batch
        return F.softmax(self(x), dim=1)


torch.manual_seed(0)
lit = LitModel()
optimizer = torch.optim.Adam(lit.parameters(), lr=1e-2)
batch = (torch.randn(10, 4), torch.randint(0, 3, (10,)))
for i in range(3):
    optimizer.zero_grad()
    lit.training_step(batch, i).backward()
    optimizer.step()
print(lit.predict_step(batch, 0).sum(dim=1))
