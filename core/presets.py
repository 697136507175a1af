"""Named starting points for the Loss race; each is a complete RunConfig."""

from core.config import RunConfig
from core.data import PLAYGROUND_DATASETS, PLAYGROUND_MAX_NOISE

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
    "As in TensorFlow Playground": RunConfig(  # its defaults (src/state.ts, NUM_SAMPLES_CLASSIFY): plain SGD, no momentum
        dataset="pg-circle", classes=2, samples=500, noise=0.0, val_fraction=0.5, hidden=(4, 2), activation="tanh",
        optimizer="sgd", lr=0.03, momentum=0.0, batch_size=10, epochs=300, losses=("square-tanh", "bce"),
    ),
}  # fmt: skip
PLAYGROUND = PRESETS["As in TensorFlow Playground"]
PLAYGROUND_LOSS = PLAYGROUND.losses[0]
# Settings Playground fixes as the preset has them, named for the note on what a race changed
PLAYGROUND_SETTINGS = {
    "samples": "points", "val_fraction": "validation fraction", "label_noise": "label noise", "hidden": "hidden widths",
    "activation": "activation", "init_scale": "init scale", "optimizer": "optimizer", "momentum": "momentum",
    "lr": "learning rate", "batch_size": "batch size",
}  # fmt: skip


def _shown(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, tuple) else f"{value:g}" if isinstance(value, float) else str(value)


def playground_note(config: RunConfig) -> str | None:
    """What a race on Playground's data or loss reproduces of TensorFlow Playground and where it differs; else None."""
    if config.dataset not in PLAYGROUND_DATASETS and PLAYGROUND_LOSS not in config.losses:
        return None
    p, other = PLAYGROUND, PLAYGROUND.losses[1]  # the cross-entropy it races
    note = (
        f"**As in TensorFlow Playground:** its data sets ({', '.join(PLAYGROUND_DATASETS)}; input noise = its noise "
        f"level ÷ 100, at most {PLAYGROUND_MAX_NOISE:g}), {p.samples} points, {1 - p.val_fraction:.0%} for training, "
        f"inputs x₁ and x₂, hidden layers of {' and '.join(map(str, p.hidden))} with {p.activation}, its loss ½(tanh z − t)² with labels "
        f"t = ±1 ({PLAYGROUND_LOSS}; its loss in the history CSV is Playground's training loss), SGD without momentum at learning rate "
        f"{p.lr:g}, batches of {p.batch_size}. **Unlike Playground:** the weights start at PyTorch's U(±1/√fan-in) "
        "drawn from the seed (Playground: U(−0.5, 0.5), biases 0.1), batches are reshuffled every epoch (Playground "
        f"keeps one order), and the preset races {other} from the same start. At z = 0, {PLAYGROUND_LOSS} pushes "
        f"|o − t|(1 − o²) = 1, twice {other}'s |σ(z) − y| = ½; confidently wrong, its push vanishes with 1 − o²."
    )
    changed = [
        f"{label} {_shown(getattr(config, field))} (Playground: {_shown(getattr(p, field))})"
        for field, label in PLAYGROUND_SETTINGS.items()
        if getattr(config, field) != getattr(p, field)
    ]
    if config.dataset not in PLAYGROUND_DATASETS:
        changed.insert(0, f"data set {config.dataset} (not one of Playground's)")
    if PLAYGROUND_LOSS not in config.losses:
        changed.insert(0, f"{PLAYGROUND_LOSS}, Playground's loss, is not racing")
    return note + (f" **Changed here:** {'; '.join(changed)}." if changed else "")
