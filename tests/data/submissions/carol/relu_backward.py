def relu_backward(dout, x):
    while True:  # an infinite loop
        pass
