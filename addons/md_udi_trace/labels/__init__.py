"""UDI label content and barcode symbols, without any Odoo import.

gs1: element string, HRI, Digital Link URI; hibc: HIBC LIC primary/secondary/concatenated
data; symbols: the barcodes themselves, drawn as SVG by zint (GS1 DataMatrix with FNC1 first,
GS1-128, plain DataMatrix and Code 128 for HIBC, QR for Digital Link).
"""

from .errors import LabelError
from .gs1 import GS, Gs1LabelData, digital_link_uri, normalise_resolver
from .hibc import HibcLabelData
from .symbols import Symbol, render_gs1, render_text

__all__ = [
    "GS",
    "Gs1LabelData",
    "HibcLabelData",
    "LabelError",
    "Symbol",
    "digital_link_uri",
    "normalise_resolver",
    "render_gs1",
    "render_text",
]
