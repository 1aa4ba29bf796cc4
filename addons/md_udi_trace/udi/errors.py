"""Errors raised by the UDI parser."""


class UdiError(ValueError):
    """An input that is not a valid UDI; the message says what is wrong and where."""
