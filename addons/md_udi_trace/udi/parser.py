"""One entry point for every UDI a scanner or an integrator sends: ``parse(raw, today=None)``.

Accepted forms (FDA 21 CFR 830.20 issuing agencies GS1, HIBCC, ICCBBA):
- GS1 element strings with FNC1 sent as ASCII 29 (GS), optionally after an AIM symbology
  identifier (]d2 DataMatrix, ]C1 GS1-128, ]Q3 QR, ]e0 DataBar, ]J1 DotCode);
- GS1 human-readable form ``(01)...(17)...(10)...``;
- GS1 Digital Link URIs ``https://domain/01/{gtin14}/10/{lot}?17=YYMMDD`` (digital_link.py);
- HIBC LIC primary, secondary and concatenated data (``+...``), and a primary and a secondary
  symbol read back to back (hibcc.py);
- ISBT 128 data structures (``=/...``, ``=,...``, ``=>...``, ``=}...``).

Where ASCII 29 cannot be transmitted (XML-RPC: XML 1.0 has no such character; keyboard-wedge
scanners), one of SEPARATOR_SUBSTITUTES stands for it in GS1 element strings. Each is made of
characters outside GS1 CSET 82 except ``<GS>``, the documented substitute, which a real lot
number practically never contains.
"""

import datetime
import re
from dataclasses import dataclass, field

from . import gs1
from .digital_link import is_digital_link, split_digital_link
from .errors import UdiError
from .hibcc import parse_hibcc
from .isbt128 import is_isbt128, parse_isbt128

# How scanners and integrators write the FNC1/GS separator when ASCII 29 cannot pass.
SEPARATOR_SUBSTITUTES = (
    "<GS>",  # documented XML-RPC substitute; also what Cognex and Honeywell tools display
    "{GS}",
    "[GS]",
    "^]",  # caret notation of Ctrl+], the key a keyboard-wedge scanner sends for GS
    "\\x1d",  # typed escape sequences
    "\\u001d",
    "\u241d",  # the visible "symbol for group separator"
    "|",  # a common configured scanner substitute
)
_SUBSTITUTE = re.compile(
    "|".join(
        re.escape(sub) if sub == "<GS>" else "(?i:" + re.escape(sub) + ")" for sub in SEPARATOR_SUBSTITUTES
    )
)
GS1_SYMBOLOGIES = frozenset(["]d2", "]C1", "]Q3", "]e0", "]J1"])  # GenSpecs figure 5.1.2-2
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# Production identifiers (21 CFR 801.3 "production identifier"; EU MDR Annex VI Part C: software
# version) that make a symbol without a GTIN a valid "PI only" scan of a split label.
_GS1_UDI_PI = ("10", "11", "17", "21", "7003", "8012")
# Other dates of the item (Syntax Dictionary: date linters, "req=01,..."): best before (15), pack
# date (13), sell by (16)... A split label's second symbol may carry them too; they are returned in
# ``extra["dates"]`` (ISO dates), never as the expiry date.
_GS1_ITEM_DATES = ("13", "15", "16", "7006", "7007", "7011", "8008")
_GS1_MAPPED = frozenset(["01", "03", "10", "11", "17", "21", "30"])


@dataclass(frozen=True)
class UdiResult:
    """A parsed UDI. Dates are datetime.date; pi_only means no DI in this symbol (split labels)."""

    issuer: str
    di: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: datetime.date | None = None
    production_date: datetime.date | None = None
    quantity: int | None = None
    extra: dict = field(default_factory=dict)
    symbology: str | None = None
    pi_only: bool = False


