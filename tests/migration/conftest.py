"""Make the pure-Python migration workbook package of md_base importable as ``migration``."""

import pathlib
import sys

ADDON = pathlib.Path(__file__).resolve().parents[2] / "addons" / "md_base"
if str(ADDON) not in sys.path:
    sys.path.insert(0, str(ADDON))
