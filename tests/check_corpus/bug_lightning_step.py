"""A LightningModule-shaped classifier (training_step / configure_optimizers), driven by a hand loop."""

import torch
from torch import nn


class LitClassifier(nn.Module):
    def __init__(self, num_classes=3, lr=1e-2):
        super().__init__()
        self.lr = lr
        self.backbone = nn.Sequential(nn.Linear(4, 32), nn.ReLU())
        self.classifier = nn.Linear(32, num_classes)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, x):
        return torch.softmax(self.classifier(self.backbone(x)), dim=1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        y_hat = self(x)
        loss = self.loss_fn(y_hat, y)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        acc = (self(x).argmax(1) == y).float().mean()
        return acc

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


torch.manual_seed(0)
module = LitClassifier()
optimizer = module.configure_optimizers()
for i in range(3):
    batch = (torch.randn(16, 4), torch.randint(0, 3, (16,)))
    loss = module.training_step(batch, i)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
