"""A trusted-side scan of a submission's source for the shortcuts its exercise forbids.

The child replaces forbidden functions with stubs that raise, but that is advisory: PyTorch keeps
its own references to every kernel (`torch._C._VariableFunctions.relu`, `torch.ops.aten.relu`),
and learner code runs in the same process as the stubs. So the worker also reads the source —
parsed with `ast`, never run — and flags, for the instructor, every use of a forbidden name
(through any import alias) and every way of reaching one indirectly (a string holding its name,
`getattr` with a computed name, `eval`/`exec`/`__import__`/`importlib`, PyTorch's internal op
tables). A flag is not a verdict: the instructor reads the code."""

from __future__ import annotations

import ast

MAX_SOURCE = 1_000_000
DYNAMIC_CALLS = frozenset({"eval", "exec", "compile", "__import__", "getattr"})
INTERNALS = ("torch._C", "torch.ops", "torch._refs", "torch._prims", "torch._decomp")


def forbidden_uses(source: str, forbidden: tuple[str, ...]) -> tuple[str, ...]:
    """Sentences naming each suspicious use, with its line; empty when there is none."""
    if not forbidden or len(source) > MAX_SOURCE:
        return ()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    leaves = {name.rsplit(".", 1)[-1] for name in forbidden}
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found: dict[str, int] = {}

    def note(text: str, line: int) -> None:
        found.setdefault(text, line)

    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.Attribute, ast.Name)):
            dotted = _dotted(node, aliases)
            if dotted is None:
                continue
            for name in forbidden:
                if dotted == name:
                    note(f"uses {name}, which this exercise forbids", line)
            if dotted.startswith(INTERNALS) and dotted.rsplit(".", 1)[-1] in leaves:
                note(f"reaches {dotted} (PyTorch's internals)", line)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in forbidden:
                    note(f"imports {node.module}.{alias.name}, which this exercise forbids",
                         line)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in DYNAMIC_CALLS:
            if node.func.id != "getattr" or not (len(node.args) > 1 and isinstance(
                    node.args[1], ast.Constant) and node.args[1].value not in leaves):
                note(f"calls {node.func.id}() (could reach a forbidden function indirectly)",
                     line)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value in leaves:
            note(f"holds the string {node.value!r} (the name of a forbidden function)", line)
    if any(v.split(".")[0] == "importlib" for v in aliases.values()):
        note("imports importlib (could reach a forbidden function indirectly)", 0)
    return tuple(f"line {line}: {text}" if line else text
                 for text, line in sorted(found.items(), key=lambda item: item[1]))


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`F.relu` with `import torch.nn.functional as F` -> `torch.nn.functional.relu`."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = aliases.get(node.id)
    if root is None:
        return None
    return ".".join([root, *reversed(parts)])
