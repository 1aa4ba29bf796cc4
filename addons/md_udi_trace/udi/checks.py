"""Check characters of the UDI issuing agencies, usable without parsing a whole UDI."""

from .errors import UdiError

GTIN_LENGTHS = (8, 12, 13, 14)

# ANSI/HIBC 2.6 modulus 43 character values: 0-9, A-Z, then - . space $ / + %
HIBCC_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"


def gtin_check_digit(digits):
    """Return the GS1 mod-10 check digit of ``digits`` (the data without its check digit).

    GenSpecs 7.9.1: weights 3, 1, 3, 1... from the rightmost data digit.
    Works for any GS1 key length (GTIN-8/12/13/14 -> 7/11/12/13 digits, SSCC...).
    """
    if not digits or not digits.isascii() or not digits.isdigit():
        raise UdiError(f"{digits!r} is not a string of digits")
    total = sum(int(char) * (3 if index % 2 == 0 else 1) for index, char in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def is_valid_gtin(value):
    """True if ``value`` is a GTIN-8, -12, -13 or -14 with a correct check digit."""
    if not isinstance(value, str) or len(value) not in GTIN_LENGTHS:
        return False
    if not value.isascii() or not value.isdigit():
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def normalize_gtin(value):
    """Return ``value`` as a GTIN-14 (zero padded, GenSpecs 7.9.1); UdiError if it is not a valid GTIN."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) not in GTIN_LENGTHS:
        raise UdiError(f"GTIN {value!r} must be 8, 12, 13 or 14 digits")
    expected = gtin_check_digit(value[:-1])
    if expected != int(value[-1]):
        raise UdiError(f"GTIN {value}: check digit should be {expected}")
    return value.zfill(14)


def hibcc_check_character(data):
    """Return the HIBC modulus 43 check character of ``data`` (ANSI/HIBC 2.6).

    ``data`` is everything the check character covers, including the leading '+'.
    Lowercase letters are not part of the HIBC character set.
    """
    total = 0
    for position, char in enumerate(data, start=1):
        value = HIBCC_CHARSET.find(char)
        if value < 0:
            raise UdiError(f"HIBC character {char!r} at position {position} is not allowed")
        total += value
    return HIBCC_CHARSET[total % 43]
