"""``MeddevClient``: one typed method per documented MedDev RPC contract."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import requests
from pydantic import TypeAdapter

from .errors import LoginFailed, MeddevError
from .models import (
    BatchResult,
    ChainVerification,
    Hold,
    IngestResult,
    ParsedUdi,
    Reading,
    RecallScope,
    ScanProgress,
    ScanResult,
    Signature,
    TraceRow,
)
from .transport import JsonRpcTransport

Direction = Literal["up", "down"]
HoldType = Literal["quarantine", "hold", "rejected"]

_TRACE_ROWS = TypeAdapter(list[TraceRow])
_SIGNATURES = TypeAdapter(list[Signature])
_HOLDS = TypeAdapter(list[Hold])
_READINGS = TypeAdapter(list[Reading])

SIGNATURE_FIELDS = [
    "res_model",
    "res_id",
    "signer_id",
    "signer_name",
    "meaning",
    "meaning_name",
    "reason",
    "signed_at",
    "content_hash",
    "voided",
]
HOLD_FIELDS = [
    "lot_id",
    "hold_type",
    "reason",
    "state",
    "placed_by_id",
    "placed_at",
    "released_by_id",
    "released_at",
    "release_reason",
]


def _ids(ids: int | Iterable[int]) -> list[int]:
    return [ids] if isinstance(ids, int) else [int(i) for i in ids]


class MeddevClient:
    """A logged-in JSON-RPC session on one MedDev ERP database.

    Example::

        from meddev_client import MeddevClient

        client = MeddevClient.connect("https://erp.example.com", "meddev", "mes-bot", API_KEY)
        udi = client.parse_udi("0108717648200274\\x1d10LOT-7")

    ``password`` may be the user's password or an Odoo API key (Preferences > Account Security >
    New API Key): Odoo accepts a key wherever RPC takes a password. ``timeout`` is in seconds (or
    ``(connect, read)``); reads and ``verify_chain`` are sent again up to ``retries`` times after a
    connection error or timeout, waiting ``backoff * 2 ** attempt`` seconds; writes and scans are
    never sent twice by the client.
    """

    def __init__(
        self,
        url: str,
        db: str,
        *,
        timeout: float | tuple[float, float] = (10.0, 120.0),
        retries: int = 2,
        backoff: float = 0.5,
        session: requests.Session | None = None,
        transport: JsonRpcTransport | None = None,
    ) -> None:
        self.db = db
        self.transport = transport or JsonRpcTransport(
            url, timeout=timeout, retries=retries, backoff=backoff, session=session
        )
        self.uid: int | None = None
        self.login_name: str | None = None
        self._password: str | None = None

    @classmethod
    def connect(cls, url: str, db: str, login: str, password: str, **options: Any) -> MeddevClient:
        """A client logged in as ``login`` (``password``: a password or an API key).

        Example::

            client = MeddevClient.connect("http://localhost:8069", "meddev", "admin", "admin", timeout=30)
        """
        client = cls(url, db, **options)
        client.login(login, password)
        return client

    def __repr__(self) -> str:
        return f"<MeddevClient {self.transport.url} db={self.db} login={self.login_name} uid={self.uid}>"

    # --- session ----------------------------------------------------------------------------

    def version(self) -> dict[str, Any]:
        """The server's ``common.version()``: ``{server_version, server_version_info, ...}``.

        Example::

            client.version()["server_version"]  # '18.0'
        """
        return self.transport.call("common", "version", retry=True)

    def login(self, login: str, password: str) -> int:
        """Authenticate (``common.authenticate``) and return the user id; raises ``LoginFailed``.

        Example::

            uid = client.login("wh.liu", "demo-wh.liu")  # or client.login("mes-bot", api_key)
        """
        uid = self.transport.call("common", "authenticate", self.db, login, password, {}, retry=True)
        if not uid:
            raise LoginFailed(
                f"Login {login!r} to database {self.db!r} refused: wrong login, password or API key"
            )
        self.uid, self.login_name, self._password = uid, login, password
        return uid

    # --- generic ------------------------------------------------------------------------------

    def _execute(
        self,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: Mapping[str, Any] | None = None,
        *,
        retry: bool = False,
    ) -> Any:
        if self.uid is None:
            raise MeddevError("Not logged in: call login() first (or use MeddevClient.connect)")
        return self.transport.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self._password,
            model,
            method,
            list(args),
            dict(kwargs or {}),
            retry=retry,
        )

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Any public model method (``execute_kw``): the escape hatch for what has no typed method.

        Never retried (the client cannot know whether the method writes). Example::

            lot_id = client.call("stock.lot", "create", {"name": "L-1", "product_id": 42})
            rows = client.call("stock.lot", "search_read", [("name", "=", "L-1")], fields=["md_status"])
        """
        return self._execute(model, method, args, kwargs)

    def read(self, model: str, ids: int | Iterable[int], fields: Sequence[str]) -> list[dict[str, Any]]:
        """``model.read(ids, fields)``, retried like every read.

        Example::

            client.read("stock.lot", [7], ["name", "md_status"])
        """
        return self._execute(model, "read", [_ids(ids), list(fields)], retry=True)

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """``model.search_read(domain, fields)``, retried like every read.

        Example::

            client.search_read("stock.lot", [("name", "=", "L-1")], ["id"], limit=1)
        """
        kwargs: dict[str, Any] = {"fields": list(fields)}
        if order:
            kwargs["order"] = order
        if limit:
            kwargs["limit"] = limit
        return self._execute(model, "search_read", [list(domain)], kwargs, retry=True)

    # --- UDI and scanning ---------------------------------------------------------------------

    def parse_udi(self, raw: str) -> ParsedUdi:
        """``md.udi.parse(raw)``: a GS1, HIBCC or ISBT 128 UDI read into its parts.

        Send the scanner's output as is: ASCII 29 (FNC1) travels intact over JSON-RPC. An invalid
        UDI raises ``RuleRefused`` saying what is wrong. Example::

            udi = client.parse_udi("0108717648200274\\x1d17270131\\x1d10LOT-7")
            udi.di, udi.lot, udi.expiry, udi.product_id
            # ('08717648200274', 'LOT-7', datetime.date(2027, 1, 31), 42)
        """
        return ParsedUdi.model_validate(self._execute("md.udi", "parse", [raw], retry=True))

    def scan(self, res_model: str, res_id: int, raw: str) -> ScanResult:
        """``md.scan.scan``: add one scanned UDI to a receipt/delivery/transfer (``stock.picking``),
        a manufacturing order (``mrp.production``) or the count of a location (``stock.location``).

        A refusal (unknown DI, expired lot, held lot...) raises ``RuleRefused`` and writes nothing.
        A DI-only scan of a tracked device returns ``status == "pending"``: scan its PI symbol next.
        Never retried. Example::

            result = client.scan("stock.picking", 17, "0108717648200274\\x1d10LOT-7\\x1d17270131")
            result.status, result.lot_name, result.expiry  # ('added', 'LOT-7', date(2027, 1, 31))
        """
        return ScanResult.model_validate(self._execute("md.scan", "scan", [res_model, res_id, raw]))

    def scan_batch(
        self, res_model: str, res_id: int, raws: Sequence[str], idempotency_key: str | None = None
    ) -> BatchResult:
        """``md.scan.scan_batch``: a list of scans in one call, all or nothing (a refusal names the
        scan, ``Scan 17 of 500 refused, ...``).

        With ``idempotency_key`` (yours, unique per batch, e.g. ``f"{device}:{uuid4()}"``) the
        server applies the batch once however often it is sent, so the client retries it after a
        connection error or a timeout; a replayed answer has ``replayed=True``. Without a key the
        batch is never retried. Example::

            client.scan_batch(
                "stock.picking", 17, [f"0108717648200274\\x1d21{sn}" for sn in serials], idempotency_key=key
            )
            # BatchResult(status='added', count=500, quantity=500.0, message='500 scans added to ...')
        """
        if idempotency_key is None:
            return BatchResult.model_validate(
                self._execute("md.scan", "scan_batch", [res_model, res_id, list(raws)])
            )
        return BatchResult.model_validate(
            self._execute(
                "md.scan", "scan_batch", [res_model, res_id, list(raws), idempotency_key], retry=True
            )
        )

    def scan_progress(self, res_model: str, res_id: int) -> ScanProgress:
        """``md.scan.progress``: per line scanned vs expected and the lots scanned.

        Example::

            progress = client.scan_progress("stock.picking", 17)
            [(line.product, line.scanned, line.expected) for line in progress.lines]
        """
        return ScanProgress.model_validate(
            self._execute("md.scan", "progress", [res_model, res_id], retry=True)
        )

    # --- genealogy, recall, lot status, holds -----------------------------------------------------

    def trace(self, lot_ids: int | Iterable[int], direction: Direction) -> list[TraceRow]:
        """``stock.lot.md_trace(ids, direction)``: every lot reached from these lots at any depth,
        ``"up"`` (what they were made from) or ``"down"`` (what they went into), seeds excluded.

        Example::

            for row in client.trace([7], "down"):
                print(row.lot_id, row.product_id, row.level)
        """
        if direction not in ("up", "down"):
            raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
        return _TRACE_ROWS.validate_python(
            self._execute("stock.lot", "md_trace", [_ids(lot_ids), direction], retry=True)
        )

    def recall_scope(self, lot_ids: int | Iterable[int]) -> RecallScope:
        """``stock.lot.md_recall_scope(ids)``: the lots and everything made from them, their stock
        and the customers who received them. Example::

            scope = client.recall_scope([7])
            scope.lots, [(c.partner_id, c.quantity) for c in scope.customers]
        """
        return RecallScope.model_validate(
            self._execute("stock.lot", "md_recall_scope", [_ids(lot_ids)], retry=True)
        )

    def lot_status(self, lot_ids: int | Iterable[int]) -> dict[int, str]:
        """``stock.lot.md_status`` by lot id: ``released``, ``quarantine``, ``on_hold`` or
        ``rejected`` (anything but released cannot be reserved, consumed or delivered). Example::

            client.lot_status([7, 8])  # {7: 'on_hold', 8: 'released'}
        """
        rows = self.read("stock.lot", lot_ids, ["md_status"])
        return {row["id"]: row["md_status"] for row in rows}

    def place_hold(
        self, lot_ids: int | Iterable[int], reason: str, hold_type: HoldType = "hold"
    ) -> list[int]:
        """Put lots on hold (``md.lot.hold`` ``create``, one hold per lot; quality managers only,
        else ``AccessRefused``). Returns the hold ids. Never retried. Example::

            hold_ids = client.place_hold([7], "Recall RC-1: seal failure")
        """
        vals = [{"lot_id": lot_id, "hold_type": hold_type, "reason": reason} for lot_id in _ids(lot_ids)]
        return _ids(self._execute("md.lot.hold", "create", [vals]))

    def holds(self, lot_ids: int | Iterable[int], *, active_only: bool = True) -> list[Hold]:
        """The ``md.lot.hold`` records of these lots (the active ones unless ``active_only=False``).

        Example::

            [(h.id, h.hold_type, h.reason) for h in client.holds([7])]
        """
        domain: list[Any] = [("lot_id", "in", _ids(lot_ids))]
        if active_only:
            domain.append(("state", "=", "active"))
        return _HOLDS.validate_python(self.search_read("md.lot.hold", domain, HOLD_FIELDS, order="id"))

    def release_holds(self, hold_ids: int | Iterable[int], reason: str) -> None:
        """Release holds through ``md.lot.hold.wizard`` (``mode: "release"``) with one reason.
        Where a signature rule requires it, sign instead: ``sign("md.lot.hold", ids, "released",
        password, reason)``. Never retried. Example::

            client.release_holds(hold_ids, "Lot outside recall scope")
        """
        wizard_id = self._execute(
            "md.lot.hold.wizard",
            "create",
            [{"mode": "release", "hold_ids": [(6, 0, _ids(hold_ids))], "reason": reason}],
        )
        self._execute("md.lot.hold.wizard", "action_confirm", [[wizard_id]])

    # --- electronic signatures, audit trail -----------------------------------------------------

    def sign(
        self,
        model: str,
        ids: int | Iterable[int],
        meaning: str,
        password: str,
        reason: str,
        *,
        login: str | None = None,
    ) -> list[int]:
        """``model.md_sign(ids, meaning, password, reason)`` on any signable model (21 CFR 11.200):
        ``password`` is the signer's password, asked again for each signature. Returns the new
        ``md.signature`` ids. Never retried. Example::

            client.sign("md.lot.hold", [hold_id], "released", "my-password", "Outside recall scope")
        """
        kwargs = {"login": login} if login else {}
        return _ids(self._execute(model, "md_sign", [_ids(ids), meaning, password, reason], kwargs))

    def signatures(self, model: str, res_id: int) -> list[Signature]:
        """The ``md.signature`` records of one record, oldest first (voided ones included,
        ``voided=True``). Example::

            for s in client.signatures("md.lot.hold", hold_id):
                print(s.signer_name, s.meaning, s.signed_at.isoformat(), s.content_hash)
        """
        domain = [("res_model", "=", model), ("res_id", "=", res_id)]
        rows = self.search_read("md.signature", domain, SIGNATURE_FIELDS, order="signed_at, id")
        return _SIGNATURES.validate_python(rows)

    def verify_chain(self) -> ChainVerification:
        """``md.audit.entry.verify_chain()``: the audit trail's hash chain (quality managers,
        regulatory affairs, security managers). Retried like a read. Example::

            check = client.verify_chain()
            assert check.ok, f"tampered from entry {check.first_broken_id}"
        """
        return ChainVerification.model_validate(
            self._execute("md.audit.entry", "verify_chain", [], retry=True)
        )

    # --- storage conditions -------------------------------------------------------------------

    def ingest_readings(self, rows: Iterable[Reading | Mapping[str, Any]]) -> IngestResult:
        """``md.env.reading.md_ingest(rows)``: a data logger's readings, all or nothing. Bad rows
        come back in ``errors`` (nothing stored), not as an exception. Never retried. Example::

            row = Reading(logger="LG-01", measured_at="2026-11-03T14:05:00+08:00", temperature=4.2)
            result = client.ingest_readings([row])
            result.stored, result.errors, result.excursion_ids
        """
        readings = _READINGS.validate_python(list(rows))
        payload = [reading.model_dump(exclude_none=True) for reading in readings]
        return IngestResult.model_validate(self._execute("md.env.reading", "md_ingest", [payload]))
