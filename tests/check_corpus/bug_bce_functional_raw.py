"""A model with its own loss method: F.binary_cross_entropy on its raw head."""

import torch
import torch.nn.functional as F
from torch import nn


class SpamFilter(nn.Module):
    def __init__(self, vocab=20):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab, 8)
        self.fc = nn.Linear(8, 1)

    def forward(self, tokens):
        return self.fc(self.embed(tokens)).squeeze(-1)

    def compute_loss(self, tokens, is_spam):
        return F.binary_cross_entropy(self(tokens), is_spam)


torch.manual_seed(0)
clf = SpamFilter()
opt = torch.optim.Adam(clf.parameters(), lr=0.01)
tokens = torch.randint(0, 20, (10, 6))
is_spam = torch.randint(0, 2, (10,)).float()
for _ in range(3):
    opt.zero_grad()
    loss = clf.compute_loss(tokens, is_spam)
    loss.backward()
    opt.step()
