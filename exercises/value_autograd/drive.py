"""How a case calls Value: build a small expression graph from a plain recipe, call backward()
on its last node, and report the output's value and every leaf's gradient.

A recipe is `leaves` (the input numbers) and `ops`, a list of [kind, a, b] rows, each adding one
node: "add" (node a + node b), "mul" (node a * node b), "addc" (node a + the number b), "mulc"
(node a * the number b) and "tanh" (node a's tanh; b unused). Nodes are numbered leaves first.
Operands are reused, so one node often feeds several others and gradients must accumulate.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference. check.py runs the same recipe on torch tensors with `_evaluate` from
here, so both sides build the expression the same way."""

def _evaluate(leaves, ops, tanh):
    """The nodes of the recipe, leaves first, built with + and * and the given tanh."""
    nodes = list(leaves)
    for kind, a, b in ops:
        x = nodes[int(a)]
        if kind == "add":
            nodes.append(x + nodes[int(b)])
        elif kind == "mul":
            nodes.append(x * nodes[int(b)])
        elif kind == "addc":
            nodes.append(x + float(b))
        elif kind == "mulc":
            nodes.append(x * float(b))
        elif kind == "tanh":
            nodes.append(tanh(x))
        else:
            raise ValueError(f"unknown op {kind!r}")
    return nodes


def _number(value, what):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{what} should be a number; got {type(value).__name__}") from None


def drive(fn, leaves, ops):
    """fn is the learner's make_value (it returns a Value). Returns {"data": output value, "grads": leaf grads}."""
    inputs = [fn(float(x)) for x in leaves]
    nodes = _evaluate(inputs, ops, lambda v: v.tanh())
    out = nodes[-1]
    if not hasattr(out, "backward"):
        raise TypeError(f"Value + Value, Value * Value and tanh() should return a Value; got "
                        f"{type(out).__name__}")
    out.backward()
    data = _number(out.data, "the output's .data")
    grads = [_number(v.grad, f"leaf {i}'s .grad") for i, v in enumerate(inputs)]
    return {"data": data, "grads": grads}
