"""The grading engine: sandboxed execution of learner code, checked against PyTorch references.

Never imports textual. Importing this package does not import torch either: the worker process
(`tutor.grading.worker`) does, and clients talk to it through `tutor.grading.client.Grader`.
"""
