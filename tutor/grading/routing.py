"""Which zygote runs a check: does the code it runs use torch?

A check whose code never uses torch runs in a child of the light zygote (numpy only), which is
forked and torn down for a third of the cost of a child of the torch zygote (measured, one serial
check in the full jail: 8 ms vs 22 ms; the kernel copies and frees torch's 260 MB of mappings).
Routing changes a check's speed, never its verdict: a child of the light zygote that imports
torch after all (say through `importlib`) imports it itself.

The word "torch" in a comment or a docstring is not a use: adam_step's drive.py says its cases
are checked against `torch.optim.Adam`, and sent every adam_step check to the torch zygote."""

from __future__ import annotations

import io
import tokenize
from functools import lru_cache

_SKIP = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT,
         tokenize.ENCODING}


def uses_torch(source: bytes) -> bool:
    """Whether `source` names torch in code: as a name (`import torch`, `torch.tensor`) or
    inside a string that is not a docstring-like statement of its own (`__import__("torch")`).
    Source that cannot be tokenized counts as using it whenever the word appears."""
    if b"torch" not in source:
        return False
    try:
        previous = tokenize.NEWLINE
        for tok in tokenize.tokenize(io.BytesIO(source).readline):
            if "torch" in tok.string:
                if tok.type == tokenize.NAME:
                    return True
                if tok.type == tokenize.STRING and previous not in _SKIP:
                    return True
            if tok.type not in (tokenize.COMMENT, tokenize.NL):
                previous = tok.type if tok.type in _SKIP else tokenize.OP
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, ValueError):
        return True
    return False


@lru_cache(maxsize=64)
def driver_uses_torch(source: bytes) -> bool:
    """`uses_torch` for an exercise's drive.py: the same few files on every check."""
    return uses_torch(source)
