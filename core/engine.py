"""Lockstep training: every run shares the data, and runs with one seed share init and batch order."""

import math
from collections.abc import Iterator

import torch

from core import heap, losses
from core.backprop import backward, flat_views, layer_outputs, loss_and_dlogits, loss_terms
from core.config import RunConfig
from core.data import Dataset, make_dataset
from core.models import init_params, make_mlp, stacked_forward
from core.optimizers import make_optimizer

RECORD_COLUMNS = ["run", "seed", "epoch", "loss", "accuracy", "val_accuracy", "mean_dlogit_norm", "grad_norm", "status"]
heap.keep_freed_blocks()  # every process that trains imports this module: see core/heap.py
ORDER_SEED_OFFSET = 7919  # batch order draws from its own stream, so changing batch size never changes init


def load_dataset(config: RunConfig) -> Dataset:
    """The dataset a config describes (the same for every run of it)."""
    c = config
    if c.source:  # the table lives in its visitor's session: whoever trains it passes Race its Dataset
        raise ValueError("an uploaded table's runs train only with that table (core.tabular.for_config)")
    return make_dataset(c.dataset, c.classes, c.samples, c.noise, c.label_noise, c.val_fraction, c.seed)


class Race:
    """R = len(losses) * seeds runs trained together; `advance` yields one record per live run per epoch."""

    def __init__(self, config: RunConfig, data: Dataset | None = None):
        self.config = config
        self.data = data or load_dataset(config)
        self.runs = config.runs  # [(loss, seed)] * R
        outputs = losses.output_size(config.losses[0], self.data.num_classes)
        self.model = make_mlp(self.data.input_dim, config.hidden, outputs, config.activation)
        inits = {s: init_params(self.model, torch.Generator().manual_seed(s), config.init_scale) for _, s in self.runs}
        shapes = {name: tuple(value.shape) for name, value in inits[config.seed].items()}
        self.flat = torch.cat([torch.stack([inits[s][name] for _, s in self.runs]).flatten(1) for name in shapes], 1)
        self.params = flat_views(self.flat, shapes)  # name -> (R, ...) views of the one (R, P) buffer
        self.flat_grad = torch.zeros_like(self.flat)
        self.grads = flat_views(self.flat_grad, shapes)
        self.optimizer = make_optimizer(config)  # elementwise: runs stay independent
        self.loss_options = [config.loss_options(name) for name in config.losses]
        self.x_eval = torch.cat([self.data.x_train, self.data.x_val])  # one forward gives the loss and val accuracy
        self.y_eval = torch.cat([self.data.y_train, self.data.y_val])
        self.order_generators = {s: torch.Generator().manual_seed(s + ORDER_SEED_OFFSET) for _, s in self.runs}
        self.alive = torch.ones(len(self.runs), dtype=torch.bool)
        self.status = ["ok"] * len(self.runs)
        self.epoch = 0
        self.history: list[dict] = []
        self._evaluate()

    @property
    def done(self) -> bool:
        return self.epoch >= self.config.epochs or "ok" not in self.status

    @property
    def train_probs(self) -> torch.Tensor:
        """Class probabilities (R, N, C) on the training set at the last evaluation (views ask; training doesn't)."""
        return losses.run_probabilities(self.config.losses, self.train_logits)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of every run on shared inputs x (N, D) -> (R, N, K)."""
        return stacked_forward(self.params, x, self.config.activation)

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Predicted class probabilities (R, N, C)."""
        return losses.run_probabilities(self.config.losses, self.logits(x))

    def run_params(self, r: int) -> dict[str, torch.Tensor]:
        """Detached parameters of run r, for torch.func.functional_call(self.model, ...)."""
        return {name: p[r].detach() for name, p in self.params.items()}

    def dlogits(self, r: int, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Closed-form ∂ℓᵢ/∂zᵢ of run r's loss (with its config options); z (N, K) -> (N, K)."""
        name = self.runs[r][0]
        return loss_and_dlogits(losses.get(name), self.config.loss_options(name), z, y, values=False)[1]

    def _backward(self, outs: list[torch.Tensor], dz: torch.Tensor) -> None:
        """Gradient of each live run's mean loss into flat_grad; ∂L/∂z of a mean is (1/n)·∂ℓᵢ/∂zᵢ."""
        backward(self.params, outs, dz / dz.shape[1], self.config.activation, self.grads)
        self._stop_dead()

    def _stop_dead(self) -> None:
        """A diverged run gets no further gradient (masking by assignment: NaN · 0 would stay NaN)."""
        dead = [r for r, status in enumerate(self.status) if status != "ok"]
        if dead:
            self.flat_grad[dead] = 0

    def _evaluate(self) -> list[dict]:
        """Full-batch loss and gradient at the current weights (reused by a full-batch step), plus metrics."""
        R, N = len(self.runs), len(self.data.y_train)
        outs = layer_outputs(self.params, self.x_eval, self.config.activation)
        z = outs[-1][:, :N]  # (R, N, K); rows past N are the validation set's
        per_sample, dz = loss_terms(self.config.losses, self.loss_options, z, self.data.y_train.expand(R, -1))
        self._backward(outs, dz)
        self.train_logits = z
        correct = (losses.predictions(self.config.losses[0], outs[-1]) == self.y_eval).float()  # (R, N + N_val)
        weights_ok = self.flat.isfinite().all(1).float()
        dlogit_norm = torch.linalg.vector_norm(dz, dim=-1).mean(-1)
        metrics = [
            per_sample.mean(-1),
            correct[:, :N].mean(-1),
            correct[:, N:].mean(-1),
            dlogit_norm,
            torch.linalg.vector_norm(self.flat_grad, dim=1),
        ]
        stats = torch.stack([*metrics, weights_ok]).tolist()  # one conversion for every run; no val set: mean = NaN
        records = []
        for r, ((name, seed), (loss, accuracy, val_accuracy, dlogit, grad, finite)) in enumerate(zip(self.runs, zip(*stats))):
            if self.status[r] != "ok":
                continue
            if not (math.isfinite(loss) and finite):
                what = "loss" if not math.isfinite(loss) else "weights"
                self.status[r] = f"diverged at epoch {self.epoch} ({what} became NaN/inf)"
                self.alive[r] = False
            records.append({
                "run": name, "seed": seed, "epoch": self.epoch, "loss": loss, "accuracy": accuracy,
                "val_accuracy": val_accuracy, "mean_dlogit_norm": dlogit, "grad_norm": grad, "status": self.status[r],
            })  # fmt: skip
        self._stop_dead()
        self.history += records
        return records

    def _minibatch_epoch(self) -> None:
        d, B = self.data, self.config.batch_size
        perms = {s: torch.randperm(len(d.y_train), generator=g) for s, g in self.order_generators.items()}
        order = torch.stack([perms[s] for _, s in self.runs])  # (R, N): runs with one seed share the order
        for start in range(0, order.shape[1], B):
            idx = order[:, start : start + B]  # (R, b)
            outs = layer_outputs(self.params, d.x_train[idx], self.config.activation)
            _, dz = loss_terms(self.config.losses, self.loss_options, outs[-1], d.y_train[idx], values=False)
            self._backward(outs, dz)
            self.optimizer.step(self.flat, self.flat_grad)

    def advance(self, epochs: int = 1) -> list[dict]:
        """Train up to `epochs` more epochs (fewer if done); return the new records."""
        new = []
        for _ in range(epochs):
            if self.done:
                break
            if 0 < self.config.batch_size < len(self.data.y_train):
                self._minibatch_epoch()
            else:
                self.optimizer.step(self.flat, self.flat_grad)  # full batch: the gradient _evaluate just computed
            self.epoch += 1
            new += self._evaluate()
        return new


def warm_up() -> None:
    """Train one tiny race so a process's first real one finds every kernel loaded (torch.optim's first step, which
    imported torch's compiler stack, ~1.4 s, is no longer on the engine's path)."""
    Race(RunConfig(samples=40, hidden=(4,), epochs=1)).advance(1)


def train(config: RunConfig) -> Iterator[list[dict]]:
    """Yield the records of each epoch (epoch 0 first: before any step) until training ends."""
    race = Race(config)
    yield list(race.history)
    while not race.done:
        yield race.advance(1)
