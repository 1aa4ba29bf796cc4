"""Exceptions raised by the client, mapped from Odoo's JSON-RPC error payload.

Odoo answers a failed call with ``{"error": {"code", "message", "data": {"name", "message",
"arguments", "debug", "context"}}}`` where ``data.name`` is the Python path of the server-side
exception. Each documented exception becomes one class here; anything else is a ``ServerError``.
"""

from __future__ import annotations

from typing import Any


class MeddevError(Exception):
    """Base of every error of the client.

    ``message`` is the server's text (for a ``UserError`` the sentence the user would read in the
    web client); ``odoo_name`` is the server-side exception path, e.g.
    ``"odoo.exceptions.UserError"`` (``None`` when the error did not come from Odoo, see
    ``TransportError``).
    """

    def __init__(
        self,
        message: str,
        odoo_name: str | None = None,
        *,
        code: int | None = None,
        arguments: list[Any] | None = None,
        debug: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.odoo_name = odoo_name
        self.code = code
        self.arguments = list(arguments or [])
        self.debug = debug  # the server's traceback, when it sent one

    def __str__(self) -> str:
        return self.message


class RuleRefused(MeddevError):
    """``odoo.exceptions.UserError``: a business rule refused the call (an invalid UDI, an expired
    lot, a delivery of held stock...). Nothing of the call was written; ``message`` says why."""


class AccessRefused(MeddevError):
    """``odoo.exceptions.AccessError``: the user's groups or record rules do not allow the call."""


class InvalidData(MeddevError):
    """``odoo.exceptions.ValidationError``: a constraint refused the values."""


class RecordMissing(MeddevError):
    """``odoo.exceptions.MissingError``: a record of the call does not exist (deleted)."""


class LoginFailed(MeddevError):
    """Wrong login, password or API key (``odoo.exceptions.AccessDenied``, or ``authenticate``
    returning ``False``)."""


class ServerError(MeddevError):
    """Any other server-side error (a bug: the server logged a traceback, see ``debug``)."""


class TransportError(MeddevError):
    """The server could not be reached or answered something that is not JSON-RPC (connection
    refused, timeout, proxy error page). ``odoo_name`` is ``None``. For a write (a scan, a
    signature...) the call may or may not have been applied: check before sending it again."""


ERRORS_BY_NAME: dict[str, type[MeddevError]] = {
    "odoo.exceptions.UserError": RuleRefused,
    "odoo.exceptions.RedirectWarning": RuleRefused,
    "odoo.exceptions.AccessError": AccessRefused,
    "odoo.exceptions.ValidationError": InvalidData,
    "odoo.exceptions.MissingError": RecordMissing,
    "odoo.exceptions.AccessDenied": LoginFailed,
}


def error_from_payload(error: Any) -> MeddevError:
    """The exception for the ``error`` member of a JSON-RPC response."""
    if not isinstance(error, dict):
        return ServerError(f"Malformed JSON-RPC error: {error!r}")
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    name = data.get("name") or None
    message = data.get("message") or error.get("message") or "Odoo Server Error"
    cls = ERRORS_BY_NAME.get(name, ServerError)
    return cls(
        str(message),
        name,
        code=error.get("code"),
        arguments=data.get("arguments"),
        debug=data.get("debug"),
    )
