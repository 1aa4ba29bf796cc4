"""GS1 Digital Link URIs: ``https://{domain}/{stem}/01/{gtin14}[/22/x][/10/lot][/21/serial]?17=YYMMDD``.

Rules, as GS1's reference parser gs1/gs1-syntax-engine (src/c-lib/dl.c, gs1_parseDLuri) applies them
with the GS1 Barcode Syntax Dictionary (gs1_syntax.py):

- the primary key is the rightmost path AI that the Dictionary marks "dlpkey"; the path elements
  after it are its key qualifiers, in one of its "dlpkey=..." sequences (alternatives not mixed);
- a query parameter whose name is all digits must be a GS1 AI the Dictionary marks "?" (permitted
  as a data attribute), else the URI is refused; other parameters (linkType, utm_...) are ignored;
- a query AI that would form a valid key-qualifier sequence if inserted into the path "should be in
  the path info" and is refused: ``/01/{gtin}?10=LOT`` is refused, but ``/01/{gtin}/235/TPX?10=LOT``
  is valid, since 235 and 10 belong to different qualifier sequences of AI (01) (dl.c test cases);
- an AI must not appear twice (path or query);
- percent-encoding is reversed; "+" means a space in the query (URI/CGI rules), not in the path.

Zero-suppressed GTINs. The GS1 Digital Link URI Syntax ABNF states ``gtin-value = 14DIGIT`` with
the comment "GTIN-8, GTIN-12 and GTIN-13 SHALL be expressed as 14 digits, with leading zeroes
serving as filler digits" (DL URI Syntax 1.2 grammar, as transcribed in evrythng/digital-link.js
grammar/GS1_Digital_Link_Grammar_1_4.abnf). gs1-syntax-engine refuses a shorter GTIN by default and
offers "permitZeroSuppressedGTINinDLuris" (default false) to pad legacy URIs to GTIN-14, because
"GTIN-{8,12,13} use is now deprecated by the GS1 Digital Link standard" (its CHANGES file).
Policy here: labels printed with such legacy URIs are still read (a scanner cannot reprint them),
so by default a GTIN-8/12/13 with a correct check digit in AI (01), in the path or the query, is
padded to GTIN-14 exactly as that option does, and the result says so in
``extra["zero_suppressed_gtin"]`` (the GTIN as written) for whoever checks label conformance;
``parse(..., permit_zero_suppressed_gtin=False)`` refuses it instead.
"""

from urllib.parse import unquote, urlsplit

from . import gs1_syntax
from .errors import UdiError
from .gs1 import Element, lookup_ai

_ZERO_SUPPRESSED_LENGTHS = (8, 12, 13)


def is_digital_link(text):
    """True if ``text`` looks like an http(s) URI (a Digital Link candidate)."""
    return text[:8].lower().startswith(("http://", "https://"))


def split_digital_link(uri, permit_zero_suppressed_gtin=True):
    """Return (Elements, notes) of a GS1 Digital Link URI: primary key, path qualifiers, query AIs.

    ``notes`` is a dict for the result's extra (e.g. the zero-suppressed GTIN as written).
    """
    try:
        parts = urlsplit(uri)
    except ValueError as error:  # e.g. an unclosed IPv6 address in the domain
        raise UdiError(f"{uri!r} is not a valid URI: {error}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UdiError(f"{uri!r} is not an http(s) URI with a domain")
    notes = {}
    segments = parts.path.split("/")[1:]
    key_index = _primary_key_index(segments)
    path = [unquote(segment) for segment in segments[key_index:]]
    elements = [
        Element(path[index], _gtin14(path[index], path[index + 1], permit_zero_suppressed_gtin, notes))
        for index in range(0, len(path), 2)
    ]
    path_ais = [element.ai for element in elements]
    _check_qualifier_order(path_ais)
    seen = set(path_ais)
    for key, value in _query_pairs(parts.query):
        if not key.isascii() or not key.isdigit():
            continue  # non-AI parameters (linkType, campaign tags...) are ignored
        lookup_ai(key)
        if not gs1_syntax.rules(key).dl_attribute:
            raise UdiError(f"AI ({key}) is not permitted as a Digital Link data attribute (query)")
        if _belongs_in_path(path_ais, key):
            raise UdiError(f"AI ({key}) must be in the Digital Link path, not in the query")
        if key in seen:
            raise UdiError(f"AI ({key}) appears twice in the Digital Link URI")
        seen.add(key)
        elements.append(Element(key, _gtin14(key, value, permit_zero_suppressed_gtin, notes)))
    return elements, notes


def _gtin14(ai, value, permit, notes):
    """The GTIN of AI (01) padded to 14 digits if it was zero suppressed (see the module policy)."""
    if ai != "01" or len(value) == 14 or len(value) not in _ZERO_SUPPRESSED_LENGTHS or not value.isdigit():
        return value
    if not permit:
        raise UdiError(
            f"GTIN {value!r} in the Digital Link URI must have 14 digits (GS1 Digital Link URI Syntax: "
            "GTIN-8, GTIN-12 and GTIN-13 are written with leading zeros)"
        )
    notes["zero_suppressed_gtin"] = value
    return value.zfill(14)


def _primary_key_index(segments):
    """Index of the primary key in the path: the rightmost Digital Link primary key AI followed
    by AI/value pairs only. Everything before it is the stem, which may contain anything."""
    for index in range(len(segments) - 2, -1, -1):
        key = segments[index]
        if key not in gs1_syntax.DL_KEYS or (len(segments) - index) % 2:
            continue
        if all(_is_ai(segments[pair]) for pair in range(index + 2, len(segments), 2)):
            return index
    raise UdiError("no GS1 primary key (such as /01/ followed by a GTIN) found in the Digital Link path")


def _is_ai(text):
    return text.isascii() and text.isdigit() and not gs1_syntax.rules(text).unknown


def _valid_sequence(path_ais):
    """True if ``path_ais`` (primary key then qualifiers) follows one of the key's sequences in order."""
    key, qualifiers = path_ais[0], path_ais[1:]
    for sequence in gs1_syntax.DL_KEYS.get(key, ()):
        positions = [sequence.index(ai) if ai in sequence else -1 for ai in qualifiers]
        if -1 not in positions and positions == sorted(set(positions)):
            return True
    return False


def _check_qualifier_order(path_ais):
    if _valid_sequence(path_ais):
        return
    key = path_ais[0]
    orders = " or ".join("/".join(sequence) for sequence in gs1_syntax.DL_KEYS[key] if sequence) or "none"
    given = "/".join(path_ais[1:])
    raise UdiError(f"Digital Link qualifiers {given} after ({key}) must follow the order {orders}, each once")


def _belongs_in_path(path_ais, ai):
    """dl.c: a query AI that, inserted at any position after the key, gives a valid sequence."""
    return any(
        _valid_sequence([*path_ais[:index], ai, *path_ais[index:]]) for index in range(1, len(path_ais) + 1)
    )


def _query_pairs(query):
    """Query parameters, percent-decoded; "+" is a space (a plus sign is written %2B).

    A parameter without "=" is skipped, as dl.c does ("Discard parameters with no value").
    """
    for pair in query.split("&"):
        key, sep, value = pair.partition("=")
        if not sep:
            continue
        yield unquote(key.replace("+", " ")), unquote(value.replace("+", " "))
