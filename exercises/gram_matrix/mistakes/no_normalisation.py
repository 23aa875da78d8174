def gram_matrix(features):
    F = features.reshape(features.shape[0], -1)
    return F @ F.T
