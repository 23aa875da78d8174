"""dltutor: learn deep learning in a terminal.

The package is layered (top imports bottom, never the reverse):

    cli / commands   argument parsing, one module per command
    app              the Textual UI (never imports torch)
    training         experiments and the training loop (a subprocess emitting JSON events)
    grading          the sandboxed, PyTorch-checked grading engine (never imports textual)
    progress         the learner's record (SQLite, WAL)
    course           content model and loaders for lessons/, exercises/, solutions/
"""

__version__ = "0.1.1"
