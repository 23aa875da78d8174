def conv_output_size(w, f, p=0, s=1):
    return (w - f + 2 * p) // s + 1
