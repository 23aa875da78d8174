"""A tiny autograd engine: a scalar Value that remembers how it was computed, so that
backward() can fill in d(output)/d(every input) by the chain rule.

Run `dltutor check value_autograd` (or press ctrl+r in the tutor) to test your code.
"""

import math  # noqa: F401 - for math.tanh in tanh()


class Value:
    """One number in an expression graph.

    data: the number.  grad: d(final output)/d(this number), 0.0 until backward() runs.
    """

    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)  # the Values this one was computed from
        self._backward = lambda: None  # adds this node's share to its children's grads

    def __add__(self, other):
        """self + other, where other is a Value or a plain number.

        Local derivatives: d(a + b)/da = 1, d(a + b)/db = 1.
        """
        # TODO: wrap a plain number in a Value, build out = Value(..., (self, other)), and give
        # it an out._backward that adds out.grad times each local derivative to the inputs.
        raise NotImplementedError("Value.__add__ is not implemented yet")

    def __mul__(self, other):
        """self * other, where other is a Value or a plain number.

        Local derivatives: d(a·b)/da = b, d(a·b)/db = a.
        """
        # TODO
        raise NotImplementedError("Value.__mul__ is not implemented yet")

    def tanh(self):
        """tanh(self). Local derivative: 1 − tanh(x)², written with the output t = tanh(x)."""
        # TODO: use math.tanh for the value.
        raise NotImplementedError("Value.tanh is not implemented yet")

    def backward(self):
        """Fill in .grad of every Value this one depends on (this one's own grad is 1).

        Visit the nodes so that a node passes its grad on only after every node that uses it
        has added its share: a topological order, walked from the output back.
        """
        # TODO
        raise NotImplementedError("Value.backward is not implemented yet")


def make_value(data):
    """How the checker makes its input Values: leave this as it is."""
    return Value(data)
