"""Named starting points for the Loss race; each is a complete RunConfig."""

from core.config import RunConfig

# SGD on purpose: Adam rescales every gradient to unit size, hiding most of MSE's small gradient.
PRESETS: dict[str, RunConfig] = {
    "Default": RunConfig(
        dataset="spirals", classes=3, samples=600, hidden=(32, 32), activation="tanh",
        optimizer="sgd", lr=0.5, momentum=0.9, batch_size=0, epochs=300, losses=("ce", "mse"),
    ),
    "Saturated start": RunConfig(  # a linear softmax model started confidently wrong: p(1 − p) ≈ 0
        dataset="blobs", classes=3, samples=600, hidden=(), init_scale=30.0,
        optimizer="sgd", lr=0.5, momentum=0.9, epochs=200, losses=("ce", "mse"),
    ),
    "Many classes": RunConfig(
        dataset="spirals", classes=10, samples=1500, hidden=(64, 64), activation="tanh",
        optimizer="sgd", lr=0.5, momentum=0.9, epochs=300, losses=("ce", "mse"),
    ),
    "Real data": RunConfig(  # scikit-learn's 8×8 handwritten digits, shipped inside the package
        dataset="digits", classes=10, samples=1797, noise=0.0, hidden=(64,), activation="relu",
        optimizer="sgd", lr=0.1, momentum=0.9, batch_size=128, epochs=60, losses=("ce", "mse"),
    ),
    "Binary, as in the formula": RunConfig(
        dataset="moons", classes=2, samples=600, hidden=(16,), init_scale=4.0,
        optimizer="sgd", lr=0.5, momentum=0.9, epochs=300, losses=("bce", "mse-sigmoid"),
    ),
}  # fmt: skip
