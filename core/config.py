"""RunConfig: the one source of run settings, validated, with a lossless round-trip to flat string dicts."""

import math
from dataclasses import asdict, dataclass, fields, replace

from core import losses, tabular
from core.data import CLASS_RANGE, PLAYGROUND_DATASETS, PLAYGROUND_MAX_NOISE

# Hard caps keep one request from exhausting a shared server (Community Cloud: ~2.7 GB, 2 CPUs).
MAX_SAMPLES = 5000
MAX_EPOCHS = 3000
MAX_WIDTH = 256
MAX_DEPTH = 4
MAX_SEEDS = 8
MAX_BATCH = MAX_SAMPLES
MAX_SEED = 2**31 - 1
MAX_WORK = 2e10  # samples × epochs × runs × parameters: ~100× the Default race, about a minute of CPU
# One process serves every session and the models are tiny: one torch thread is as fast and never spins
# against other sessions' threads on a 2-CPU container. The engine's sums depend on the thread count, so the app
# (ui/shell.py), its worker (core/worker.py), the CLI and the tests all set it: the same config gives the same numbers.
TORCH_THREADS = 1


class ConfigError(ValueError):
    """A bad setting; `field` names it so a UI can fall back for just that field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class RunConfig:
    dataset: str = "spirals"  # one of core.data.CLASS_RANGE
    classes: int = 3  # C; two-class shapes (moons, circles, xor) need 2
    samples: int = 600  # generated points, before the validation split
    noise: float = 0.1  # std of Gaussian input noise
    label_noise: float = 0.0  # fraction of training labels flipped to another class
    val_fraction: float = 0.2  # held out for validation accuracy (clean labels)
    losses: tuple[str, ...] = ("ce", "mse")  # the runs race on these; same init, same batches
    hidden: tuple[int, ...] = (32, 32)  # hidden widths; () = linear model
    activation: str = "tanh"  # tanh | relu
    init_scale: float = 1.0  # multiplies the initial weights; large = confidently wrong at epoch 0
    optimizer: str = "adam"  # adam | sgd
    lr: float = 0.01
    momentum: float = 0.9  # SGD only
    batch_size: int = 0  # 0 = full batch
    epochs: int = 300
    seed: int = 0  # data, init and batch order; seed s+k for the k-th extra seed's init and order
    seeds: int = 1  # runs per loss, trained together (vectorized)
    square_k: float = 1.0  # mse-logits only: weight on the true class (Hui & Belkin's k; 1 = plain)
    square_m: float = 1.0  # mse-logits only: target value of the true logit (Hui & Belkin's M; 1 = plain)
    source: str = ""  # "" = the generator `dataset` names; else an uploaded table's shape and digest (core.tabular)

    def __post_init__(self):
        validate(self)

    def to_dict(self) -> dict[str, str]:
        """Flat dict of strings (URL query parameters, CLI)."""
        out = {}
        for key, value in asdict(self).items():
            if key == "source" and not value:
                continue  # built-in data: the dict (links, shipped tables' digests) stays as it was
            if key == "hidden":
                value = ",".join(map(str, value)) or "0"
            elif isinstance(value, tuple):
                value = ",".join(value)
            out[key] = repr(value) if isinstance(value, float) else str(value)
        return out

    @classmethod
    def from_dict(cls, values: dict[str, str]) -> "RunConfig":
        """Parse a flat string dict; missing keys take defaults; unknown keys or bad values raise ConfigError."""
        unknown = set(values) - FIELD_NAMES
        if unknown:
            name = sorted(unknown)[0]
            raise ConfigError(name, f"unknown setting; known: {', '.join(sorted(FIELD_NAMES))}")
        return cls(**{k: parse_field(k, v) for k, v in values.items()})

    def loss_options(self, name: str) -> dict[str, float]:
        """Keyword options a registry loss takes from this config (only mse-logits has any)."""
        values = {"k": self.square_k, "m": self.square_m}
        return {option: values[option] for option in losses.get(name).options}

    @property
    def runs(self) -> list[tuple[str, int]]:
        """(loss, seed) of every run, seed-major."""
        return [(loss, self.seed + k) for k in range(self.seeds) for loss in self.losses]


FIELD_NAMES = {f.name for f in fields(RunConfig)}


def _number(field: str, text: str, kind):
    try:
        value = kind(text.strip())
    except (TypeError, ValueError):
        raise ConfigError(field, f"expected {'an integer' if kind is int else 'a number'}, got {text!r:.40}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(field, f"must be finite, got {text!r:.40}")
    return value


def parse_field(field: str, text: str):
    """One field's value from its string form."""
    if field not in FIELD_NAMES:
        raise ConfigError(field, "unknown setting")
    text = str(text)
    kind = {f.name: f.type for f in fields(RunConfig)}[field]
    if field == "losses":
        return tuple(s.strip() for s in text.split(",") if s.strip())
    if field == "hidden":
        parts = [_number(field, s, int) for s in text.split(",")]
        return () if parts == [0] else tuple(parts)
    if kind in (int, "int"):
        return _number(field, text, int)
    if kind in (float, "float"):
        return _number(field, text, float)
    return text.strip()


def _check_range(field, value, low, high, low_open=False):
    if not (low < value if low_open else low <= value) or value > high:
        bracket = "(" if low_open else "["
        raise ConfigError(field, f"must be in {bracket}{low}, {high}], got {value}")


