def gram_matrix(features):
    C, H, W = features.shape
    F = features.reshape(H * W, C).T
    return F @ F.T / (C * H * W)
