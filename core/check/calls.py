"""Calls: torch functions and layers, losses (the sinks), user functions, classes and methods, interprocedurally."""

import ast
from functools import reduce

from core.check.torchapi import LOSS_CLASSES, LOSS_FUNCTIONS, make_layer, squash, tensor_method, torch_function
from core.check.values import (
    DEVICE,
    LOGP,
    PROBS,
    RAW,
    SIGMOID,
    Bound,
    ClassInfo,
    Const,
    Criterion,
    Function,
    Instance,
    Items,
    Layer,
    Method,
    Opaque,
    Partial,
    Ref,
    Scope,
    Sequential,
    Super,
    Tensor,
    join,
)  # fmt: skip

MAX_CALL_DEPTH = 12
ZOOS = ("torchvision.models.", "timm.create_model")  # models whose forward ends in the head named in HEADS
HEADS = ("fc", "classifier", "head", "heads")
WRAPPERS = {"torch.compile", "torch.jit.script", "torch.nn.DataParallel", "torch.nn.parallel.DistributedDataParallel"}
SELF_METHODS = {"to", "cuda", "cpu", "train", "eval", "float", "double", "half", "bfloat16", "requires_grad_", "type", "apply"}
LAYER_METHODS = {"add_module", "register_module", "append"}


def value_key(value):
    """A hashable summary of an argument for the call memo."""
    if isinstance(value, Tensor):
        return (value.kind, value.integer, id(value.origin))
    if isinstance(value, Const):
        return ("const", repr(value.value)[:60])
    return id(value) if value is not None else None


class Frame:
    """One function activation: its returns, `self`, and whether it runs in training mode."""

    def __init__(self, training: bool = True, self_value=None):
        self.returns, self.training, self.self_value, self.globals = [], training, self_value, set()


