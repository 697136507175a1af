"""Seeded classification datasets; every random draw goes through the caller's torch.Generator."""

import math
from dataclasses import dataclass

import torch

Tensor = torch.Tensor

# name -> (min classes, max classes); two-class shapes only make sense with C = 2
CLASS_RANGE = {
    "blobs": (2, 100),
    "spirals": (2, 10),
    "moons": (2, 2),
    "circles": (2, 2),
    "xor": (2, 2),
    "digits": (2, 10),
    "pg-circle": (2, 2),
    "pg-xor": (2, 2),
    "pg-gauss": (2, 2),
    "pg-spiral": (2, 2),
}
PLAYGROUND_DATASETS = ("pg-circle", "pg-xor", "pg-gauss", "pg-spiral")
PLAYGROUND_MAX_NOISE = 0.5  # its noise slider's 0–50, divided by 100 as Playground does
DIGITS_SIZE = 1797  # scikit-learn's 8x8 digits: the whole set


@dataclass(frozen=True)
class Dataset:
    """A train/validation split; x: (N, D) float32, y: (N,) int64."""

    name: str
    num_classes: int
    x_train: Tensor
    y_train: Tensor  # possibly label-noised
    x_val: Tensor
    y_val: Tensor  # clean labels

    @property
    def input_dim(self) -> int:
        return self.x_train.shape[1]


def _normal(n, d, g):
    return torch.randn(n, d, generator=g)


def _balanced_labels(n, c):
    return torch.arange(n) % c  # (N,)


def blobs(n, c, noise, g):
    """C Gaussian blobs with centres evenly spaced on a circle of radius max(2, C/4), so many classes stay apart."""
    y = _balanced_labels(n, c)
    angle = 2 * math.pi * y / c
    centres = max(2.0, c / 4) * torch.stack([angle.cos(), angle.sin()], 1)  # (N, 2)
    return centres + (0.2 + noise) * _normal(n, 2, g), y


def spirals(n, c, noise, g):
    """C interleaved spiral arms, each turning once and a half."""
    y = _balanced_labels(n, c)
    t = torch.rand(n, generator=g)  # position along the arm, 0 = centre
    angle = 3 * math.pi * t + 2 * math.pi * y / c
    x = torch.stack([t * angle.cos(), t * angle.sin()], 1) * 2
    return x + noise * _normal(n, 2, g), y


def moons(n, c, noise, g):
    """Two interleaving half circles."""
    y = _balanced_labels(n, 2)
    t = math.pi * torch.rand(n, generator=g)
    upper = torch.stack([t.cos(), t.sin()], 1)
    lower = torch.stack([1 - t.cos(), 0.5 - t.sin()], 1)
    x = torch.where(y.unsqueeze(1) == 0, upper, lower)
    return x + noise * _normal(n, 2, g), y


def circles(n, c, noise, g):
    """A small circle inside a large one."""
    y = _balanced_labels(n, 2)
    t = 2 * math.pi * torch.rand(n, generator=g)
    radius = torch.where(y == 0, 1.0, 0.5)
    x = radius.unsqueeze(1) * torch.stack([t.cos(), t.sin()], 1)
    return x + noise * _normal(n, 2, g), y


def xor(n, c, noise, g):
    """Uniform square; the class is the sign of x0 * x1."""
    x = 2 * torch.rand(n, 2, generator=g) - 1
    y = (x[:, 0] * x[:, 1] < 0).long()
    return x + noise * _normal(n, 2, g), y


def digits(n, c, noise, g):
    """scikit-learn's 8x8 handwritten digits (shipped in the package), classes 0..C-1, pixels in [0, 1]."""
    from sklearn.datasets import load_digits  # lazy: only this dataset needs it

    bunch = load_digits(n_class=c)
    x = torch.tensor(bunch.data, dtype=torch.float32) / 16.0  # (M, 64)
    y = torch.tensor(bunch.target, dtype=torch.long)
    pick = torch.randperm(len(y), generator=g)[:n]
    return x[pick] + noise * _normal(len(pick), 64, g), y[pick]


