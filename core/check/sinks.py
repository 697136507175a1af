"""Which rule a value breaks when it reaches a loss: the table in issue 14, as code."""

from core.check.values import DOUBLE, LABELS, LOGP, ONEHOT, PROBS, RAW, SIGMOID, Tensor


def kind(value) -> str | None:
    return value.kind if isinstance(value, Tensor) else None


def broken(loss: str, x, target) -> list[tuple[str, Tensor, Tensor | None]]:
    """(rule, the value that breaks it, the other argument) for one loss call."""
    found, k = [], kind(x)
    if loss == "ce":
        if k in (PROBS, DOUBLE):
            found.append(("softmax-into-cross-entropy", x, target))
        elif k == LOGP:
            found.append(("log-softmax-into-cross-entropy", x, target))
        if kind(target) == ONEHOT and target.integer:
            found.append(("long-one-hot-target", target, x))
    elif loss == "nll":
        if k == PROBS:
            found.append(("softmax-into-nll", x, target))
        elif k == DOUBLE:
            found.append(("softmax-into-cross-entropy", x, target))
    elif loss == "bcel" and k == SIGMOID:
        found.append(("sigmoid-into-bce-with-logits", x, target))
    elif loss == "bce" and k == RAW:
        found.append(("logits-into-bce", x, target))
    elif loss == "mse":
        for probs, labels in ((x, target), (target, x)):
            if kind(probs) in (PROBS, SIGMOID) and kind(labels) in (ONEHOT, LABELS):
                found.append(("mse-on-probabilities", probs, labels))
                break
    return found
