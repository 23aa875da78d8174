"""Xavier (Glorot) uniform initialization: the bound of U(−a, a).

Run `dltutor check xavier_uniform_bound` (or press ctrl+r in the tutor) to test your code.
"""

import math


def xavier_uniform_bound(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """Return a such that torch.nn.init.xavier_uniform_ samples weights from U(−a, a):

        std = gain · √(2 / (fan_in + fan_out))        the target standard deviation
        a   = √3 · std                                U(−a, a) has standard deviation a/√3

    fan_in, fan_out: positive ints.  gain: a positive float.  Returns a Python float.
    """
    # TODO: the target std from both fans and the gain, then the bound of a uniform with that std.
    raise NotImplementedError("xavier_uniform_bound is not implemented yet")
