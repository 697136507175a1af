"""What torch's functions, tensor methods and layers do to the values the checker tracks."""

import ast

from core.check.values import DEVICE, DOUBLE, LABELS, LOGP, ONEHOT, PROBS, RAW, SIGMOID, Const, Criterion, Layer, Ref, Tensor

F, NN = "torch.nn.functional.", "torch.nn."
SOFTMAX = {"torch.softmax", F + "softmax", "torch.special.softmax", "torch.Tensor.softmax"}
LOG_SOFTMAX = {"torch.log_softmax", F + "log_softmax", "torch.special.log_softmax", "torch.Tensor.log_softmax"}
SIGMOIDS = {"torch.sigmoid", F + "sigmoid", "torch.special.expit", "torch.Tensor.sigmoid"}
LOGS = {"torch.log", "torch.Tensor.log"}
EXPS = {"torch.exp", "torch.Tensor.exp"}
LOSS_FUNCTIONS = {
    F + "cross_entropy": "ce", F + "nll_loss": "nll", F + "binary_cross_entropy": "bce",
    F + "binary_cross_entropy_with_logits": "bcel", "torch.binary_cross_entropy_with_logits": "bcel", F + "mse_loss": "mse",
}  # fmt: skip
LOSS_CLASSES = {"CrossEntropyLoss": "ce", "NLLLoss": "nll", "BCELoss": "bce", "BCEWithLogitsLoss": "bcel", "MSELoss": "mse"}
LAYER_OUTPUT = {"Softmax": PROBS, "Softmax2d": PROBS, "LogSoftmax": LOGP, "Sigmoid": SIGMOID}
RAW_LAYERS = {"Linear", "LazyLinear", "Bilinear"} | {f"{k}{d}d" for k in ("Conv", "ConvTranspose", "LazyConv") for d in (1, 2, 3)}
PASS_LAYERS = {"Identity", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "Flatten", "Unflatten"}
# Ops whose result holds the same values (or a subset, or a copy): a tensor's kind survives them.
KEEP = {
    "view", "view_as", "reshape", "reshape_as", "squeeze", "unsqueeze", "flatten", "permute", "transpose", "t",
    "contiguous", "clone", "detach", "cpu", "cuda", "clamp", "clip", "clamp_", "clip_", "requires_grad_", "narrow",
    "squeeze_", "unsqueeze_", "expand", "expand_as", "movedim", "swapaxes", "index_select", "masked_select", "roll",
}  # fmt: skip
KEEP_FUNCTIONS = {f"torch.{name}" for name in KEEP} | {"torch.Tensor." + name for name in KEEP}
FLOATS = {"float", "double", "half", "bfloat16"}
INTS = {"long", "int", "short", "byte", "bool"}
FLOAT_DTYPES = {"float", "float16", "float32", "float64", "double", "half", "bfloat16"}
INT_DTYPES = {"long", "int", "int8", "int16", "int32", "int64", "uint8", "bool", "short"}


def normalize(name: str) -> str:
    """One spelling per torch name: `torch.nn.modules.loss.CrossEntropyLoss` is `torch.nn.CrossEntropyLoss`."""
    if name.startswith("torch.nn.modules."):
        return NN + name.rsplit(".", 1)[1]
    return name


def dtype_of(value) -> bool | None:
    """True for an integer dtype (`torch.long`), False for a float one, None when unknown or not a dtype."""
    if isinstance(value, Ref) and value.name.startswith("torch."):
        short = value.name.removeprefix("torch.")
        return True if short in INT_DTYPES else False if short in FLOAT_DTYPES else None
    if isinstance(value, Const) and isinstance(value.value, str):
        return True if value.value in INT_DTYPES else False if value.value in FLOAT_DTYPES else None
    return None


def const_int(value) -> int | None:
    return value.value if isinstance(value, Const) and type(value.value) is int else None


def make_layer(short: str, args: list, kwargs: dict, node: ast.AST):
    """An nn layer or loss built by `nn.<short>(...)`; None when torch.nn has nothing by that name we know."""
    if short in LOSS_CLASSES:
        return Criterion(LOSS_CLASSES[short], node)
    if short in LAYER_OUTPUT:
        return Layer(LAYER_OUTPUT[short], node)
    if short in RAW_LAYERS:
        out = args[1] if len(args) > 1 else kwargs.get("out_features", kwargs.get("out_channels"))
        return Layer(RAW, node, classes=const_int(out))
    if short in PASS_LAYERS:
        return Layer("pass", node)
    return Layer(None, node)  # ReLU, BatchNorm, LSTM…: what comes out is not a kind the rules need


