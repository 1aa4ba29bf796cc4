"""UDI parsing for GS1, HIBCC and ICCBBA (ISBT 128), without any Odoo import.

The repository's pure-Python tests import it as ``udi`` with ``addons/md_udi_trace`` on sys.path.
"""

from .checks import gtin_check_digit, hibcc_check_character, is_valid_gtin, normalize_gtin
from .errors import UdiError
from .gs1 import gmn_check_characters
from .parser import SEPARATOR_SUBSTITUTES, UdiResult, parse

__all__ = [
    "SEPARATOR_SUBSTITUTES",
    "UdiError",
    "UdiResult",
    "gmn_check_characters",
    "gtin_check_digit",
    "hibcc_check_character",
    "is_valid_gtin",
    "normalize_gtin",
    "parse",
]
