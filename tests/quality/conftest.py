"""Make the pure-Python ISO 2859-1 package importable as ``sampling`` (it has no Odoo import)."""

import pathlib
import sys

ADDON = pathlib.Path(__file__).resolve().parents[2] / "addons" / "md_quality"
if str(ADDON) not in sys.path:
    sys.path.insert(0, str(ADDON))
