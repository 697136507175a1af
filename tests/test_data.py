"""Datasets: seeded through their own generator, balanced, exact label-noise counts."""

import pytest
import torch

from core.data import CLASS_RANGE, GENERATORS, flip_labels, make_dataset


@pytest.mark.parametrize("name", list(GENERATORS))
def test_deterministic_and_shaped(name):
    c = min(3, CLASS_RANGE[name][1])
    state = torch.get_rng_state()
    a = make_dataset(name, c, 200, 0.1, 0.1, 0.25, seed=3)
    b = make_dataset(name, c, 200, 0.1, 0.1, 0.25, seed=3)
    assert torch.equal(torch.get_rng_state(), state), "touched torch's global RNG"
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_train, b.y_train)
    assert len(a.y_val) == 50 and len(a.y_train) == 150
    assert a.x_train.dtype == torch.float32 and a.y_train.dtype == torch.int64
    assert set(a.y_val.tolist()) | set(a.y_train.tolist()) == set(range(c))
    assert a.input_dim == (64 if name == "digits" else 2)
    other = make_dataset(name, c, 200, 0.1, 0.1, 0.25, seed=4)
    assert not torch.equal(a.x_train, other.x_train)


def test_label_noise_flips_exact_fraction_to_other_classes():
    y = torch.arange(1000) % 5
    flipped = flip_labels(y, 0.3, 5, torch.Generator().manual_seed(0))
    assert (flipped != y).sum().item() == 300
    assert flipped.min() >= 0 and flipped.max() < 5


def test_label_noise_only_on_training_labels():
    clean = make_dataset("blobs", 4, 400, 0.1, 0.0, 0.25, seed=1)
    noisy = make_dataset("blobs", 4, 400, 0.1, 0.4, 0.25, seed=1)
    assert torch.equal(clean.y_val, noisy.y_val) and torch.equal(clean.x_train, noisy.x_train)
    assert (clean.y_train != noisy.y_train).sum().item() == 120


def test_digits_are_the_real_8x8_digits():
    d = make_dataset("digits", 10, 1797, 0.0, 0.0, 0.0, seed=0)
    assert d.x_train.shape == (1797, 64) and 0.0 <= d.x_train.min() and d.x_train.max() <= 1.0
    assert torch.bincount(d.y_train).tolist()[0] == 178  # scikit-learn's count of zeros
