"""A character model trained on logits; softmax only to sample from it afterwards."""

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 10
torch.manual_seed(0)
model = nn.Sequential(nn.Embedding(VOCAB, 8), nn.Linear(8, VOCAB))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
seq = torch.randint(0, VOCAB, (32,))
for step in range(3):
    logits = model(seq[:-1])
    loss = F.cross_entropy(logits, seq[1:])
    opt.zero_grad()
    loss.backward()
    opt.step()

with torch.no_grad():
    token = torch.tensor([0])
    generated = []
    for _ in range(5):
        logits = model(token)[-1] / 0.8
        probs = F.softmax(logits, dim=-1)
        token = torch.multinomial(probs, num_samples=1)
        generated.append(token.item())
print(generated)
