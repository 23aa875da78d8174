def relu_backward(dout, x):
    hog = [0] * (10**10)  # a memory bomb: 80 GB of list
    return hog
