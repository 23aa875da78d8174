"""Mutants of a reference solution: small, plausible wrong versions of it, made from its syntax tree.

`dltutor validate --mutants` runs each mutant through the real grading engine: a mutant that
passes every public case is wrong code the check lets through (unless it is *equivalent*: the
runner in `validate.py` decides that on a wide random battery). This module is pure: source text
in, a list of `Mutant` out; it imports and runs nothing of the solution.

The operators, each the shape of a mistake a learner makes:

| kind | what changes |
| --- | --- |
| `arithmetic` | `+`↔`-`, `*`↔`/`, `//`→`/`, `**`→`*`, `@`→`*` (also in `x += ...`) |
| `comparison` | `<`↔`<=`, `<`↔`>`, `>`↔`>=`, `==`↔`!=`, `is`↔`is not`, `in`↔`not in` |
| `constant` | a number nudged: 0↔1, ±1, ×2, ½ (ints: //2); `True`↔`False` |
| `default` | the same nudges on a parameter's default value |
| `axis` | a reduction's `axis` dropped, or `axis=0` / `axis=-1` added |
| `keepdims` | `keepdims=True` added to a reduction over an axis (`keepdims=True`→`False` is a `constant`) |
| `reduction` | `sum`↔`mean` |
| `minmax` | `max`↔`min`, `maximum`↔`minimum`, `argmax`↔`argmin`, `amax`↔`amin`, ... |
| `abs`, `clip` | `abs(...)` or `np.clip(..., -1.0, 1.0)` around a returned or assigned value |
| `inplace` | an input written in place: `p = p - d` → `p -= d`; a `.copy()` dropped; every array input zeroed just before the function returns |
| `float32` | the float64 array inputs cast with `.astype(np.float32)` on entry |

Mutants that do not parse, or read the same as the solution or an earlier mutant once unparsed,
are never produced."""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: kinds, in the order the table in the module docstring lists them
KINDS = ("arithmetic", "comparison", "constant", "default", "axis", "keepdims", "reduction",
         "minmax", "abs", "clip", "inplace", "float32")

_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Pow: ast.Mult, ast.MatMult: ast.Mult,
}
_COMPARISON: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE), ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE), ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,), ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
            ast.Pow: "**", ast.MatMult: "@", ast.Mod: "%"}
_SWAPS = {"sum": ("mean", "reduction"), "mean": ("sum", "reduction"),
          "nansum": ("nanmean", "reduction"), "nanmean": ("nansum", "reduction"),
          "max": ("min", "minmax"), "min": ("max", "minmax"), "amax": ("amin", "minmax"),
          "amin": ("amax", "minmax"), "maximum": ("minimum", "minmax"),
          "minimum": ("maximum", "minmax"), "argmax": ("argmin", "minmax"),
          "argmin": ("argmax", "minmax"), "nanmax": ("nanmin", "minmax"),
          "nanmin": ("nanmax", "minmax"), "fmax": ("fmin", "minmax"), "fmin": ("fmax", "minmax")}
#: reductions that take `axis` (and, but for the last four, `keepdims`)
_REDUCTIONS = {"sum", "mean", "max", "min", "prod", "std", "var", "amax", "amin", "any", "all",
               "nansum", "nanmean", "nanmax", "nanmin", "median", "norm", "argmax", "argmin",
               "cumsum", "cumprod"}
_NO_KEEPDIMS = {"argmax", "argmin", "cumsum", "cumprod"}
_RESULT = "_mutant_result"  #: the local that holds a return value while the inputs are zeroed
_INPUTS = "_mutant_inputs"  #: the inputs as they came in (a parameter may be rebound later)
_SHORT = 60  #: the longest snippet a description quotes


