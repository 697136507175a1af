"""An autoencoder: sigmoid decoder output, MSE reconstruction of inputs in [0, 1]."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
encoder = nn.Sequential(nn.Linear(16, 4), nn.ReLU())
decoder = nn.Sequential(nn.Linear(4, 16), nn.Sigmoid())
params = list(encoder.parameters()) + list(decoder.parameters())
optimizer = torch.optim.Adam(params, lr=1e-2)
images = torch.rand(10, 16)
for epoch in range(3):
    recon = decoder(encoder(images))
    loss = F.mse_loss(recon, images)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
