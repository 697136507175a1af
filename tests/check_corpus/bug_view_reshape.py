"""A tiny next-token model: softmax over the vocabulary, flattened with view before the loss."""

import torch
import torch.nn as nn

VOCAB, EMBED, T = 12, 8, 5


class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, EMBED)
        self.proj = nn.Linear(EMBED, VOCAB)

    def forward(self, tokens):
        return self.proj(self.embed(tokens))


torch.manual_seed(0)
tokens = torch.randint(0, VOCAB, (4, T + 1))
model = TinyLM()
crit = nn.CrossEntropyLoss()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
for it in range(3):
    out = model(tokens[:, :-1]).softmax(-1)
    loss = crit(out.view(-1, VOCAB), tokens[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
