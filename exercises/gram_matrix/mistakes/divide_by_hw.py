def gram_matrix(features):
    C, H, W = features.shape
    F = features.reshape(C, H * W)
    return F @ F.T / (H * W)
