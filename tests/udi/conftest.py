"""Make the pure-Python UDI package importable as ``udi`` (it has no Odoo import)."""

import pathlib
import sys

ADDON = pathlib.Path(__file__).resolve().parents[2] / "addons" / "md_udi_trace"
if str(ADDON) not in sys.path:
    sys.path.insert(0, str(ADDON))
