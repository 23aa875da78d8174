def input_normalize(train, x, eps=1e-5):
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    return (x - mean) / (std + eps)