@dataclass(frozen=True)
class Mutant:
    """One wrong version of the solution."""

    line: int  #: the line of the change, in the solution as written
    description: str  #: what changed: `np.maximum → np.minimum`
    source: str  #: the whole mutated module (unparsed: comments and layout are gone)
    kind: str  #: one of `KINDS`

    def __str__(self) -> str:
        return f"line {self.line}: {self.description}"


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _nudges(value: float) -> list[int | float]:
    """0↔1, ±1, ×2 and ½ of a number, without repeats or the value itself."""
    if isinstance(value, int):
        out: list[int | float] = [1] if value == 0 else [0] if value == 1 else []
        out += [value + 1, value - 1, value * 2]
        if abs(value) >= 2:
            out.append(value // 2)
    else:
        out = [1.0] if value == 0.0 else [0.0] if value == 1.0 else []
        # 12 significant digits: 0.9 - 1 reads -0.1, not -0.09999999999999998
        out += [float(f"{v:.12g}") for v in (value + 1.0, value - 1.0, value * 2.0, value / 2.0)]
    seen: list[int | float] = []
    for v in out:
        if v != value and v not in seen:
            seen.append(v)
    return seen


class _Context:
    """What the operators need to know about the whole module, read once."""

    def __init__(self, tree: ast.Module) -> None:
        self.numpy = next((alias.asname or alias.name
                           for node in ast.walk(tree) if isinstance(node, ast.Import)
                           for alias in node.names if alias.name == "numpy"), None)
        self.skip: set[int] = set()  #: annotations, f-strings, raise statements, docstrings
        self.call_funcs: set[int] = set()
        self.parents: dict[int, ast.AST] = {id(child): node for node in ast.walk(tree)
                                            for child in ast.iter_child_nodes(node)}
        self.defaults: dict[int, str] = {}  #: id of a default value -> its parameter's name
        self.params: dict[int, set[str]] = {}  #: id of any node in a function -> its params
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                positional = args.posonlyargs + args.args
                for arg, default in zip(positional[len(positional) - len(args.defaults):],
                                        args.defaults):
                    self.defaults[id(default)] = arg.arg
                for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults):
                    if kw_default is not None:
                        self.defaults[id(kw_default)] = arg.arg
                for each in (*positional, *args.kwonlyargs, args.vararg, args.kwarg):
                    if each is not None and each.annotation is not None:
                        self._skip(each.annotation)
                if node.returns is not None:
                    self._skip(node.returns)
                names = {a.arg for a in (*positional, *args.kwonlyargs)}
                for stmt in node.body:
                    for inner in ast.walk(stmt):
                        self.params.setdefault(id(inner), names)
            elif isinstance(node, ast.AnnAssign):
                self._skip(node.annotation)
            elif isinstance(node, (ast.JoinedStr, ast.Raise)) or (
                    isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                self._skip(node)  # messages and docstrings
            elif isinstance(node, ast.Call):
                self.call_funcs.add(id(node.func))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and \
                    isinstance(node.operand, ast.Constant):
                self.skip.add(id(node.operand))  # `-1` is nudged as a whole

    def _skip(self, node: ast.AST) -> None:
        self.skip.update(id(n) for n in ast.walk(node))

    def is_numpy(self, node: ast.AST) -> bool:
        """`np` itself, or `np.linalg` and the like."""
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id == self.numpy


#: an edit: (kind, the change applied to a copy of the node, returning its replacement, and an
#: optional description; None: "before → after" of the node)
Edit = tuple[str, Callable[[ast.AST], ast.AST], str | None]


def _set(attr: str, value: object) -> Callable[[ast.AST], ast.AST]:
    def apply(node: ast.AST) -> ast.AST:
        setattr(node, attr, value)
        return node
    return apply


def _number(node: ast.AST) -> int | float | None:
    """The value of a number literal, `-1` included (bools are not numbers here)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
            not isinstance(node.value, bool):
        return node.value
    return None


def _literal(value: float) -> ast.expr:
    if value < 0 or (isinstance(value, float) and str(value).startswith("-")):
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _constant_kind(node: ast.AST, ctx: _Context) -> str:
    return "default" if id(node) in ctx.defaults else "constant"


def _default_text(node: ast.AST, ctx: _Context, value: object) -> str | None:
    param = ctx.defaults.get(id(node))
    if param is None:
        return None
    return f"default {param}={ast.unparse(node)} → {param}={value!r}"


def _edits(node: ast.AST, ctx: _Context) -> Iterator[Edit]:
    if id(node) in ctx.skip:
        return
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _ARITHMETIC:
        yield "arithmetic", _set("op", _ARITHMETIC[type(node.op)]()), None
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for new in _COMPARISON.get(type(op), ()):
                def swap(n: ast.AST, i: int = i, new: type[ast.cmpop] = new) -> ast.AST:
                    assert isinstance(n, ast.Compare)
                    n.ops[i] = new()
                    return n
                yield "comparison", swap, None
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield _constant_kind(node, ctx), _set("value", not node.value), _default_text(
            node, ctx, not node.value)
    elif (number := _number(node)) is not None:
        for value in _nudges(number):
            def nudge(_: ast.AST, value: float = value) -> ast.AST:
                return _literal(value)
            yield _constant_kind(node, ctx), nudge, _default_text(node, ctx, value)
    if isinstance(node, ast.Call):
        yield from _call_edits(node, ctx)
    if isinstance(node, (ast.Name, ast.Attribute)) and id(node) in ctx.call_funcs:
        name = node.id if isinstance(node, ast.Name) else node.attr
        if isinstance(node, ast.Name) and name not in ("max", "min"):
            return  # builtins: only max/min have a twin; sum has no builtin mean
        if name in _SWAPS:
            twin, kind = _SWAPS[name]
            yield kind, _set("id" if isinstance(node, ast.Name) else "attr", twin), None
    if isinstance(node, (ast.Return, ast.Assign)) and node.value is not None and \
            id(node) in ctx.params and not isinstance(
                node.value, (ast.Constant, ast.Tuple, ast.List, ast.Dict, ast.Set, ast.Lambda,
                             ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)):
        yield from _wrap_edits(node, ctx)
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
            isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.BinOp) and \
            isinstance(node.value.left, ast.Name) and \
            node.value.left.id == node.targets[0].id and \
            node.targets[0].id in ctx.params.get(id(node), ()) and \
            type(node.value.op) in _SYMBOLS:
        name = node.targets[0].id

        def augment(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.Assign) and isinstance(n.value, ast.BinOp)
            return ast.AugAssign(target=ast.Name(name, ast.Store()), op=n.value.op,
                                 value=n.value.right)
        text = (f"{_short(node)} → {name} {_SYMBOLS[type(node.value.op)]}= "
                f"{_short(node.value.right)} (writes into the caller's {name})")
        yield "inplace", augment, text
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield from _function_edits(node, ctx)


def _call_edits(node: ast.Call, ctx: _Context) -> Iterator[Edit]:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return
    if func.attr == "copy" and not node.args and not node.keywords and \
            not ctx.is_numpy(func.value):
        yield "inplace", lambda n: n.func.value, None  # type: ignore[attr-defined]
    if ctx.numpy and ctx.is_numpy(func.value) and func.attr in ("copy", "array") and \
            len(node.args) == 1 and not node.keywords:
        yield "inplace", lambda n: n.args[0], None  # type: ignore[attr-defined]
    if func.attr not in _REDUCTIONS:
        return
    function_style = ctx.is_numpy(func.value)  # np.sum(x, 1) vs x.sum(1)
    position = 1 if function_style else 0
    if function_style and not node.args:
        return
    keywords = {k.arg: k for k in node.keywords}
    has_axis = "axis" in keywords or len(node.args) > position
    if has_axis:
        def drop_axis(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.Call)
            n.keywords = [k for k in n.keywords if k.arg != "axis"]
            n.args = n.args[:position]
            return n
        if len(node.args) <= position + 1:  # an axis given by position, with more after it,
            yield "axis", drop_axis, None    # cannot simply be dropped
        if "keepdims" not in keywords and func.attr not in _NO_KEEPDIMS:
            def keep(n: ast.AST) -> ast.AST:
                assert isinstance(n, ast.Call)
                n.keywords = [*n.keywords, ast.keyword("keepdims", ast.Constant(True))]
                return n
            yield "keepdims", keep, None
    else:
        for axis in (0, -1):
            def add_axis(n: ast.AST, axis: int = axis) -> ast.AST:
                assert isinstance(n, ast.Call)
                value: ast.expr = ast.Constant(axis) if axis >= 0 else ast.UnaryOp(
                    ast.USub(), ast.Constant(-axis))
                n.keywords = [*n.keywords, ast.keyword("axis", value)]
                return n
            yield "axis", add_axis, None


def _wrap_edits(node: ast.Return | ast.Assign, ctx: _Context) -> Iterator[Edit]:
    def wrap_abs(n: ast.AST) -> ast.AST:
        assert isinstance(n, (ast.Return, ast.Assign)) and n.value is not None
        n.value = ast.Call(ast.Name("abs", ast.Load()), [n.value], [])
        return n
    yield "abs", wrap_abs, None
    numpy = ctx.numpy
    if numpy:
        def wrap_clip(n: ast.AST) -> ast.AST:
            assert isinstance(n, (ast.Return, ast.Assign)) and n.value is not None
            clip = ast.Attribute(ast.Name(numpy, ast.Load()), "clip", ast.Load())
            n.value = ast.Call(clip, [n.value, ast.Constant(-1.0), ast.Constant(1.0)], [])
            return n
        yield "clip", wrap_clip, None


def _array(ctx: _Context, name: str, test: str) -> str:
    """`isinstance(name, np.ndarray) and <test>`."""
    return f"isinstance({name}, {ctx.numpy}.ndarray) and {test}"


def _own_returns(body: list[ast.stmt]) -> Iterator[tuple[list[ast.stmt], int]]:
    """(the statement list, index) of each `return` of this function, not of nested ones."""
    for i, stmt in enumerate(body):
        if isinstance(stmt, ast.Return):
            yield body, i
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        else:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    yield from _own_returns(inner)
            for handler in getattr(stmt, "handlers", []):
                yield from _own_returns(handler.body)
            for case in getattr(stmt, "cases", []):
                yield from _own_returns(case.body)


def _function_edits(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: _Context) -> Iterator[Edit]:
    if not ctx.numpy:
        return
    params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
              if a.arg not in ("self", "cls")]
    if not params:
        return
    if any(True for _ in _own_returns(node.body)):
        def zero_inputs(n: ast.AST) -> ast.AST:
            assert isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            for body, i in reversed(list(_own_returns(n.body))):
                ret = body[i]
                assert isinstance(ret, ast.Return)
                body[i:i + 1] = [
                    ast.Assign([ast.Name(_RESULT, ast.Store())], ret.value or ast.Constant(None)),
                    *ast.parse(f"for _input in {_INPUTS}:\n"
                               f"    if {_array(ctx, '_input', '_input.flags.writeable')}:\n"
                               "        _input[...] = 0\n").body,
                    ast.Return(ast.Name(_RESULT, ast.Load()))]
            n.body[0:0] = ast.parse(f"{_INPUTS} = ({', '.join(params)},)").body
            return n
        yield ("inplace", zero_inputs,
               f"{node.name}() writes 0 into its array inputs in place before returning")

    def cast(n: ast.AST) -> ast.AST:
        assert isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        n.body[0:0] = ast.parse("\n".join(
            f"if {_array(ctx, p, f'{p}.dtype == {ctx.numpy}.float64')}:\n"
            f"    {p} = {p}.astype({ctx.numpy}.float32)" for p in params)).body
        return n
    text = (f"{node.name}() casts its float64 array inputs to float32 "
            f"(.astype({ctx.numpy}.float32))")
    yield "float32", cast, text


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
    raise ValueError("node not found")


def _parses(source: str) -> bool:
    try:
        compile(source, "<mutant>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def make_mutants(source: str, kinds: tuple[str, ...] = KINDS) -> list[Mutant]:
    """Every mutant of `source` (a module) the operators of `kinds` make, in source order.
    Raises SyntaxError when `source` itself does not parse."""
    tree = ast.parse(source)
    ctx = _Context(tree)
    nodes = list(ast.walk(tree))
    positions = {id(node): i for i, node in enumerate(nodes)}
    seen = {ast.unparse(tree)}
    found: list[Mutant] = []
    for index, node in enumerate(nodes):
        for kind, apply, text in _edits(node, ctx):
            if kind not in kinds:
                continue
            mutated = copy.deepcopy(tree)
            copies = list(ast.walk(mutated))
            target = copies[index]
            # a number is quoted with what holds it: `axis=1 → axis=0`, `m[:, 0] → m[:, 1]`
            shown = target
            parent = ctx.parents.get(id(node))
            if kind == "constant" and parent is not None:
                # climb out of tuples and slices: `axes=([0, 2], [1, 2])`, `m[:, 0]`
                while isinstance(parent, (ast.Tuple, ast.List, ast.Slice)) and isinstance(
                        holder := ctx.parents.get(id(parent)),
                        (ast.Tuple, ast.List, ast.Slice, ast.Subscript, ast.keyword)):
                    parent = holder
                if isinstance(parent, (ast.expr, ast.keyword, ast.Assign, ast.AugAssign,
                                       ast.Return)):
                    shown = copies[positions[id(parent)]]
            before = _short(shown)
            replacement = apply(target)
            if replacement is not target:
                _replace(mutated, target, replacement)
                if shown is target:
                    shown = replacement
            ast.fix_missing_locations(mutated)
            try:
                new_source = ast.unparse(mutated)
            except Exception:  # noqa: BLE001, S112 - a tree unparse refuses is no mutant
                continue
            if new_source in seen or not _parses(new_source):
                continue
            seen.add(new_source)
            description = text or f"{before} → {_short(shown)}"
            found.append(Mutant(getattr(node, "lineno", 0), description, new_source, kind))
    found.sort(key=lambda m: m.line)  # stable: same line keeps the walk's order
    return found
