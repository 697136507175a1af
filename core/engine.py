"""Lockstep training: every run shares the data, and runs with one seed share init and batch order."""

import math
from collections.abc import Iterator

import torch

from core import losses
from core.config import RunConfig
from core.data import Dataset, make_dataset
from core.models import init_params, make_mlp, stacked_forward

RECORD_COLUMNS = ["run", "seed", "epoch", "loss", "accuracy", "val_accuracy", "mean_dlogit_norm", "grad_norm", "status"]
ORDER_SEED_OFFSET = 7919  # batch order draws from its own stream, so changing batch size never changes init


def load_dataset(config: RunConfig) -> Dataset:
    """The dataset a config describes (the same for every run of it)."""
    c = config
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
        self.params = {
            name: torch.stack([inits[s][name] for _, s in self.runs]).requires_grad_()  # (R, ...)
            for name in inits[config.seed]
        }
        opt = torch.optim.Adam if config.optimizer == "adam" else torch.optim.SGD
        kwargs = {} if config.optimizer == "adam" else {"momentum": config.momentum}
        self.optimizer = opt(self.params.values(), lr=config.lr, **kwargs)  # elementwise: runs stay independent
        self.order_generators = {s: torch.Generator().manual_seed(s + ORDER_SEED_OFFSET) for _, s in self.runs}
        self.alive = torch.ones(len(self.runs), dtype=torch.bool)
        self.status = ["ok"] * len(self.runs)
        self.epoch = 0
        self.history: list[dict] = []
        self._evaluate()

    @property
    def done(self) -> bool:
        return self.epoch >= self.config.epochs or not bool(self.alive.any())

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of every run on shared inputs x (N, D) -> (R, N, K)."""
        return stacked_forward(self.params, x, self.config.activation)

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Predicted class probabilities (R, N, C), no autograd."""
        with torch.no_grad():
            return losses.probabilities(self.config.losses[0], self.logits(x))

    def run_params(self, r: int) -> dict[str, torch.Tensor]:
        """Detached parameters of run r, for torch.func.functional_call(self.model, ...)."""
        return {name: p[r].detach() for name, p in self.params.items()}

    def dlogits(self, r: int, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Closed-form ∂ℓᵢ/∂zᵢ of run r's loss (with its config options); z (N, K) -> (N, K)."""
        name = self.runs[r][0]
        return losses.get(name).dlogits(z, y, **self.config.loss_options(name))

    def _per_run_loss(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean loss of each run: z (R, N, K), y (R, N) -> (R,). Runs are seed-major, so loss j's are z[j::L]."""
        names = self.config.losses
        parts = [
            losses.get(name).loss(z[j :: len(names)], y[j :: len(names)], **self.config.loss_options(name)).mean(-1)
            for j, name in enumerate(names)
        ]  # (seeds,) each
        return torch.stack(parts, 1).flatten()  # (seeds, L) -> (R,) in run order

    def _backward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Per-run mean loss; grads of every live run's own loss land in its slice of the params."""
        self.optimizer.zero_grad()
        per_run = self._per_run_loss(z, y)
        per_run[self.alive].sum().backward()  # runs share no parameters, so the sum separates
        return per_run.detach()

    def _evaluate(self) -> list[dict]:
        """Full-batch loss and gradient at the current weights (reused by a full-batch step), plus metrics."""
        d, R = self.data, len(self.runs)
        z = self.logits(d.x_train)  # (R, N, K)
        z.retain_grad()  # ∂L/∂z of the mean loss is (1/N)·∂ℓᵢ/∂zᵢ: the per-sample logit gradients, for free
        y = d.y_train.expand(R, -1)  # (R, N)
        per_run = self._backward(z, y)
        with torch.no_grad():
            grad_sq = sum(p.grad.flatten(1).pow(2).sum(1) for p in self.params.values())  # (R,)
            weights_ok = torch.stack([p.flatten(1).isfinite().all(1) for p in self.params.values()]).all(0)
            self.train_probs = losses.probabilities(self.config.losses[0], z)  # (R, N, C), reused by views
            acc = (self.train_probs.argmax(-1) == y).float().mean(-1)
            val_acc = (
                losses.predictions(self.config.losses[0], self.logits(d.x_val)).eq(d.y_val).float().mean(-1)
                if len(d.y_val)
                else torch.full((R,), float("nan"))
            )
            dl_norm = z.grad.norm(dim=-1).mean(-1) * len(d.y_train)  # (R,) mean over samples of ‖∂ℓᵢ/∂zᵢ‖
        stats = zip(per_run.tolist(), acc.tolist(), val_acc.tolist(), dl_norm.tolist(), grad_sq.sqrt().tolist())
        records = []
        for r, ((name, seed), (loss, accuracy, val_accuracy, dlogit, grad)) in enumerate(zip(self.runs, stats)):
            if not self.alive[r]:
                continue
            if not (math.isfinite(loss) and bool(weights_ok[r])):
                what = "loss" if not math.isfinite(loss) else "weights"
                self.status[r] = f"diverged at epoch {self.epoch} ({what} became NaN/inf)"
                self.alive[r] = False
                self.params_grad_zero(r)
            records.append({
                "run": name, "seed": seed, "epoch": self.epoch, "loss": loss, "accuracy": accuracy,
                "val_accuracy": val_accuracy, "mean_dlogit_norm": dlogit, "grad_norm": grad, "status": self.status[r],
            })  # fmt: skip
        self.history += records
        return records

    def params_grad_zero(self, r: int) -> None:
        """Stop a diverged run: its slice gets no further gradient."""
        for p in self.params.values():
            p.grad[r] = 0

    def _minibatch_epoch(self) -> None:
        d, B = self.data, self.config.batch_size
        perms = {s: torch.randperm(len(d.y_train), generator=g) for s, g in self.order_generators.items()}
        order = torch.stack([perms[s] for _, s in self.runs])  # (R, N): runs with one seed share the order
        for start in range(0, order.shape[1], B):
            idx = order[:, start : start + B]  # (R, b)
            self._backward(stacked_forward(self.params, d.x_train[idx], self.config.activation), d.y_train[idx])
            for r in (~self.alive).nonzero().flatten().tolist():
                self.params_grad_zero(r)
            self.optimizer.step()

    def advance(self, epochs: int = 1) -> list[dict]:
        """Train up to `epochs` more epochs (fewer if done); return the new records."""
        new = []
        for _ in range(epochs):
            if self.done:
                break
            if 0 < self.config.batch_size < len(self.data.y_train):
                self._minibatch_epoch()
            else:
                self.optimizer.step()  # full batch: the gradient _evaluate just computed
            self.epoch += 1
            new += self._evaluate()
        return new


def warm_up() -> None:
    """Train one tiny race: torch imports its compiler stack on the first optimizer (~1.4 s), so pay it early."""
    Race(RunConfig(samples=40, hidden=(4,), epochs=1)).advance(1)


def train(config: RunConfig) -> Iterator[list[dict]]:
    """Yield the records of each epoch (epoch 0 first: before any step) until training ends."""
    race = Race(config)
    yield list(race.history)
    while not race.done:
        yield race.advance(1)