def squash(kind: str, x, node: ast.AST) -> Tensor:
    """The output of softmax / sigmoid / log_softmax applied to x."""
    classes = x.classes if isinstance(x, Tensor) else None
    if kind == LOGP and isinstance(x, Tensor) and x.kind == PROBS:
        return Tensor(DOUBLE, x.origin, classes=classes)
    return Tensor(kind, node, classes=classes)


def literal_labels(node: ast.AST) -> bool:
    """`[0, 1, 2]` / `[[0], [1]]`: integer literals only, as class labels are written."""
    items = node.elts if isinstance(node, ast.List | ast.Tuple) else None
    if items is None or not items:
        return False
    return all(
        literal_labels(e) if isinstance(e, ast.List | ast.Tuple) else type(getattr(e, "value", None)) is int for e in items
    )


def convert(x, args: list, kwargs: dict):
    """`x.to(...)` / `x.type(...)`: a dtype changes integer-ness; a device keeps it; anything else says less."""
    if not isinstance(x, Tensor):
        return None
    target = kwargs.get("dtype", args[0] if args else None)
    integer = dtype_of(target)
    if integer is not None:
        return x.like(integer=integer) if x.kind in (ONEHOT, LABELS) else x
    if target is DEVICE or (isinstance(target, Const) and isinstance(target.value, str)) or "dtype" not in kwargs and not args:
        return x
    return None


def tensor_method(x, name: str, args: list, kwargs: dict, node: ast.AST, warn):
    """`x.<name>(...)` on a value of kind x (None when unknown); `warn(rule, node, tensor)` records log(softmax)."""
    if name in ("softmax", "log_softmax", "sigmoid", "log", "exp"):
        return torch_function("torch." + name, [x, *args], kwargs, node, warn)
    if not isinstance(x, Tensor):
        return None
    if name in KEEP:
        return None if x.kind == RAW and name.startswith(("clamp", "clip")) else x  # clamped to [0, 1]: no longer raw
    if name in FLOATS:
        return x.like(integer=False) if x.kind in (ONEHOT, LABELS) else x
    if name in INTS:
        return x.like(integer=True) if x.kind in (ONEHOT, LABELS) else None
    if name in ("to", "type"):
        return convert(x, args, kwargs)
    if name in ("argmax", "argmin"):
        return Tensor(LABELS, node, integer=True)
    if name in ("scatter", "scatter_") and x.kind == "zeros":
        return Tensor(ONEHOT, node, integer=x.integer)
    return None


def torch_function(name: str, args: list, kwargs: dict, node: ast.AST, warn):
    """The value `torch.<…>(...)` returns, for the names the rules care about; None otherwise."""
    x = args[0] if args else kwargs.get("input")
    if name in SOFTMAX:
        return squash(PROBS, x, node)
    if name in LOG_SOFTMAX:
        return squash(LOGP, x, node)
    if name in SIGMOIDS:
        return squash(SIGMOID, x, node)
    if name in LOGS:
        if isinstance(x, Tensor) and x.kind == PROBS:
            warn("log-of-softmax", node, x)
            return Tensor(LOGP, node, classes=x.classes)
        return None
    if name in EXPS:
        return Tensor(PROBS, node, classes=x.classes) if isinstance(x, Tensor) and x.kind == LOGP else None
    if name == F + "one_hot":
        classes = const_int(args[1] if len(args) > 1 else kwargs.get("num_classes"))
        return Tensor(ONEHOT, node, integer=True, classes=classes)
    if name == F + "linear":
        return Tensor(RAW, node)
    if name in KEEP_FUNCTIONS:
        return tensor_method(x, name.rsplit(".", 1)[1], args[1:], kwargs, node, warn)
    if name in ("torch.cat", "torch.stack", "torch.concat", "torch.concatenate"):
        return x.items[0] if hasattr(x, "items") and isinstance(x.items, list) and x.items and _same(x.items) else None
    if name in ("torch.argmax", "torch.argmin", "torch.randint", "torch.randint_like"):
        return Tensor(LABELS, node, integer=True)
    if name in ("torch.tensor", "torch.as_tensor", "torch.LongTensor") and node.args and literal_labels(node.args[0]):
        integer = dtype_of(kwargs.get("dtype"))
        return Tensor(LABELS, node, integer=integer is not False)
    if name in ("torch.zeros", "torch.zeros_like", "torch.eye"):
        kind = "identity" if name == "torch.eye" else "zeros"
        return Tensor(
            kind, node, integer=bool(dtype_of(kwargs.get("dtype"))), classes=const_int(x) if kind == "identity" else None
        )
    return None


def _same(items: list) -> bool:
    first = items[0]
    return isinstance(first, Tensor) and all(isinstance(t, Tensor) and t.kind == first.kind for t in items)
