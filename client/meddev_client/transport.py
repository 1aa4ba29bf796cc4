"""JSON-RPC transport to Odoo's ``/jsonrpc`` endpoint over a ``requests.Session``.

JSON, unlike XML 1.0, carries ASCII 29 (the GS1 FNC1 group separator): raw scanner output is sent
as is. Only calls marked ``retry=True`` (reads, ``verify_chain``) are sent again after a connection
error or a timeout; writes and scans never are, since the server may have applied them.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import requests

from .errors import TransportError, error_from_payload

# Answers of a proxy in front of Odoo while it restarts: the request did not reach Odoo.
RETRYABLE_STATUS = frozenset({502, 503, 504})


class JsonRpcTransport:
    """Sends ``{"jsonrpc": "2.0", "method": "call", "params": {service, method, args}}``.

    ``timeout`` is passed to ``requests`` (seconds, or a ``(connect, read)`` tuple). ``retries`` is
    how many times a retryable call is sent again after a connection error, a timeout or a
    502/503/504 answer, waiting ``backoff * 2 ** attempt`` seconds before each new attempt.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float | tuple[float, float] = (10.0, 120.0),
        retries: int = 2,
        backoff: float = 0.5,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.url = url.rstrip("/")
        self.endpoint = f"{self.url}/jsonrpc"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self._sleep = sleep
        self._ids = itertools.count(1)

    def call(self, service: str, method: str, *args: Any, retry: bool = False) -> Any:
        """The ``result`` of ``service.method(*args)``; raises a ``MeddevError`` subclass."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": next(self._ids),
        }
        # Control characters such as ASCII 29 are escaped (\u001d) as JSON requires and decoded
        # back to ASCII 29 by the server; other text (Chinese lot names) travels as UTF-8.
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.session.post(
                    self.endpoint,
                    data=body,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                    timeout=self.timeout,
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                if last:
                    raise TransportError(self._unreachable(method, error, retry)) from error
                self._sleep(self.backoff * 2**attempt)
                continue
            if response.status_code in RETRYABLE_STATUS and not last:
                self._sleep(self.backoff * 2**attempt)
                continue
            return self._result(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable(self, method: str, error: Exception, retried: bool) -> str:
        message = f"{method} on {self.endpoint} failed: {error}"
        if not retried:
            message += " (not retried: check whether it was applied before sending it again)"
        return message

    def _result(self, response: requests.Response) -> Any:
        try:
            answer = response.json()
        except ValueError as error:
            raise TransportError(
                f"{self.endpoint} answered HTTP {response.status_code} without JSON: {response.text[:200]!r}"
            ) from error
        if not isinstance(answer, dict):
            raise TransportError(f"{self.endpoint} answered {answer!r}, not a JSON-RPC response")
        if answer.get("error") is not None:
            raise error_from_payload(answer["error"])
        if response.status_code != 200:
            raise TransportError(f"{self.endpoint} answered HTTP {response.status_code}")
        # Odoo leaves "result" out when the method returned None.
        return answer.get("result")
