"""GS1 UDI label data (GS1 General Specifications: Application Identifiers and human readable
interpretation; UDI on the label: 21 CFR 801.20, EU MDR Annex VI Part C).

One ordered list of (AI, value) pairs gives every printed form: the element string a
scanner transmits, the HRI under the symbol, the bracketed input zint encodes and the
GS1 Digital Link URI.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..udi import UdiError, normalize_gtin
from .errors import LabelError

GS = "\x1d"
# AIs with a predefined length (GS1 syntax dictionary '*' flag): the next AI may follow
# directly. Every other AI is ended by FNC1 (GS) unless it is the last one.
PREDEFINED_LENGTH = {"01": 14, "11": 6, "17": 6}
# GS1 CSET 82 (GenSpecs figure 7.11-1): the characters AIs (10) and (21) may hold, 1 to 20 of them.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")


def yymmdd(date):
    """GS1 date field; the real day is printed, never DD=00 (GSCN 21-040 for regulated healthcare)."""
    return date.strftime("%y%m%d")


@dataclass(frozen=True)
class Gs1LabelData:
    """The UDI a GS1 label carries: DI (GTIN) and the production identifiers printed."""

    gtin: str
    expiry: datetime.date | None = None
    production_date: datetime.date | None = None
    lot: str | None = None
    serial: str | None = None

    def __post_init__(self):
        try:
            object.__setattr__(self, "gtin", normalize_gtin(self.gtin))
        except UdiError as error:
            raise LabelError(str(error)) from None
        for what, value in (("lot number (10)", self.lot), ("serial number (21)", self.serial)):
            if value is not None and not _CSET82.fullmatch(value):
                raise LabelError(
                    f"GS1 {what} {value!r} must be 1 to 20 characters of GS1 CSET 82 "
                    "(letters, digits and !\"%&'()*+,-./:;<=>?_ ; no spaces)"
                )

    def elements(self):
        """(AI, value) pairs: the predefined-length AIs first, so that only (10) needs a GS before (21)."""
        pairs = [("01", self.gtin)]
        if self.production_date:
            pairs.append(("11", yymmdd(self.production_date)))
        if self.expiry:
            pairs.append(("17", yymmdd(self.expiry)))
        if self.lot:
            pairs.append(("10", self.lot))
        if self.serial:
            pairs.append(("21", self.serial))
        return pairs

    def predefined_length_count(self):
        """How many of elements() have a predefined length (they come first)."""
        return sum(1 for ai, _value in self.elements() if ai in PREDEFINED_LENGTH)

    def element_string(self):
        """What a scanner transmits after the symbology identifier.

        GS after each variable-length AI except the last one; never after a predefined-length AI.
        """
        pairs = self.elements()
        parts = []
        for index, (ai, value) in enumerate(pairs):
            parts.append(ai + value)
            if ai not in PREDEFINED_LENGTH and index < len(pairs) - 1:
                parts.append(GS)
        return "".join(parts)

    def hri(self, pairs=None):
        """Human readable interpretation: AIs in parentheses, FNC1 not shown (GenSpecs 4.15)."""
        return "".join(f"({ai}){value}" for ai, value in (pairs or self.elements()))

    def zint_input(self, pairs=None):
        """zint's GS1 input: AIs in square brackets (CSET 82 has no square brackets, so it is unambiguous)."""
        return "".join(f"[{ai}]{value}" for ai, value in (pairs or self.elements()))


def normalise_resolver(url):
    """Return the Digital Link resolver base URL without its trailing '/', or raise LabelError.

    Any https domain may serve Digital Link, optionally with a path stem (GS1 Digital Link URI Syntax).
    """
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise LabelError(
            f"Digital Link resolver {url!r} must be an https:// address with a domain, "
            "optionally a path, and no query or fragment"
        )
    return url


def digital_link_uri(resolver, data):
    """``{resolver}/01/{gtin14}[/10/{lot}][/21/{serial}][?11=YYMMDD&17=YYMMDD]``.

    Key qualifiers go in the path in the order 22 -> 10 -> 21, dates in the query; values are
    percent-encoded (reserved characters such as '/', '?', '&', '%').
    """
    path = f"/01/{data.gtin}"
    for ai, value in (("10", data.lot), ("21", data.serial)):
        if value:
            path += f"/{ai}/{quote(value, safe='')}"
    query = "&".join(f"{ai}={value}" for ai, value in data.elements() if ai in ("11", "17"))
    return normalise_resolver(resolver) + path + (f"?{query}" if query else "")
