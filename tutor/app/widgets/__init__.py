"""Reusable widgets of the app, one idea per module."""
