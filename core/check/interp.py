"""The checker's abstract interpreter: runs a module's statements over values.py's values, never the code itself."""

import ast
from dataclasses import dataclass
from functools import reduce

from core.check.calls import Calls, Frame
from core.check.exprs import Expressions, truth
from core.check.sinks import broken
from core.check.torchapi import normalize
from core.check.values import ClassInfo, Const, Function, Instance, Items, Opaque, Ref, Scope, Tensor, join

MISSING = object()  # an attribute not set (yet)
BUDGET = 400_000  # evaluation steps per file (~15x a 6,000-line script): a pathological file stops being followed, never hangs


@dataclass(frozen=True, eq=False)
class Hit:
    """One rule broken at one node: the value that broke it, the other loss argument, where the loss was made."""

    rule: str
    node: ast.AST
    value: Tensor
    other: object = None
    loss: str | None = None
    made: ast.AST | None = None


def join_vars(a: dict, b: dict) -> dict:
    merged = dict(a)
    for name, value in b.items():
        merged[name] = join(a[name], value) if name in a else value
    return merged


class Analyzer(Expressions, Calls):
    def __init__(self):
        self.hits, self.stars, self.stack, self.memo = [], [], [], {}
        self.analyzed, self.functions, self.instances, self.generators = set(), [], {}, {}
        self.steps, self.budget = 0, BUDGET
        self.attr_log, self.attrs_seen = [], {}  # attribute writes inside if/else branches, per open branch

    def run(self, tree: ast.Module) -> list[Hit]:
        module = Scope()
        module.vars["__name__"] = Const("__main__")
        self.block(tree.body, module, Frame())
        done = 0
        while done < len(self.functions):  # functions nothing called: check them with unknown arguments
            fn = self.functions[done]
            done += 1
            if fn.node not in self.analyzed:
                args = [self.instance_of(fn.owner)] if fn.owner is not None else []
                self.call_function(fn, args, {}, Frame())
        return self.hits

    def instance_of(self, cls: ClassInfo) -> Instance:
        if cls not in self.instances:
            self.instances[cls] = self.construct(cls, [], {}, None, Frame())
        return self.instances[cls]

    def warn(self, rule: str, node: ast.AST, value: Tensor) -> None:
        self.hits.append(Hit(rule, node, value))

    def at_loss(self, loss: str, x, target, node, made) -> None:
        for rule, value, other in broken(loss, x, target):
            self.hits.append(Hit(rule, node, value, other, loss, made))

    def block(self, stmts: list, scope: Scope, frame: Frame) -> bool:
        """Run statements in order; False once none of the paths reaches the end (return, raise, break)."""
        for stmt in stmts:
            if not self.stmt(stmt, scope, frame):
                return False
        return True

    def branches(self, blocks: list, scope: Scope, frame: Frame) -> bool:
        """Run each block from the same state; afterwards names (and attributes set on objects) hold what the paths
        that went on agree on: `if cfg.probs: self.out = nn.Softmax(1)` leaves self.out undecided, not a softmax."""
        base, ends, writes = scope.vars, [], []
        for stmts in blocks:
            scope.vars = dict(base)
            self.attr_log.append({})
            goes_on = self.block(stmts, scope, frame)
            log = self.attr_log.pop()
            written = {key: owner.attrs.get(attr, MISSING) for key, (owner, attr, _) in log.items()}
            for owner, attr, before in log.values():  # undo: the next block starts from the same objects
                self.set_attr(owner, attr, before, logged=False)
            if goes_on:
                ends.append(scope.vars)
                writes.append(written)
            for key, entry in log.items():
                self.attrs_seen.setdefault(key, entry)
        scope.vars = base if not ends else ends[0]
        for other in ends[1:]:
            scope.vars = join_vars(scope.vars, other)
        for key in {key for written in writes for key in written}:
            owner, attr, before = self.attrs_seen[key]
            values = [written.get(key, before) for written in writes]
            self.set_attr(owner, attr, MISSING if MISSING in values else reduce(join, values))
        return bool(ends)

    def set_attr(self, owner, attr: str, value, logged: bool = True) -> None:
        """Set (or, with MISSING, delete) an object's attribute; inside a branch, remember what it was before."""
        if logged and self.attr_log and (id(owner), attr) not in self.attr_log[-1]:
            self.attr_log[-1][(id(owner), attr)] = (owner, attr, owner.attrs.get(attr, MISSING))
        if value is MISSING:
            owner.attrs.pop(attr, None)
        else:
            owner.attrs[attr] = value

    def stmt(self, s: ast.stmt, scope: Scope, frame: Frame) -> bool:
        self.steps += 1
        if isinstance(s, ast.Import):
            for alias in s.names:
                name = alias.asname or alias.name.split(".")[0]
                scope.vars[name] = Ref(alias.name if alias.asname else name)
        elif isinstance(s, ast.ImportFrom):
            module = "." * s.level + (s.module or "")
            for alias in s.names:
                if alias.name == "*":
                    self.stars.append(module)
                else:
                    scope.vars[alias.asname or alias.name] = Ref(normalize(f"{module}.{alias.name}"))
        elif isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef):
            fn = Function(s, scope)
            scope.vars[s.name] = fn
            self.functions.append(fn)
        elif isinstance(s, ast.ClassDef):
            self.define_class(s, scope, frame)
        elif isinstance(s, ast.Return):
            frame.returns.append(self.ev(s.value, scope, frame) if s.value is not None else Const(None))
            return False
        elif isinstance(s, ast.Assign):
            value = self.ev(s.value, scope, frame)
            for target in s.targets:
                self.assign(target, value, scope, frame)
        elif isinstance(s, ast.AnnAssign | ast.AugAssign):
            if s.value is not None:
                value = self.ev(s.value, scope, frame)
                self.assign(s.target, value if isinstance(s, ast.AnnAssign) else None, scope, frame)
        elif isinstance(s, ast.Expr):
            self.ev(s.value, scope, frame)
        elif isinstance(s, ast.If):
            known = truth(self.ev(s.test, scope, frame))
            if known is not None:
                return self.block(s.body if known else s.orelse, scope, frame)
            return self.branches([s.body, s.orelse], scope, frame)
        elif isinstance(s, ast.For | ast.AsyncFor | ast.While):
            known = truth(self.ev(s.test, scope, frame)) if isinstance(s, ast.While) else None
            if not isinstance(s, ast.While):
                self.ev(s.iter, scope, frame)
                self.assign(s.target, None, scope, frame)
            if known is not False:
                self.block(s.body, scope, frame)  # once: a loop's body runs as its first pass does
            self.block(s.orelse, scope, frame)
        elif isinstance(s, ast.With | ast.AsyncWith):
            for item in s.items:
                self.ev(item.context_expr, scope, frame)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, None, scope, frame)
            return self.block(s.body, scope, frame)
        elif isinstance(s, ast.Try | getattr(ast, "TryStar", ast.Try)):
            goes_on = self.block(s.body, scope, frame) and self.block(s.orelse, scope, frame)
            blocks = [h.body for h in s.handlers] + ([[]] if goes_on else [])
            goes_on = self.branches(blocks, scope, frame) if blocks else goes_on
            return self.block(s.finalbody, scope, frame) and goes_on
        elif isinstance(s, ast.Match):
            self.ev(s.subject, scope, frame)
            return self.branches([case.body for case in s.cases] + [[]], scope, frame)
        elif isinstance(s, ast.Raise | ast.Break | ast.Continue):
            if isinstance(s, ast.Raise) and s.exc is not None:
                self.ev(s.exc, scope, frame)
            return False
        elif isinstance(s, ast.Global):
            frame.globals.update(s.names)
        elif isinstance(s, ast.Assert | ast.Delete):
            for child in ast.iter_child_nodes(s):
                self.ev(child, scope, frame)
        return True

    def define_class(self, s: ast.ClassDef, scope: Scope, frame: Frame) -> None:
        info = ClassInfo(s, [self.ev(base, scope, frame) for base in s.bases])
        for item in s.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                fn = Function(item, scope, owner=info)
                info.methods[item.name] = fn
                self.functions.append(fn)
            elif isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                info.attrs[item.targets[0].id] = self.ev(item.value, scope, frame)
        scope.vars[s.name] = info

    def assign(self, target: ast.AST, value, scope: Scope, frame: Frame) -> None:
        if isinstance(target, ast.Name):
            while target.id in frame.globals and scope.parent is not None:
                scope = scope.parent
            scope.vars[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            items = value.items if isinstance(value, Items) and isinstance(value.items, list) else None
            fits = (
                items is not None and len(items) == len(target.elts) and not any(isinstance(e, ast.Starred) for e in target.elts)
            )
            for i, element in enumerate(target.elts):
                self.assign(
                    element.value if isinstance(element, ast.Starred) else element, items[i] if fits else None, scope, frame
                )
        elif isinstance(target, ast.Attribute):
            owner = self.ev(target.value, scope, frame)
            if isinstance(owner, Instance | Opaque):
                self.set_attr(owner, target.attr, value)
        elif isinstance(target, ast.Subscript):
            owner, key = self.ev(target.value, scope, frame), self.ev(target.slice, scope, frame)
            if isinstance(owner, Items) and isinstance(owner.items, dict) and isinstance(key, Const):
                owner.items[key.value] = value
