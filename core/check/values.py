"""The abstract values the checker tracks: what a tensor is (softmax probabilities, logits, …) and what a name holds."""

import ast
from dataclasses import dataclass, field

# What a tensor holds, as far as the code shows.
PROBS = "softmax probabilities"
SIGMOID = "sigmoid probabilities"
LOGP = "log-softmax"
DOUBLE = "log_softmax of softmax probabilities"  # softmax applied twice, in log space
RAW = "raw scores"  # a Linear / Conv output: logits
ONEHOT = "one-hot targets"
LABELS = "class labels"  # integer class indices, or 0/1 labels from a comparison


@dataclass(frozen=True, eq=False)
class Tensor:
    kind: str
    origin: ast.AST | None = None  # the call that made it: the line a message names and a fix rewrites
    integer: bool = False  # dtype is an integer type (one-hot and labels)
    classes: int | None = None  # the number of classes, when the code says it (one_hot(y, 10), Linear(h, 10))

    def like(self, **changes) -> "Tensor":
        return Tensor(**{**self.__dict__, **changes})


@dataclass(frozen=True)
class Const:
    """A Python constant the code spells out (for `if`, indexing, `__name__`, dims, class counts)."""

    value: object


@dataclass(frozen=True)
class Ref:
    """A name from an import: a module, function or class, by its dotted name (`torch.nn.functional.softmax`)."""

    name: str


@dataclass(eq=False)
class Layer:
    """An instance of a torch layer: what its output is (a tensor kind, `None` = unknown, "pass" = its input)."""

    output: str | None
    node: ast.AST
    classes: int | None = None


@dataclass(eq=False)
class Sequential:
    layers: list  # Layer / Sequential / Instance / None, in call order (mutable: add_module, append)
    node: ast.AST


@dataclass(eq=False)
class Criterion:
    """A loss: `ce`, `nll`, `bce`, `bcel` (with logits) or `mse`."""

    loss: str
    node: ast.AST  # where it was made: the line a fix for the loss itself rewrites


@dataclass(eq=False)
class Function:
    node: ast.AST  # FunctionDef / AsyncFunctionDef / Lambda
    scope: object  # the scope it was defined in (closures, globals)
    owner: object = None  # its ClassInfo when it is a method

    @property
    def decorators(self) -> set[str]:
        return {d.id for d in getattr(self.node, "decorator_list", []) if isinstance(d, ast.Name)}


@dataclass(eq=False)
class Opaque:
    """A model from a zoo (torchvision, timm): unknown inside, except a classifier head the code replaces."""

    attrs: dict = field(default_factory=dict)


@dataclass(eq=False)
class Partial:
    """functools.partial(func, *args, **kwargs)."""

    func: object
    args: list
    kwargs: dict


@dataclass(eq=False)
class ClassInfo:
    node: ast.ClassDef
    bases: list  # Ref / ClassInfo / None
    methods: dict = field(default_factory=dict)  # name -> Function
    attrs: dict = field(default_factory=dict)  # class-level assignments

    def lookup(self, name: str, seen: frozenset = frozenset()):
        """A method or class attribute, searching user-defined bases too."""
        if name in self.methods:
            return self.methods[name]
        if name in self.attrs:
            return self.attrs[name]
        for base in self.bases:
            if isinstance(base, ClassInfo) and base not in seen:
                found = base.lookup(name, seen | {self})
                if found is not None:
                    return found
        return None

    def torch_bases(self, seen: frozenset = frozenset()) -> set[str]:
        """Dotted names of the imported classes it derives from (`torch.nn.Sequential`, …)."""
        names = set()
        for base in self.bases:
            if isinstance(base, Ref):
                names.add(base.name)
            elif isinstance(base, ClassInfo) and base not in seen:
                names |= base.torch_bases(seen | {self})
        return names


@dataclass(eq=False)
class Instance:
    cls: ClassInfo
    attrs: dict = field(default_factory=dict)
    layers: list | None = None  # an nn.Sequential subclass: the layers given to super().__init__


@dataclass(eq=False)
class Bound:
    """`obj.name` not otherwise known: a method to call on a tensor, a Sequential, a criterion, …"""

    obj: object
    name: str


@dataclass(eq=False)
class Method:
    function: Function
    self_value: object


@dataclass(eq=False)
class Items:
    """A tuple, list or dict literal (lists are mutable: layers.append(...))."""

    items: list | dict


class Super:
    """`super()`: its __init__ feeds an nn.Sequential subclass its layers."""


DEVICE = Const("<device>")  # x.device, "cuda": a .to() argument that keeps the dtype


def join(a, b):
    """The value two paths agree on; None (unknown) when they disagree: when it cannot decide, it says less."""
    if a is b:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor) and (a.kind, a.integer) == (b.kind, b.integer):
        return a
    if isinstance(a, Const) and a == b:
        return a
    if isinstance(a, Layer) and isinstance(b, Layer) and a.output == b.output is not None:
        return a
    if isinstance(a, Criterion) and isinstance(b, Criterion) and a.loss == b.loss:
        return a
    return None


class Scope:
    """Names bound in one function (or the module), and the scope it was defined in."""

    __slots__ = ("vars", "parent")

    def __init__(self, parent: "Scope | None" = None):
        self.vars, self.parent = {}, parent

    def lookup(self, name: str) -> tuple[bool, object]:
        scope = self
        while scope is not None:
            if name in scope.vars:
                return True, scope.vars[name]
            scope = scope.parent
        return False, None
