"""Kaiming (He) normal initialization: the standard deviation torch.nn.init.kaiming_normal_ uses.

Run `dltutor check kaiming_normal_std` (or press ctrl+r in the tutor) to test your code.
"""

import math


def kaiming_normal_std(fan_in: int, fan_out: int, nonlinearity: str = "relu",
                       mode: str = "fan_in", a: float = 0.0) -> float:
    """Return std = gain(nonlinearity, a) / √fan, where fan = fan_in or fan_out (by mode).

    Gains: linear, conv1d, conv2d, conv3d, conv_transpose1d/2d/3d, sigmoid → 1;  tanh → 5/3;
           relu → √2;  leaky_relu → √(2 / (1 + a²));  selu → 3/4.
    Raise ValueError for any other nonlinearity, or a mode other than "fan_in" / "fan_out".
    Returns a Python float.
    """
    # TODO: look up the gain, pick the fan, divide.
    raise NotImplementedError("kaiming_normal_std is not implemented yet")
