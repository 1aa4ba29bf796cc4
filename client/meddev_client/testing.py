"""A fake Odoo ``/jsonrpc`` endpoint for testing code that uses the client, without a server.

``FakeOdoo`` is a ``requests`` transport adapter: mount it on the client's session and register the
answers (recorded JSON-RPC results, or Odoo error payloads) per model and method::

    from meddev_client import MeddevClient
    from meddev_client.testing import FakeOdoo

    odoo = FakeOdoo(users={"mes": ("secret", 7)})
    odoo.answer("md.udi", "parse", {"issuer": "gs1", "di": "08717648200274", "lot": "L1", ...})
    client = MeddevClient.connect("http://odoo.test", "meddev", "mes", "secret", session=odoo.session())
    client.parse_udi("0108717648200274\\x1d10L1")
    odoo.calls[-1]  # ("md.udi", "parse", ["0108717648200274\\x1d10L1"], {})
"""

from __future__ import annotations

import json
from typing import Any

import requests
from requests.adapters import BaseAdapter


def odoo_error(name: str, message: str, *, code: int = 200) -> dict[str, Any]:
    """The ``error`` member Odoo sends for an exception (``odoo.http.serialize_exception``)."""
    return {
        "code": code,
        "message": "Odoo Server Error",
        "data": {
            "name": name,
            "debug": f"Traceback (most recent call last):\n{name}: {message}\n",
            "message": message,
            "arguments": [message],
            "context": {},
        },
    }


class FakeOdoo(BaseAdapter):
    """Answers JSON-RPC calls from registered results and records every request.

    ``answer(model, method, result)`` registers a result (or a callable ``(args, kwargs) ->
    result``); ``fail(model, method, name, message)`` an Odoo exception. ``service`` calls are
    registered with the service as model (``answer("common", "version", {...})``). ``fail_next``
    queues ``requests`` exceptions (connection errors, timeouts) raised before any answer.
    """

    def __init__(self, users: dict[str, tuple[str, int]] | None = None) -> None:
        super().__init__()
        self.users = {"admin": ("admin", 2)} if users is None else users
        self.bodies: list[bytes] = []
        self.payloads: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str, list[Any], dict[str, Any]]] = []
        self._answers: dict[tuple[str, str], Any] = {}
        self._failures: list[Exception] = []
        self.answer("common", "version", {"server_version": "18.0", "protocol_version": 1})
        self.answer("common", "authenticate", self._authenticate)

    # --- configuration ----------------------------------------------------------------------

    def answer(self, model: str, method: str, result: Any) -> None:
        self._answers[(model, method)] = result

    def fail(self, model: str, method: str, name: str, message: str) -> None:
        self._answers[(model, method)] = _Failure(odoo_error(name, message))

    def fail_next(self, *errors: Exception) -> None:
        self._failures.extend(errors)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.mount("http://", self)
        session.mount("https://", self)
        return session

    # --- requests adapter -------------------------------------------------------------------

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body or b""
        self.bodies.append(body)
        if self._failures:
            raise self._failures.pop(0)
        payload = json.loads(body)
        self.payloads.append(payload)
        params = payload["params"]
        if params["service"] == "object":
            _db, uid, password, model, method, args, kw = params["args"]
            if not any(uid == u and password == p for p, u in self.users.values()):
                return self._respond(
                    request, payload, error=odoo_error("odoo.exceptions.AccessDenied", "Access Denied")
                )
            self.calls.append((model, method, args, kw))
        else:
            model, method, args, kw = params["service"], params["method"], params["args"], {}
        answer = self._answers.get((model, method), _MISSING)
        if answer is _MISSING:
            return self._respond(
                request,
                payload,
                error=odoo_error(
                    "builtins.AttributeError", f"The method '{method}' does not exist on '{model}'"
                ),
            )
        if isinstance(answer, _Failure):
            return self._respond(request, payload, error=answer.error)
        result = answer(args, kw) if callable(answer) else answer
        return self._respond(request, payload, result=result)

    def close(self) -> None:
        pass

    def _authenticate(self, args: list[Any], _kw: dict[str, Any]) -> int | bool:
        _db, login, password, _env = args
        known = self.users.get(login)
        return known[1] if known and known[0] == password else False

    @staticmethod
    def _respond(
        request: requests.PreparedRequest, payload: dict[str, Any], **member: Any
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        answer = {"jsonrpc": "2.0", "id": payload.get("id"), **member}
        if answer.get("result", 0) is None:  # Odoo leaves out the result of a method returning None
            del answer["result"]
        response._content = json.dumps(answer).encode()
        response.request = request
        response.url = request.url or ""
        return response


_MISSING = object()


class _Failure:
    def __init__(self, error: dict[str, Any]) -> None:
        self.error = error
