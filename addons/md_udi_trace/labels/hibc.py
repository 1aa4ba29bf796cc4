"""HIBC LIC label data (ANSI/HIBC 2.6).

The DI is stored as LIC + PCN + unit of measure (no '+', no check character). The secondary
data uses ``$$3YYMMDD`` for an expiry date, ``$``/``$+`` without one, ``/S`` for a serial
number next to a lot and ``/16D`` for the manufacturing date. No FNC1 is ever used.
"""

import datetime
import re
from dataclasses import dataclass

from ..udi import hibcc_check_character
from .errors import LabelError

_PRIMARY = re.compile(r"[A-Z][A-Z0-9]{3}[A-Z0-9]{1,18}[0-9]")
# Lot and serial numbers: up to 18 HIBC characters other than the structure characters $ / + %.
_LOT = re.compile(r"[A-Z0-9\-. ]{1,18}")


@dataclass(frozen=True)
class HibcLabelData:
    """The UDI an HIBC label carries."""

    di: str
    expiry: datetime.date | None = None
    production_date: datetime.date | None = None
    lot: str | None = None
    serial: str | None = None

    def __post_init__(self):
        if not _PRIMARY.fullmatch(self.di or ""):
            raise LabelError(
                f"HIBC UDI-DI {self.di!r} must be a labeler code (4, first a letter), "
                "a product number (1-18) and a unit-of-measure digit"
            )
        for what, value in (("lot number", self.lot), ("serial number", self.serial)):
            if value is not None and not _LOT.fullmatch(value):
                raise LabelError(
                    f"HIBC {what} {value!r} must be 1 to 18 upper-case letters, digits, '-', '.' or spaces"
                )
        if (self.expiry or self.production_date) and not (self.lot or self.serial):
            raise LabelError("HIBC secondary data with a date also needs a lot or serial number")

    def has_secondary(self):
        return bool(self.lot or self.serial)

    def primary(self):
        """``+`` LIC PCN U/M and its mod 43 check character."""
        data = "+" + self.di
        return data + hibcc_check_character(data)

    def _secondary_body(self):
        """Secondary data without its leading '+', link and check characters."""
        date = f"3{self.expiry:%y%m%d}" if self.expiry else ""
        if self.lot:
            line = f"$${date}{self.lot}" if date else f"${self.lot}"
            supplements = [f"S{self.serial}"] if self.serial else []
        else:
            line = f"$$+{date}{self.serial}" if date else f"$+{self.serial}"
            supplements = []
        if self.production_date:
            supplements.append(f"16D{self.production_date:%Y%m%d}")
        return "/".join([line, *supplements])

    def secondary(self):
        """``+`` secondary data, the link character (= the primary's check character), its check character."""
        data = "+" + self._secondary_body() + self.primary()[-1]
        return data + hibcc_check_character(data)

    def concatenated(self):
        """Primary without its check character, '/', secondary without '+' or link, one check character."""
        if not self.has_secondary():
            return self.primary()
        data = f"+{self.di}/{self._secondary_body()}"
        return data + hibcc_check_character(data)
