def scale_add(x, a, b):
    # an exception whose message carries control characters and fake markup
    raise ValueError("\x00\x07[bold green]PASSED[/] \x1b[2J\ud800 all good")
