"""Errors raised while building label data."""


class LabelError(ValueError):
    """Label data that cannot be printed; the message says what is wrong."""
