"""GS1 Digital Link URIs: ``https://{domain}/{stem}/01/{gtin14}[/22/x][/10/lot][/21/serial]?17=YYMMDD``.

biip's Digital Link parser keeps the last value of a repeated query AI, accepts key
qualifiers in the query and zero-suppressed GTINs, and decodes ``+`` as a space; the GS1
rules (GS1 Digital Link URI Syntax, gs1-syntax-engine dl.c; regulatory.md section 1) are
stricter, so the URI is split here and each element is checked by gs1.check_element.
"""

from urllib.parse import unquote, urlsplit

from .errors import UdiError
from .gs1 import Element, lookup_ai

# Primary keys usable in a Digital Link path and their ordered qualifier sequences (alternatives).
_QUALIFIERS = {
    "00": [()],
    "01": [("22", "10", "21"), ("235",)],
    "253": [()],
    "255": [()],
    "401": [()],
    "402": [()],
    "414": [("254",), ("7040",)],
    "415": [("8020",)],
    "417": [("7040",)],
    "8003": [()],
    "8004": [("7040",)],
    "8006": [("22", "10", "21")],
    "8010": [("8011",)],
    "8013": [()],
    "8017": [("8019",)],
    "8018": [("8019",)],
}
_PATH_ONLY = frozenset(
    ai for alternatives in _QUALIFIERS.values() for seq in alternatives for ai in seq
) | set(_QUALIFIERS)


def is_digital_link(text):
    """True if ``text`` looks like an http(s) URI (a Digital Link candidate)."""
    return text[:8].lower().startswith(("http://", "https://"))


def split_digital_link(uri):
    """Return the Elements of a GS1 Digital Link URI: primary key, path qualifiers, then query AIs."""
    try:
        parts = urlsplit(uri)
    except ValueError as error:  # e.g. an unclosed IPv6 address in the domain
        raise UdiError(f"{uri!r} is not a valid URI: {error}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UdiError(f"{uri!r} is not an http(s) URI with a domain")
    segments = parts.path.split("/")[1:]
    key_index = _primary_key_index(segments)
    path = [unquote(segment) for segment in segments[key_index:]]
    elements = [Element(path[index], path[index + 1]) for index in range(0, len(path), 2)]
    _check_qualifier_order(elements)
    if elements[0].ai == "01" and len(elements[0].value) != 14:
        raise UdiError(
            f"GTIN {elements[0].value!r} in the Digital Link path must have 14 digits (zero padded)"
        )
    seen = {element.ai for element in elements}
    for key, value in _query_pairs(parts.query):
        if not key.isdigit():
            continue  # non-AI parameters (linkType, campaign tags...) are ignored
        lookup_ai(key)
        if key in _PATH_ONLY:
            raise UdiError(f"AI ({key}) must be in the Digital Link path, not in the query")
        if key in seen:
            raise UdiError(f"AI ({key}) appears twice in the Digital Link URI")
        seen.add(key)
        elements.append(Element(key, value))
    return elements


def _primary_key_index(segments):
    """Index of the primary key in the path: the rightmost key followed only by its qualifiers.

    Everything before it is the stem, which may contain anything (even "01").
    """
    for index in range(len(segments) - 2, -1, -1):
        key = segments[index]
        if key not in _QUALIFIERS or (len(segments) - index) % 2:
            continue
        allowed = {ai for sequence in _QUALIFIERS[key] for ai in sequence}
        if all(segments[pair] in allowed for pair in range(index + 2, len(segments), 2)):
            return index
    raise UdiError("no GS1 primary key (such as /01/ followed by a GTIN) found in the Digital Link path")


def _check_qualifier_order(elements):
    key, qualifiers = elements[0].ai, [element.ai for element in elements[1:]]
    for sequence in _QUALIFIERS[key]:
        positions = [sequence.index(ai) if ai in sequence else -1 for ai in qualifiers]
        if -1 not in positions and positions == sorted(set(positions)):
            return
    orders = " or ".join("/".join(sequence) for sequence in _QUALIFIERS[key] if sequence)
    given = "/".join(qualifiers)
    raise UdiError(f"Digital Link qualifiers {given} after ({key}) must follow the order {orders}, each once")


def _query_pairs(query):
    """Query parameters, percent-decoded (``+`` stays a plus sign: it is a CSET 82 character)."""
    for pair in query.split("&"):
        if not pair:
            continue
        key, _sep, value = pair.partition("=")
        yield unquote(key), unquote(value)
