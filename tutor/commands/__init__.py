"""Subcommands of `dltutor`: one module each, registered in `tutor.cli`."""
