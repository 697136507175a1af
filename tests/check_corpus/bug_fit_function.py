"""The model is built at module level and handed to an untyped fit() that makes its own criterion."""

import torch
import torch.nn as nn


def make_model(n_classes):
    layers = [nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, n_classes)]
    layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers)


def fit(model, data, epochs=2, lr=0.1):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        for features, target in data:
            optimizer.zero_grad()
            loss = criterion(model(features), target)
            loss.backward()
            optimizer.step()
    return model


torch.manual_seed(0)
batches = [(torch.randn(16, 2), torch.randint(0, 3, (16,))) for _ in range(3)]
net = make_model(3)
fit(net, batches)
