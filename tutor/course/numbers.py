"""Read a learner's numeric quiz answer: a number, a fraction or a small expression.

A learner who worked out ln 4 or 5/3 should be able to type `ln(4)` or `5/3` rather than do the
division by hand, and `2^-10` as easily as `0.0009765625`. The text is parsed with `ast` and
walked by hand (never `eval`): only numbers, `+ - * / ** ^`, parentheses, `pi`, `e` and a few
one-argument functions are allowed, every value is a float, and anything else (a name, an
attribute, a huge exponent, a long or deeply nested text) is refused with a sentence saying why.
Refusing is always quick: the text is capped in length before it is parsed, and float arithmetic
overflows instead of building huge integers (`9**9**9`)."""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

#: examples a learner is shown when a response is not a number; a content test checks that they
#: are not the answer to any question of the course (the hint must never give an answer away)
NUMBER_EXAMPLES = ("2/7", "1.5e-2", "2^-5", "sqrt(3)", "ln(3)")
#: what a learner reads when the response is not a number
NUMBER_PROMPT = (f"Type a number or a fraction like {NUMBER_EXAMPLES[0]} "
                 f"(also {', '.join(NUMBER_EXAMPLES[1:])}).")

MAX_LENGTH = 100  #: longer responses are refused before parsing (no deep nesting, no huge literals)
MAX_DEPTH = 20  #: operators and calls nested deeper than this are refused
MAX_EXPONENT = 1000.0  #: `x ** y` with |y| above this is refused


DEFAULT_RTOL = 0.005
"""The relative tolerance of a number that states none (a quiz answer, a checkpoint): a value
rounded to three significant figures is always within it (5/3 as 1.67 is 0.2 % off, 1/1024 as
0.00098 is 0.35 % off), while a real mistake is not."""
ATOL_FLOOR = 1e-9
"""The least error any number may have, whatever its tolerance: rounding noise, and a target of
exactly 0 (where a relative tolerance allows nothing)."""


def allowed_error(target: float, rtol: float | None, tolerance: float | None) -> float:
    """How far a typed number may be from `target` and still be right: `tolerance` (absolute)
    plus `rtol`·|target|; DEFAULT_RTOL when neither is stated, `tolerance` alone when only it
    is (the older, absolute key), never less than ATOL_FLOOR."""
    if rtol is None and tolerance is None:
        rtol = DEFAULT_RTOL
    return max((tolerance or 0.0) + (rtol or 0.0) * abs(target), ATOL_FLOOR)


class NotANumber(ValueError):
    """The response is not a number dltutor can read; the message says why, for the learner."""


_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sqrt": math.sqrt, "ln": math.log, "log": math.log, "log2": math.log2,
    "log10": math.log10, "exp": math.exp, "tanh": math.tanh,
}
_CONSTANTS = {"pi": math.pi, "e": math.e, "π": math.pi}
_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}
#: what learners type that Python spells differently: 2^-10, 2·3, 2×3, 6÷4, −1 (U+2212)
_SPELLINGS = (("^", "**"), ("·", "*"), ("×", "*"), ("÷", "/"), ("−", "-"), ("–", "-"))
#: 48,120 or 1,000,000: thousands separators (groups of exactly three digits, so 1,5 is refused)
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")


def parse_number(text: str) -> float:
    """The value of `text`, a finite float, or NotANumber with a reason a learner can act on."""
    if not isinstance(text, str):
        raise NotANumber("the answer is not text")
    source = text.strip()
    if not source:
        raise NotANumber("the answer is empty")
    if len(source) > MAX_LENGTH:
        raise NotANumber(f"the answer is longer than {MAX_LENGTH} characters")
    for spelled, python in _SPELLINGS:
        source = source.replace(spelled, python)
    source = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), source)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise NotANumber(f"{text.strip()!r} is not a number or a formula dltutor reads") from None
    value = _value(tree.body, 0)
    if not math.isfinite(value):
        raise NotANumber("the answer is not a finite number")
    return value


def _value(node: ast.AST, depth: int) -> float:
    if depth > MAX_DEPTH:
        raise NotANumber(f"the formula is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise NotANumber(f"{node.value!r} is not a number")
        try:
            value = float(node.value)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise NotANumber("a number in the answer is too large")
        return value
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise NotANumber(f"{node.id!r} is not a number (known names: pi, e)")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        operand = _value(node.operand, depth + 1)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _value(node.left, depth + 1)
        right = _value(node.right, depth + 1)
        return _binary(node.op, left, right)
    if isinstance(node, ast.Call):
        return _call(node, depth)
    if isinstance(node, ast.Tuple):
        raise NotANumber("write decimals with a point (1.5, not 1,5)")
    raise NotANumber("only numbers, + - * / ^, parentheses and functions like sqrt, ln, exp "
                     "are allowed")


def _binary(op: ast.operator, left: float, right: float) -> float:
    if isinstance(op, ast.Pow):
        if abs(right) > MAX_EXPONENT:
            raise NotANumber(f"exponents above {MAX_EXPONENT:g} are not allowed")
        if left < 0 and not right.is_integer():
            raise NotANumber("a negative number to a fractional power is not a real number")
        if left == 0 and right < 0:
            raise NotANumber("0 to a negative power divides by zero")
    if isinstance(op, ast.Div) and right == 0:
        raise NotANumber("the answer divides by zero")
    try:
        result = _BINARY[type(op)](left, right)
    except OverflowError:
        raise NotANumber("the answer is too large") from None
    if not math.isfinite(result):
        raise NotANumber("the answer is too large")
    return float(result)


def _call(node: ast.Call, depth: int) -> float:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in _FUNCTIONS:
        raise NotANumber("the functions allowed are " + ", ".join(sorted(_FUNCTIONS)))
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
        raise NotANumber(f"{name}() takes one number")
    argument = _value(node.args[0], depth + 1)
    try:
        result = _FUNCTIONS[name](argument)
    except ValueError:
        raise NotANumber(f"{name}({argument:g}) is not a real number") from None
    except OverflowError:
        raise NotANumber("the answer is too large") from None
    return float(result)