# TensorFlow Playground's classification sets (re-implemented from the descriptions in tensorflow/playground's
# src/dataset.ts): class 1 is its label +1, class 0 its -1, and `noise` is its noise level (0–0.5), which means
# something different in each: a jitter that relabels (circle, xor), the Gaussians' variance, the spiral's jitter.


def _uniform(shape, low: float, high: float, g) -> Tensor:
    return low + (high - low) * torch.rand(shape, generator=g)


def pg_circle(n, c, noise, g):
    """Class 1 uniform in radius below 2.5, class 0 in radius 3.5–5; the label is where the jittered point lies."""
    y = _balanced_labels(n, 2)
    u = torch.rand(n, generator=g)
    radius = torch.where(y == 1, 2.5 * u, 3.5 + 1.5 * u)  # uniform in radius, not in area, as Playground draws
    angle = _uniform(n, 0.0, 2 * math.pi, g)
    x = radius.unsqueeze(1) * torch.stack([angle.sin(), angle.cos()], 1)
    jittered = x + noise * _uniform((n, 2), -5.0, 5.0, g)  # moves only the label, never the point
    return x, (jittered.norm(dim=1) < 2.5).long()


def pg_xor(n, c, noise, g):
    """Uniform on [-5, 5]², pushed 0.3 away from both axes; class 1 where the jittered x0·x1 ≥ 0."""
    x = _uniform((n, 2), -5.0, 5.0, g)
    x = x + torch.where(x > 0, 0.3, -0.3)
    jittered = x + noise * _uniform((n, 2), -5.0, 5.0, g)
    return x, (jittered[:, 0] * jittered[:, 1] >= 0).long()


def pg_gauss(n, c, noise, g):
    """Two Gaussians at (2, 2) (class 1) and (-2, -2) (class 0); noise widens them: variance 0.5 + 7 · noise."""
    y = _balanced_labels(n, 2)
    centres = torch.where(y == 1, 2.0, -2.0).unsqueeze(1).expand(n, 2)
    return centres + math.sqrt(0.5 + 7 * noise) * _normal(n, 2, g), y


def pg_spiral(n, c, noise, g):
    """Two arms of 1.75 turns out to radius 5, points evenly spaced along each, class 0's arm turned by π."""
    y = _balanced_labels(n, 2)
    arm_size = torch.where(y == 0, (n + 1) // 2, n // 2)
    t = (torch.arange(n) // 2) / arm_size  # 0 at the centre, up to (almost) 1 at the arm's end
    angle = 1.75 * 2 * math.pi * t + math.pi * (1 - y)
    x = 5 * t.unsqueeze(1) * torch.stack([angle.sin(), angle.cos()], 1)
    return x + noise * _uniform((n, 2), -1.0, 1.0, g), y


GENERATORS = {
    "blobs": blobs, "spirals": spirals, "moons": moons, "circles": circles, "xor": xor, "digits": digits,
    "pg-circle": pg_circle, "pg-xor": pg_xor, "pg-gauss": pg_gauss, "pg-spiral": pg_spiral,
}  # fmt: skip


def flip_labels(y: Tensor, fraction: float, c: int, g: torch.Generator) -> Tensor:
    """Move round(fraction * N) labels, chosen at random, to a different random class."""
    y = y.clone()
    k = round(fraction * len(y))
    idx = torch.randperm(len(y), generator=g)[:k]
    shift = torch.randint(1, c, (k,), generator=g)
    y[idx] = (y[idx] + shift) % c
    return y


def make_dataset(
    name: str, classes: int, samples: int, noise: float, label_noise: float, val_fraction: float, seed: int
) -> Dataset:
    """Generate `samples` points, shuffle, hold out `val_fraction`, flip `label_noise` of the training labels."""
    g = torch.Generator().manual_seed(seed)
    x, y = GENERATORS[name](samples, classes, noise, g)
    order = torch.randperm(len(y), generator=g)
    x, y = x[order].float(), y[order]
    n_val = round(val_fraction * len(y))
    y_train = flip_labels(y[n_val:], label_noise, classes, g)
    return Dataset(name, classes, x[n_val:], y_train, x[:n_val], y[:n_val])