def validate(c: RunConfig) -> None:
    """Raise ConfigError naming the first bad field and its allowed range."""
    if c.source or c.dataset == tabular.NAME:
        _check_table(c)
    elif c.dataset not in CLASS_RANGE:
        raise ConfigError("dataset", f"unknown dataset {c.dataset!r}; choose from {', '.join(CLASS_RANGE)}")
    else:
        low, high = CLASS_RANGE[c.dataset]
        if low == high != c.classes:  # say why, not "in [2, 2]": the default 3 is what a two-class shape meets first
            raise ConfigError("classes", f"the {c.dataset} dataset has exactly {low} classes, got {c.classes}")
        _check_range("classes", c.classes, low, high)
        _check_range("samples", c.samples, 20, MAX_SAMPLES)
    _check_range("noise", c.noise, 0.0, PLAYGROUND_MAX_NOISE if c.dataset in PLAYGROUND_DATASETS else 2.0)
    _check_range("label_noise", c.label_noise, 0.0, 0.5)
    _check_range("val_fraction", c.val_fraction, 0.0, 0.5)
    if not c.losses:
        raise ConfigError("losses", "name at least one loss")
    for name in c.losses:
        if name not in losses.LOSSES:
            raise ConfigError("losses", f"unknown loss {name!r}; choose from {', '.join(losses.LOSSES)}")
    if len(set(c.losses)) != len(c.losses):
        raise ConfigError("losses", "each loss may appear once")
    if len(c.losses) > 6:
        raise ConfigError("losses", f"at most 6 losses race at once, got {len(c.losses)}")
    kinds = {losses.get(name).binary for name in c.losses}
    one_logit = ", ".join(name for name, entry in losses.LOSSES.items() if entry.binary)
    if len(kinds) > 1:
        raise ConfigError("losses", f"one-logit losses ({one_logit}) cannot race C-logit losses; pick one kind")
    if True in kinds and c.classes != 2:
        raise ConfigError("losses", f"one-logit losses ({one_logit}) need classes = 2, got {c.classes}")
    if len(c.hidden) > MAX_DEPTH:
        raise ConfigError("hidden", f"at most {MAX_DEPTH} hidden layers, got {len(c.hidden)}")
    for width in c.hidden:
        _check_range("hidden", width, 1, MAX_WIDTH)
    if c.activation not in ("tanh", "relu"):
        raise ConfigError("activation", f"choose tanh or relu, got {c.activation!r:.40}")
    _check_range("init_scale", c.init_scale, 0.0, 100.0, low_open=True)
    if c.optimizer not in ("adam", "sgd"):
        raise ConfigError("optimizer", f"choose adam or sgd, got {c.optimizer!r:.40}")
    _check_range("lr", c.lr, 0.0, 100.0, low_open=True)
    _check_range("momentum", c.momentum, 0.0, 0.999)
    _check_range("batch_size", c.batch_size, 0, MAX_BATCH)
    _check_range("epochs", c.epochs, 1, MAX_EPOCHS)
    _check_range("seed", c.seed, 0, MAX_SEED - MAX_SEEDS)
    _check_range("seeds", c.seeds, 1, MAX_SEEDS)
    work = c.samples * c.epochs * len(c.runs) * parameter_count(c)
    if work > MAX_WORK:
        raise ConfigError("epochs", f"samples × epochs × runs × parameters = {work:.2g} exceeds {MAX_WORK:.0e}; train less")
    _check_range("square_k", c.square_k, 0.0, 100.0, low_open=True)
    _check_range("square_m", c.square_m, 0.0, 100.0, low_open=True)


def _check_table(c: RunConfig) -> None:
    """An uploaded table's config: `source` names it, and samples and classes are the table's."""
    try:
        rows, _ = tabular.source_shape(c.source)
    except ValueError as err:
        raise ConfigError("source", str(err)) from None
    if c.dataset != tabular.NAME:
        raise ConfigError("dataset", f"an uploaded table's dataset is {tabular.NAME!r}, got {c.dataset!r:.40}")
    _check_range("classes", c.classes, tabular.MIN_CLASSES, tabular.MAX_CLASSES)
    if c.samples != rows:
        raise ConfigError("samples", f"the table has {rows} rows, got {c.samples}")


def input_size(c: RunConfig) -> int:
    """Features per sample: an uploaded table's columns, digits' 64 pixels, else the plane's 2."""
    return tabular.source_shape(c.source)[1] if c.source else 64 if c.dataset == "digits" else 2


def parameter_count(c: RunConfig) -> int:
    """Weights and biases of one run's MLP."""
    widths = [input_size(c), *c.hidden, 1 if losses.get(c.losses[0]).binary else c.classes]
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(widths, widths[1:]))


def from_query(params: dict[str, str], base: RunConfig | None = None) -> tuple[RunConfig, list[str]]:
    """Best-effort parse for URLs: each bad or unknown field falls back to `base` (defaults) with a warning."""
    base = base or RunConfig()
    warnings, values = [], {}
    for key, text in params.items():
        if key not in FIELD_NAMES:
            warnings.append(f"ignored unknown parameter {str(key)[:40]!r}")
            continue
        try:
            values[key] = parse_field(key, text)
        except ConfigError as err:
            warnings.append(f"ignored {err}")
    config, pending = base, [f.name for f in fields(RunConfig) if f.name in values]
    while pending:  # apply what fits; retry the rest once others landed (dataset=moons needs classes=2 first)
        errors = {}
        for key in pending:
            try:
                config = replace(config, **{key: values[key]})
            except ConfigError as err:
                errors[key] = err
        if len(errors) == len(pending):
            warnings += [f"ignored {key}={params[key]!r:.40}: {err}" for key, err in errors.items()]
            break
        pending = list(errors)
    return config, warnings
