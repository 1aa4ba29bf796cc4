"""Barcode symbols drawn by zint (zint-bindings) as SVG, sized in millimetres for the label.

zint encodes GS1 data with FNC1 in first position and FNC1 separators only where the AIs
need them, checks the AIs itself (check digits, dates, CSET 82), and draws a symbol in about
0.1 ms, which keeps a run of hundreds of labels fast (README, "Labels").
"""

import base64
import re
from dataclasses import dataclass

import zint

from .errors import LabelError

# symbology -> (zint symbology, X-dimension in mm, GS1 mode). X-dimensions stay within the
# GS1 healthcare symbol specification ranges (GenSpecs 5.12.3: 2D symbols need about 1.5 times
# the linear X-dimension); the linear ones are reduced to fit the label width, see render_*.
_KINDS = {
    "gs1_datamatrix": (zint.Symbology.DATAMATRIX, 0.40, True),
    "gs1_128": (zint.Symbology.GS1_128, 0.33, True),
    "hibc_datamatrix": (zint.Symbology.DATAMATRIX, 0.40, False),
    "hibc_128": (zint.Symbology.CODE128, 0.33, False),
    "qr": (zint.Symbology.QRCODE, 0.40, False),
}
LINEAR_HEIGHT_MM = 12.0
MIN_LINEAR_X_MM = 0.25  # below it label printers and scanners stop being reliable
_SVG_SIZE = re.compile(rb'<svg width="([0-9.]+)" height="([0-9.]+)"')


@dataclass(frozen=True)
class Symbol:
    """One drawn symbol: the SVG and its printed size, with quiet zones included."""

    kind: str
    svg: bytes
    width_mm: float
    height_mm: float

    def data_uri(self):
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode()

    def img_style(self):
        return f"width:{self.width_mm:.2f}mm;height:{self.height_mm:.2f}mm"


def render_gs1(kind, data, max_width_mm):
    """The GS1 DataMatrix or GS1-128 symbols of a Gs1LabelData, as a list.

    A GS1-128 too long for the label is split in two, the DI with the dates and then lot and
    serial, as GS1 healthcare labels do; scanners join them (the parser reads "PI only" symbols).
    """
    if kind == "gs1_datamatrix":
        return [_render(kind, data.zint_input(), max_width_mm)]
    if kind != "gs1_128":
        raise LabelError(f"{kind!r} is not a GS1 symbology")
    try:
        return [_render(kind, data.zint_input(), max_width_mm)]
    except LabelError:
        pairs = data.elements()
        split = [pairs[: data.predefined_length_count()], pairs[data.predefined_length_count() :]]
        if not split[1]:
            raise
        return [_render(kind, data.zint_input(part), max_width_mm) for part in split]


def render_text(kind, text, max_width_mm):
    """A symbol of plain data (no FNC1): HIBC DataMatrix / Code 128, Digital Link QR."""
    if kind not in ("hibc_datamatrix", "hibc_128", "qr"):
        raise LabelError(f"{kind!r} is not a plain-data symbology")
    return _render(kind, text, max_width_mm)


def _render(kind, data, max_width_mm):
    symbology, x_dim, gs1 = _KINDS[kind]
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.input_mode = zint.InputMode.GS1 if gs1 else zint.InputMode.DATA
    symbol.warn_level = zint.WarningLevel.FAIL_ALL  # a GS1 syntax warning is an error on a UDI label
    symbol.output_options = zint.OutputOptions.BARCODE_MEMORY_FILE | zint.OutputOptions.BARCODE_QUIET_ZONES
    symbol.outfile = "symbol.svg"
    symbol.show_text = False  # the label prints its own HRI, the same for every symbology
    symbol.scale = 0.5  # one SVG unit per module
    if symbology == zint.Symbology.DATAMATRIX:
        symbol.option_3 = int(zint.DataMatrixOptions.SQUARE)
    linear = symbology in (zint.Symbology.GS1_128, zint.Symbology.CODE128)
    try:
        symbol.encode(data)
        if linear:
            x_dim = _linear_x_dim(symbol, x_dim, max_width_mm, data)
            symbol.height = LINEAR_HEIGHT_MM / x_dim
            symbol.encode(data)
        symbol.print()
    except RuntimeError as error:
        raise LabelError(f"{kind} cannot encode {data!r}: {error}") from None
    svg = bytes(symbol.memfile)
    width, height = (float(value) for value in _SVG_SIZE.search(svg).groups())
    return Symbol(kind, svg, width * x_dim, height * x_dim)


def _linear_x_dim(symbol, x_dim, max_width_mm, data):
    """The X-dimension that fits the label, quiet zones (10X each side) included."""
    modules = symbol.width + 20
    fitting = min(x_dim, max_width_mm / modules)
    if fitting < MIN_LINEAR_X_MM:
        raise LabelError(
            f"{data!r} needs {modules * MIN_LINEAR_X_MM:.1f} mm as a linear barcode, more than the "
            f"{max_width_mm:.1f} mm of the label: print a DataMatrix instead"
        )
    return fitting
