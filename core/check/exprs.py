"""Expression evaluation: what each expression's value is (values.py), depth-capped so deep nesting says less."""

import ast
import operator

from core.check.torchapi import normalize
from core.check.values import (
    DEVICE,
    LABELS,
    ONEHOT,
    RAW,
    Bound,
    ClassInfo,
    Const,
    Function,
    Instance,
    Items,
    Method,
    Opaque,
    Ref,
    Scope,
    Sequential,
    Super,
    Tensor,
    join,
)  # fmt: skip

MAX_DEPTH = 120  # nested expressions deeper than this are not followed (Python's own limit is ~1000 frames)
CONVENTIONAL = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}  # a pasted fragment without its imports
ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv}
COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Is: operator.is_, ast.IsNot: operator.is_not}


def truth(value) -> bool | None:
    """What a condition is, when the code spells it out."""
    if isinstance(value, Const) and value is not DEVICE:
        try:
            return bool(value.value)
        except Exception:  # a constant whose truth raises: undecided
            return None
    return None


class Expressions:
    def ev(self, node: ast.AST, scope, frame, depth: int = 0):
        self.steps += 1
        if depth > MAX_DEPTH:
            return None
        handler = HANDLERS.get(type(node))
        if handler is not None:
            return handler(self, node, scope, frame, depth + 1)
        for child in ast.iter_child_nodes(node):  # unknown shapes: still look inside for losses
            if isinstance(child, ast.expr):
                self.ev(child, scope, frame, depth + 1)
        return None

    def ev_Constant(self, node, scope, frame, depth):
        return Const(node.value)

    def ev_Name(self, node, scope, frame, depth):
        found, value = scope.lookup(node.id)
        if found:
            return value
        for module in self.stars:
            if module.startswith("torch"):
                return Ref(normalize(f"{module}.{node.id}"))
        return Ref(CONVENTIONAL[node.id]) if node.id in CONVENTIONAL else None

    def ev_Attribute(self, node, scope, frame, depth):
        base, attr = self.ev(node.value, scope, frame, depth), node.attr
        if isinstance(base, Ref):
            return Ref(normalize(f"{base.name}.{attr}"))
        if attr == "device":
            return DEVICE
        if isinstance(base, Super) and isinstance(frame.self_value, Instance):  # super().forward(x): a user base's method
            found = next((f for b in frame.self_value.cls.bases if isinstance(b, ClassInfo) for f in [b.lookup(attr)] if f), None)
            return Method(found, frame.self_value) if isinstance(found, Function) else Bound(base, attr)
        if isinstance(base, Instance):
            if attr in base.attrs:
                return base.attrs[attr]
            if attr == "training":
                return Const(frame.training)
            found = base.cls.lookup(attr)
            if isinstance(found, Function):
                kinds = found.decorators
                if "property" in kinds:
                    return self.call_function(found, [base], {}, frame)
                return found if "staticmethod" in kinds else Method(found, base.cls if "classmethod" in kinds else base)
            if found is not None:
                return found
        if isinstance(base, Opaque):
            return base.attrs.get(attr, Bound(base, attr))
        if isinstance(base, Tensor) and attr in ("T", "mT", "H", "data"):
            return base
        if isinstance(base, ClassInfo):
            return base.lookup(attr)
        return Bound(base, attr)

    def ev_Call(self, node, scope, frame, depth):
        if isinstance(node.func, ast.Name) and node.func.id == "super" and not scope.lookup("super")[0]:
            return Super()
        func = self.ev(node.func, scope, frame, depth)
        args = []
        for arg in node.args:
            value = self.ev(arg.value if isinstance(arg, ast.Starred) else arg, scope, frame, depth)
            if isinstance(arg, ast.Starred):
                if not (isinstance(value, Items) and isinstance(value.items, list)):
                    args.append(None)  # positions after an unknown *args are not known: stop binding them
                    break
                args.extend(value.items)
            else:
                args.append(value)
        kwargs = {}
        for keyword in node.keywords:
            value = self.ev(keyword.value, scope, frame, depth)
            if keyword.arg is not None:
                kwargs[keyword.arg] = value
        return self.call(func, args, kwargs, node, scope, frame)

    def ev_Subscript(self, node, scope, frame, depth):
        base, index = self.ev(node.value, scope, frame, depth), self.ev(node.slice, scope, frame, depth)
        if isinstance(base, Tensor):
            return Tensor(ONEHOT, node, integer=base.integer, classes=base.classes) if base.kind == "identity" else base
        key = index.value if isinstance(index, Const) else None
        layers = base.layers if isinstance(base, Sequential | Instance) else None
        if layers is not None and isinstance(key, slice):
            return Sequential(layers[key], node)
        pool = layers if layers is not None else base.items if isinstance(base, Items) else None
        try:
            return pool[key] if pool is not None and key is not None and not isinstance(key, slice) else None
        except (IndexError, KeyError, TypeError):
            return None

    def ev_Slice(self, node, scope, frame, depth):
        parts = [
            self.ev(part, scope, frame, depth) if part is not None else Const(None)
            for part in (node.lower, node.upper, node.step)
        ]
        if all(isinstance(p, Const) and (p.value is None or type(p.value) is int) for p in parts):
            return Const(slice(*(p.value for p in parts)))
        return None

    def ev_Tuple(self, node, scope, frame, depth):
        return Items([self.ev(e, scope, frame, depth) for e in node.elts])

    ev_List = ev_Tuple

    def ev_Dict(self, node, scope, frame, depth):
        items = {}
        for key, value in zip(node.keys, node.values):
            k = self.ev(key, scope, frame, depth) if key is not None else None
            v = self.ev(value, scope, frame, depth)
            if isinstance(k, Const):
                items[k.value] = v
        return Items(items)

    def ev_BinOp(self, node, scope, frame, depth):
        left, right = self.ev(node.left, scope, frame, depth), self.ev(node.right, scope, frame, depth)
        if isinstance(left, Const) and isinstance(right, Const) and type(node.op) in ARITHMETIC:
            if all(type(v.value) is int and abs(v.value) < 2**31 for v in (left, right)):
                return Const(ARITHMETIC[type(node.op)](left.value, right.value))
        tensor, other = (left, right) if isinstance(left, Tensor) else (right, left)
        if isinstance(tensor, Tensor) and isinstance(other, Const) and isinstance(other.value, int | float):
            if isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):  # eps, 1 - p, a temperature
                return tensor.like(integer=False) if isinstance(other.value, float) else tensor
        return None

    def ev_UnaryOp(self, node, scope, frame, depth):
        value = self.ev(node.operand, scope, frame, depth)
        if isinstance(node.op, ast.Not):
            known = truth(value)
            return None if known is None else Const(not known)
        if isinstance(node.op, ast.USub) and isinstance(value, Const) and isinstance(value.value, int | float):
            return Const(-value.value)
        return None

    def ev_BoolOp(self, node, scope, frame, depth):
        values = [truth(self.ev(v, scope, frame, depth)) for v in node.values]
        stop = isinstance(node.op, ast.Or)  # `or` stops at the first true operand, `and` at the first false one
        if stop in values:
            return Const(stop)
        return Const(not stop) if None not in values else None

    def ev_Compare(self, node, scope, frame, depth):
        left = self.ev(node.left, scope, frame, depth)
        rights = [self.ev(c, scope, frame, depth) for c in node.comparators]
        if len(rights) == 1 and type(node.ops[0]) in COMPARE and isinstance(left, Const) and isinstance(rights[0], Const):
            if DEVICE not in (left, rights[0]):
                return Const(COMPARE[type(node.ops[0])](left.value, rights[0].value))
        if isinstance(node.ops[0], ast.Gt | ast.Lt | ast.GtE | ast.LtE) and not isinstance(left, Const):
            if left is None or isinstance(left, Tensor) and left.kind == RAW:
                return Tensor(LABELS, node, integer=True)  # (x[:, 0] > 0): 0/1 class labels
        return None

    def ev_IfExp(self, node, scope, frame, depth):
        known = truth(self.ev(node.test, scope, frame, depth))
        if known is not None:
            return self.ev(node.body if known else node.orelse, scope, frame, depth)
        return join(self.ev(node.body, scope, frame, depth), self.ev(node.orelse, scope, frame, depth))

    def ev_Lambda(self, node, scope, frame, depth):
        return Function(node, scope)

    def ev_NamedExpr(self, node, scope, frame, depth):
        value = self.ev(node.value, scope, frame, depth)
        self.assign(node.target, value, scope, frame)
        return value

    def ev_ListComp(self, node, scope, frame, depth):
        inner = Scope(scope)
        for generator in node.generators:
            self.ev(generator.iter, inner, frame, depth)
            self.assign(generator.target, None, inner, frame)
            for test in generator.ifs:
                self.ev(test, inner, frame, depth)
        for part in (getattr(node, "elt", None), getattr(node, "key", None), getattr(node, "value", None)):
            if part is not None:
                self.ev(part, inner, frame, depth)
        return None

    ev_SetComp = ev_GeneratorExp = ev_DictComp = ev_ListComp


HANDLERS = {getattr(ast, name[3:]): method for name, method in vars(Expressions).items() if name.startswith("ev_")}
