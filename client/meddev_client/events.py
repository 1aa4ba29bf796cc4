"""Receiving the events of the MedDev event outbox (md_base's ``md.event``).

The server POSTs each event as JSON signed with the endpoint's shared secret: the header
``X-MedDev-Signature`` is ``sha256=`` followed by the hex HMAC-SHA256 of the raw body.
``verify_event`` checks it and returns the typed event; a receiver stores it, answers 2xx, and
ignores an event id it has seen already (delivery is at least once).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from pydantic import Field, ValidationError

from .errors import MeddevError
from .models import OdooModel, OptInt, Utc

SIGNATURE_HEADER = "X-MedDev-Signature"
EVENT_TYPE_HEADER = "X-MedDev-Event"
EVENT_ID_HEADER = "X-MedDev-Event-Id"
_PREFIX = "sha256="


class BadEvent(MeddevError):
    """A delivery that is not an authentic MedDev event: no or a wrong signature (another secret,
    an altered body), or a body that is not an event. Answer it with 4xx and do not store it."""


class Event(OdooModel):
    """One delivered event. ``id`` is the same on every delivery of the event; ``type`` is e.g.
    ``lot.hold.placed``, ``lot.hold.released``, ``batch.released``, ``batch.rejected``,
    ``ncr.opened``, ``recall.started``, ``udi.di.changed``; ``data`` is the type's payload."""

    id: str
    type: str
    model: str = Field(description="the model of the record the event is about")
    res_id: int
    company_id: OptInt = None
    occurred_at: Utc
    data: dict[str, Any] = Field(default_factory=dict)


def sign_body(body: bytes, secret: str | bytes) -> str:
    """The ``X-MedDev-Signature`` value of ``body`` under ``secret``: ``sha256=<hex digest>``."""
    key = secret.encode() if isinstance(secret, str) else secret
    return _PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_event(body: bytes, signature: str | None, secret: str | bytes) -> Event:
    """The event of a delivery whose ``X-MedDev-Signature`` header is ``signature``; raises
    ``BadEvent`` when the signature does not match the raw ``body`` or the body is no event.

    Pass the body exactly as received (before any JSON parsing). Example (Flask)::

        event = verify_event(request.get_data(), request.headers.get("X-MedDev-Signature"), SECRET)
        if not seen(event.id):
            store(event.type, event.data)
        return "", 204
    """
    if not signature or not hmac.compare_digest(sign_body(body, secret), signature.strip()):
        raise BadEvent("The event's signature does not match its body: not sent with this secret")
    try:
        return Event.model_validate_json(body)
    except ValidationError as error:
        raise BadEvent(f"The signed body is not a MedDev event: {error}") from error