class Calls:
    def call(self, func, args: list, kwargs: dict, node: ast.Call, scope, frame):
        x = args[0] if args else None
        if isinstance(func, Ref):
            return self.call_ref(func.name, args, kwargs, node)
        if isinstance(func, Layer):
            return self.apply_layer(func, x, node)
        if isinstance(func, Sequential):
            return self.apply_layers(func.layers, x, frame)
        if isinstance(func, Criterion):
            return self.loss(func.loss, args, kwargs, node, func.node)
        if isinstance(func, Instance):
            return self.call_instance(func, args, kwargs, node, frame)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs, frame)
        if isinstance(func, Method):
            return self.call_function(func.function, [func.self_value, *args], kwargs, frame)
        if isinstance(func, ClassInfo):
            return self.construct(func, args, kwargs, node, frame)
        if isinstance(func, Partial):
            return self.call(func.func, [*func.args, *args], {**func.kwargs, **kwargs}, node, scope, frame)
        if isinstance(func, Opaque):  # torchvision's and timm's forwards end in their classifier head
            head = next((func.attrs[name] for name in HEADS if name in func.attrs), None)
            return self.call(head, [None], {}, node, scope, frame) if head is not None else None
        if isinstance(func, Bound):
            return self.call_bound(func.obj, func.name, args, kwargs, node, scope, frame)
        return None

    def call_ref(self, name: str, args, kwargs, node):
        if name in LOSS_FUNCTIONS:
            return self.loss(LOSS_FUNCTIONS[name], args, kwargs, node, node)
        if name == "torch.device":
            return DEVICE
        if name == "functools.partial" and args:
            return Partial(args[0], args[1:], kwargs)
        if name.startswith(ZOOS):
            return Opaque()
        if name in WRAPPERS:
            return args[0] if args else None
        if name in ("collections.OrderedDict", "dict") and args and isinstance(args[0], Items):
            pairs = [p.items for p in args[0].items if isinstance(p, Items) and len(p.items) == 2]
            return Items({key.value: v for key, v in pairs if isinstance(key, Const)})
        if name.startswith("torch.nn.") and name.count(".") == 2 and name[9:10].isupper():
            short = name[9:]
            if short == "Sequential":
                layers = (
                    list(args[0].items.values())
                    if len(args) == 1 and isinstance(args[0], Items) and isinstance(args[0].items, dict)
                    else list(args)
                )
                return Sequential(layers, node)
            return make_layer(short, args, kwargs, node)
        if name.startswith("torch."):
            return torch_function(name, args, kwargs, node, self.warn)
        return None

    def call_bound(self, obj, name: str, args, kwargs, node, scope, frame):
        if name in SELF_METHODS and isinstance(obj, Instance | Sequential | Layer | Criterion | Opaque):
            return obj
        if name == "forward" and isinstance(obj, Layer | Sequential | Criterion | Instance):
            return self.call(obj, args, kwargs, node, scope, frame)
        if name in LAYER_METHODS and args:
            layers = obj.layers if isinstance(obj, Sequential | Instance) else None
            if layers is not None:
                layers.append(args[-1])
            elif isinstance(obj, Instance) and isinstance(args[0], Const):
                obj.attrs[str(args[0].value)] = args[-1]
            elif isinstance(obj, Items) and isinstance(obj.items, list) and name == "append":
                obj.items.append(args[0])
            return None
        if isinstance(obj, Items) and name == "extend" and args and isinstance(args[0], Items) and isinstance(obj.items, list):
            obj.items.extend(args[0].items)
            return None
        if isinstance(obj, Super):
            if name == "__init__" and isinstance(frame.self_value, Instance) and frame.self_value.layers is not None:
                frame.self_value.layers[:] = list(args)
            return None
        if obj is not None and not isinstance(obj, Tensor | Bound):
            return None  # a method of something that is not a tensor (self.log(...), an optimizer, a dict)
        result = tensor_method(obj, name, args, kwargs, node, self.warn)
        if name.endswith("_") and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            self.assign(node.func.value, result, scope, frame)  # in place: the name now holds the result
        return result

    def apply_layer(self, layer: Layer, x, node):
        if layer.output == "pass":
            return x
        if layer.output == RAW:
            return Tensor(RAW, node, classes=layer.classes)
        if layer.output in (PROBS, SIGMOID, LOGP):
            return squash(layer.output, x, node)
        return None

    def apply_layers(self, layers: list, x, frame):
        for layer in layers:
            if isinstance(layer, Layer):
                x = self.apply_layer(layer, x, layer.node)  # the layer itself is the line a fix rewrites
            elif isinstance(layer, Sequential):
                x = self.apply_layers(layer.layers, x, frame)
            elif isinstance(layer, Instance):
                x = self.call_instance(layer, [x], {}, None, frame)
            else:
                x = None
        return x

    def call_instance(self, inst: Instance, args, kwargs, node, frame):
        forward = inst.cls.lookup("forward")
        if isinstance(forward, Function):
            return self.call_function(forward, [inst, *args], kwargs, frame)
        if inst.layers is not None:
            return self.apply_layers(inst.layers, args[0] if args else None, frame)
        for base in inst.cls.torch_bases():
            if base.startswith("torch.nn.") and base[9:] in LOSS_CLASSES:
                return self.loss(LOSS_CLASSES[base[9:]], args, kwargs, node, inst.cls.node)
        return None

    def construct(self, cls: ClassInfo, args, kwargs, node, frame):
        inst = Instance(cls)
        if "torch.nn.Sequential" in cls.torch_bases():
            inst.layers = list(args) if cls.lookup("__init__") is None else []
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.call_function(init, [inst, *args], kwargs, frame, memo=False)
        return inst

    def call_function(self, fn: Function, args, kwargs, frame, memo: bool = True):
        node = fn.node
        if self.steps > self.budget or len(self.stack) >= MAX_CALL_DEPTH or node in self.stack:
            return None
        key = (id(node), frame.training, tuple(map(value_key, args)), tuple((k, value_key(v)) for k, v in sorted(kwargs.items())))
        if memo and key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # a recursive call while this one runs says less
        self.analyzed.add(node)
        scope, inner = Scope(fn.scope), Frame(frame.training, args[0] if fn.owner is not None and args else None)
        self.bind(node.args, args, kwargs, scope, fn.scope, inner)
        self.stack.append(node)
        try:
            if isinstance(node, ast.Lambda):
                result = self.ev(node.body, scope, inner)
            else:
                falls = self.block(node.body, scope, inner)
                returns = inner.returns + ([Const(None)] if falls else [])
                result = None if self.generator(node) or not returns else reduce(join, returns)
        finally:
            self.stack.pop()
        self.memo[key] = result
        return result

    def generator(self, node: ast.AST) -> bool:
        """Does this function yield (then a call returns a generator, not what it yields)?"""
        if node not in self.generators:
            self.generators[node] = any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(node))
        return self.generators[node]

    def bind(self, spec: ast.arguments, args, kwargs, scope, defining, frame):
        """Parameters from a call's arguments, else their defaults (evaluated where the function was defined)."""
        positional = [*spec.posonlyargs, *spec.args]
        defaults = [None] * (len(positional) - len(spec.defaults)) + list(spec.defaults)
        for i, (param, default) in enumerate(zip(positional, defaults)):
            if i < len(args):
                value = args[i]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            else:
                value = self.ev(default, defining, frame) if default is not None else None
            scope.vars[param.arg] = value
        for param, default in zip(spec.kwonlyargs, spec.kw_defaults):
            value = kwargs.get(param.arg, self.ev(default, defining, frame) if default is not None else None)
            scope.vars[param.arg] = value
        for extra in (spec.vararg, spec.kwarg):
            if extra is not None:
                scope.vars[extra.arg] = None

    def loss(self, loss: str, args, kwargs, node, made):
        """A loss call: hand its input and target to the rules."""
        x = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        self.at_loss(loss, x, target, node, made)
        return None
