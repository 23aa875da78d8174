raise RuntimeError("this check.py is broken on purpose")
