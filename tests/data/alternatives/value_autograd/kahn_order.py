"""Correct alternative: subclass-free Value with the op stored as a string, and backward() in
Kahn's order (a node runs once every user has run), iteratively, without recursion."""

import math


class Value:
    def __init__(self, data, prev=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = prev
        self._op = op

    def __add__(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        return Value(self.data + other.data, (self, other), "+")

    __radd__ = __add__

    def __mul__(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        return Value(self.data * other.data, (self, other), "*")

    __rmul__ = __mul__

    def tanh(self):
        return Value(math.tanh(self.data), (self,), "tanh")

    def _push(self):
        if self._op == "+":
            for p in self._prev:
                p.grad += self.grad
        elif self._op == "*":
            a, b = self._prev
            a.grad += b.data * self.grad
            b.grad += a.data * self.grad
        elif self._op == "tanh":
            self._prev[0].grad += (1.0 - self.data * self.data) * self.grad

    def backward(self):
        users = {}
        stack, seen = [self], {id(self)}
        while stack:
            v = stack.pop()
            for p in v._prev:
                users[id(p)] = users.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        self.grad = 1.0
        ready = [self]
        while ready:
            v = ready.pop()
            v._push()
            for p in v._prev:
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)


def make_value(data):
    return Value(data)
