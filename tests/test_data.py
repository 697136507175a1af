"""Datasets: seeded through their own generator, balanced, exact label-noise counts."""

import math

import pytest
import torch

from core.data import CLASS_RANGE, GENERATORS, PLAYGROUND_DATASETS, flip_labels, make_dataset


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


def playground(name: str, noise: float = 0.0, samples: int = 500, seed: int = 0):
    """All points of one of TensorFlow Playground's sets, as its defaults split them (50 % for training)."""
    d = make_dataset(name, 2, samples, noise, 0.0, 0.5, seed=seed)
    assert len(d.y_train) == len(d.y_val) == samples // 2  # Playground's 50 % training split of 500 points
    return torch.cat([d.x_train, d.x_val]).double(), torch.cat([d.y_train, d.y_val])


def test_playground_sets_are_two_class_and_2d():
    for name in PLAYGROUND_DATASETS:
        assert CLASS_RANGE[name] == (2, 2) and name in GENERATORS
        x, y = playground(name, noise=0.3)
        assert x.shape == (500, 2) and set(y.tolist()) == {0, 1} and x.isfinite().all()


def test_playground_circle_rings_and_noise_that_relabels():
    x, y = playground("pg-circle")
    radius = x.norm(dim=1)
    assert (radius[y == 1] < 2.5).all() and (radius[y == 0] >= 3.5 - 1e-5).all() and (radius <= 5 + 1e-5).all()
    assert (y == 1).sum() == 250  # half inside, half in the outer ring
    noisy_x, noisy_y = playground("pg-circle", noise=0.5)
    ring = (noisy_x.norm(dim=1) < 3).long()  # noise never moves a point out of its ring
    assert ((noisy_x.norm(dim=1) < 2.5) | (noisy_x.norm(dim=1) >= 3.5 - 1e-5)).all()
    flipped = (noisy_y != ring).float().mean().item()
    assert 0.05 < flipped < 0.45  # some labels follow the jittered point, most keep their ring's


def test_playground_xor_quadrants_padded_off_the_axes():
    x, y = playground("pg-xor")
    assert (x.abs() >= 0.3 - 1e-6).all() and (x.abs() <= 5.3 + 1e-6).all()
    assert torch.equal(y, (x[:, 0] * x[:, 1] >= 0).long())  # class 1 (Playground's +1): same-sign quadrants
    noisy_x, noisy_y = playground("pg-xor", noise=0.5)
    assert 0.05 < (noisy_y != (noisy_x[:, 0] * noisy_x[:, 1] >= 0).long()).float().mean().item() < 0.45


@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
def test_playground_gaussians_centres_and_variance(noise):
    x, y = playground("pg-gauss", noise=noise, samples=5000, seed=1)
    for label, centre in [(1, 2.0), (0, -2.0)]:
        points = x[y == label]
        assert len(points) == 2500
        assert points.mean(0).tolist() == pytest.approx([centre, centre], abs=0.12)
        assert points.var(0).tolist() == pytest.approx([0.5 + 7 * noise] * 2, rel=0.08)  # variance scale [0, .5] → [.5, 4]


def test_playground_spiral_arms_evenly_spaced_and_jitter_bounded():
    x, y = playground("pg-spiral")
    for label, turn in [(1, 0.0), (0, math.pi)]:
        arm = x[y == label]
        radius, order = arm.norm(dim=1).sort()
        t = torch.arange(250, dtype=torch.float64) / 250  # i / n for the arm's i-th point
        torch.testing.assert_close(radius, 5 * t, atol=1e-5, rtol=0)
        angle = 1.75 * 2 * math.pi * t + turn
        expected = 5 * t.unsqueeze(1) * torch.stack([angle.sin(), angle.cos()], 1)  # x = r sin θ, y = r cos θ
        torch.testing.assert_close(arm[order], expected, atol=1e-5, rtol=0)
    noisy, noisy_y = playground("pg-spiral", noise=0.4)
    assert torch.equal(noisy_y.sort().values, y.sort().values)
    clean = make_dataset("pg-spiral", 2, 500, 0.0, 0.0, 0.5, seed=0)
    jittered = make_dataset("pg-spiral", 2, 500, 0.4, 0.0, 0.5, seed=0)
    assert 0 < (jittered.x_train - clean.x_train).abs().max() <= 0.4 + 1e-6  # U(−1, 1) · noise on each coordinate