def parse(raw, today=None, permit_zero_suppressed_gtin=True):
    """Parse one scanned or typed UDI; raise UdiError (a ValueError) naming what is wrong and where.

    ``permit_zero_suppressed_gtin``: accept a GTIN-8/12/13 in a Digital Link URI (legacy URIs; see
    digital_link.py for the policy); False refuses them as the Digital Link URI Syntax does.
    """
    if not isinstance(raw, str):
        raise UdiError(f"a UDI must be text, got {type(raw).__name__}")
    today = today or datetime.date.today()
    text = raw.strip("\t\r\n").lstrip(" ")
    symbology = None
    if text.startswith("]"):
        if not _AIM.match(text):
            raise UdiError(f"{text[:3]!r} is not a complete AIM symbology identifier")
        symbology, text = text[:3], text[3:]
    if not text.startswith("+"):
        # A trailing space is kept for HIBC only: there it can be the check character (value 38).
        text = text.rstrip(" \t\r\n")
    if not text:
        raise UdiError("the UDI is empty")
    if symbology in GS1_SYMBOLOGIES:
        return _gs1_result(gs1.split_raw(_with_gs(text)), today, symbology)
    if is_digital_link(text):
        elements, notes = split_digital_link(text, permit_zero_suppressed_gtin)
        return _gs1_result(elements, today, symbology, digital_link=notes)
    if text.startswith("+"):
        return _agency_result("hibcc", parse_hibcc(text, today), symbology)
    if is_isbt128(text):
        return _agency_result("iccbba", parse_isbt128(text), symbology)
    if text.startswith("("):
        return _gs1_result(gs1.split_hri(text), today, symbology)
    if text[0].isdigit() or text[0] == gs1.GS or _SUBSTITUTE.match(text):
        if symbology:
            raise UdiError(f"symbology identifier {symbology} marks data that is not GS1 element strings")
        return _gs1_result(gs1.split_raw(_with_gs(text)), today, symbology)
    raise UdiError(f"not a GS1, HIBC or ISBT 128 UDI: it starts with {text[:1]!r}")


def _with_gs(text):
    return _SUBSTITUTE.sub(gs1.GS, text)


def _gs1_result(elements, today, symbology, digital_link=None):
    values = gs1.check_elements(elements, today)
    keys = [ai for ai in values if ai in gs1.PRIMARY_KEYS]
    pi_only = not keys
    gs1.check_requirements(values, deferred=("01",) if pi_only else ())
    device_identifiers = [ai for ai in gs1.DEVICE_IDENTIFIERS if ai in values]
    if keys and not device_identifiers:
        raise UdiError(
            f"AI ({keys[0]}) is not a device identifier: a GS1 UDI-DI is a GTIN in AI (01) "
            "or a made-to-order GTIN in AI (03)"
        )
    if pi_only and not any(ai in values for ai in (*_GS1_UDI_PI, *_GS1_ITEM_DATES)):
        raise UdiError(
            "no GTIN in AI (01) and no production identifier (10, 11, 17, 21, 7003 or 8012) "
            "or date of the item (13, 15, 16...)"
        )
    expiry_ai = next((ai for ai in ("17", "7003") if ai in values), None)
    extra = {ai: value for ai, value in values.items() if ai not in _GS1_MAPPED}
    dates = {
        ai: gs1.parse_ai_date(ai, value, today).isoformat()
        for ai, value in values.items()
        if ai in gs1.DATE_AIS and ai not in ("11", expiry_ai)
    }
    if dates:
        extra["dates"] = dates
    if "03" in values:
        extra["made_to_order_gtin"] = True
    if digital_link is not None:
        extra["digital_link"] = True
        extra.update(digital_link)
    return UdiResult(
        issuer="gs1",
        di=values.get("01") or values.get("03"),
        lot=values.get("10"),
        serial=values.get("21"),
        expiry=gs1.parse_ai_date(expiry_ai, values[expiry_ai], today) if expiry_ai else None,
        production_date=gs1.parse_ai_date("11", values["11"], today) if "11" in values else None,
        quantity=int(values["30"]) if "30" in values else None,
        extra=extra,
        symbology=symbology,
        pi_only=pi_only,
    )


def _agency_result(issuer, data, symbology):
    return UdiResult(
        issuer=issuer,
        di=data.di,
        lot=data.lot,
        serial=data.serial,
        expiry=data.expiry,
        production_date=data.production_date,
        quantity=getattr(data, "quantity", None),
        extra=data.extra,
        symbology=symbology,
        pi_only=data.di is None,
    )
