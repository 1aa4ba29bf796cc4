"""``MeddevClient``: one typed method per documented MedDev RPC contract."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

import requests
from pydantic import TypeAdapter

from .errors import LoginFailed, MeddevError
from .models import (
    BatchResult,
    Capa,
    CapaRequest,
    ChainVerification,
    Complaint,
    ComplaintRequest,
    Dhr,
    DhrState,
    Hold,
    IngestResult,
    Ncr,
    NcrRequest,
    NotificationMethod,
    OdooRequest,
    ParsedUdi,
    PartnerLicence,
    Reading,
    RecallCustomerLine,
    RecallRequest,
    RecallScope,
    RecallStatus,
    Registration,
    ReleaseState,
    ScanProgress,
    ScanResult,
    Signature,
    TraceRow,
    odoo_datetime,
)
from .transport import JsonRpcTransport

Direction = Literal["up", "down"]
HoldType = Literal["quarantine", "hold", "rejected"]

_TRACE_ROWS = TypeAdapter(list[TraceRow])
_SIGNATURES = TypeAdapter(list[Signature])
_HOLDS = TypeAdapter(list[Hold])
_READINGS = TypeAdapter(list[Reading])
_DHRS = TypeAdapter(list[Dhr])
_RECALL_STATUSES = TypeAdapter(list[RecallStatus])
_RECALL_LINES = TypeAdapter(list[RecallCustomerLine])
_REGISTRATIONS = TypeAdapter(list[Registration])
_LICENCES = TypeAdapter(list[PartnerLicence])

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

DHR_FIELDS = [
    "name",
    "state",
    "lot_id",
    "product_id",
    "production_id",
    "qty_produced",
    "decision_by_id",
    "decision_on",
    "decision_reason",
    "release_blockers",
]
NCR_FIELDS = list(Ncr.model_fields)
CAPA_FIELDS = list(Capa.model_fields)
COMPLAINT_FIELDS = list(Complaint.model_fields)
RECALL_LINE_FIELDS = list(RecallCustomerLine.model_fields)
REGISTRATION_FIELDS = list(Registration.model_fields)
LICENCE_FIELDS = [name for name in PartnerLicence.model_fields if name != "licence_type"]
# Meanings of the batch release signature (md_base / md_quality signature meanings).
RELEASED, REJECTED = "released", "rejected"


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

    # --- batch release (md_quality) -------------------------------------------------------------

    def dhrs(
        self,
        *,
        lot_ids: int | Iterable[int] | None = None,
        production_id: int | None = None,
        state: DhrState | None = None,
    ) -> list[Dhr]:
        """The ``md.quality.dhr`` device history records of these lots and/or manufacturing order
        (any Medical Devices user reads them; nobody writes them), newest first, with their
        release state and ``release_blockers`` (holds, open orders, missing inspections...).

        Example::

            [dhr] = client.dhrs(lot_ids=[7])
            dhr.state, dhr.release_blockers  # ('pending', ['Active hold (Hold): seal check'])
        """
        domain: list[Any] = []
        if lot_ids is not None:
            domain.append(("lot_id", "in", _ids(lot_ids)))
        if production_id is not None:
            domain.append(("production_id", "=", production_id))
        if state is not None:
            domain.append(("state", "=", state))
        return _DHRS.validate_python(self.search_read("md.quality.dhr", domain, DHR_FIELDS, order="id desc"))

    def dhr(self, dhr_id: int) -> Dhr:
        """One ``md.quality.dhr`` record. Example::

        client.dhr(12).releasable  # pending and nothing blocks it
        """
        [row] = self.read("md.quality.dhr", [dhr_id], DHR_FIELDS)
        return Dhr.model_validate(row)

    def release_batch(self, dhr_ids: int | Iterable[int], password: str, reason: str) -> list[int]:
        """Release the lots of these DHRs: ``md_sign(ids, "released", password, reason)`` by a QA
        release approver who took no part in producing them (ISO 13485 8.2.6). Refused
        (``RuleRefused``) while a blocker remains, for the lot's producers (segregation of duties)
        and once decided; ``AccessRefused`` for other groups. Returns the signature ids. Never
        retried. Example::

            client.release_batch([dhr.id], "my-password", "DHR reviewed: complete")
        """
        return self.sign("md.quality.dhr", dhr_ids, RELEASED, password, reason)

    def reject_batch(self, dhr_ids: int | Iterable[int], password: str, reason: str) -> list[int]:
        """Reject the lots of these DHRs: ``md_sign(ids, "rejected", password, reason)``; each lot is
        put on a "rejected" hold. Returns the signature ids. Never retried. Example::

            client.reject_batch([dhr.id], "my-password", "Sterilisation record incomplete")
        """
        return self.sign("md.quality.dhr", dhr_ids, REJECTED, password, reason)

    def release_state(self, lot_ids: int | Iterable[int]) -> dict[int, ReleaseState]:
        """``stock.lot.md_release_state`` by lot id: ``not_required`` (not made here as a device),
        ``pending``, ``released`` or ``rejected``. Only ``released`` or ``not_required`` lots
        may be delivered (and only when ``lot_status`` is ``released`` too). Example::

            client.release_state([7])  # {7: 'pending'}
        """
        rows = self.read("stock.lot", lot_ids, ["md_release_state"])
        return {row["id"]: row["md_release_state"] for row in rows}

    # --- nonconformances, CAPA, complaints (md_quality) -----------------------------------------

    def _create(self, model: str, request: OdooRequest) -> int:
        return self._execute(model, "create", [request.to_vals()])

    def create_ncr(self, request: NcrRequest) -> Ncr:
        """Raise a nonconformance (``md.quality.ncr`` ``create``; quality inspectors and
        managers, else ``AccessRefused``) and return it, numbered and ``open``. The create is never
        retried. Example (an MES reporting a failed in-process test)::

            ncr = client.create_ncr(
                NcrRequest(product_id=42, lot_ids=[7], quantity=50, origin="MES WO-1182",
                           description="Balloon burst pressure below specification")
            )
            ncr.name, ncr.state  # ('NCR/2026/0042', 'open')
        """
        return self.ncr(self._create("md.quality.ncr", request))

    def ncr(self, ncr_id: int) -> Ncr:
        """One ``md.quality.ncr`` record: its state (open, containment, mrb, disposition,
        closed), lots and active holds. Example::

            client.ncr(5).state  # 'containment'
        """
        [row] = self.read("md.quality.ncr", [ncr_id], NCR_FIELDS)
        return Ncr.model_validate(row)

    def create_capa(self, request: CapaRequest) -> Capa:
        """Open a corrective or preventive action (``md.quality.capa`` ``create``; quality
        inspectors and managers) and return it in ``draft`` with its risk score. Never retried.
        Example::

            capa = client.create_capa(
                CapaRequest(title="Leaking connector", problem_statement="Leaks at 2 bar.",
                            product_id=42, severity=5, occurrence=2)
            )
            capa.name, capa.rpn, capa.risk_level  # ('CAPA/2026/0007', 10, 'medium')
        """
        return self.capa(self._create("md.quality.capa", request))

    def capa(self, capa_id: int) -> Capa:
        """One ``md.quality.capa`` record. Example::

        client.capa(7).state  # 'implementation'
        """
        [row] = self.read("md.quality.capa", [capa_id], CAPA_FIELDS)
        return Capa.model_validate(row)

    def create_complaint(self, request: ComplaintRequest) -> Complaint:
        """Record a complaint (``md.quality.complaint`` ``create``; any Medical Devices user) and
        return it with the reporting deadlines the server computed from ``awareness_date`` and
        the flags. Never retried. Example (a hospital system reporting an event)::

            complaint = client.create_complaint(
                ComplaintRequest(title="Pump stopped", description="Stopped without alarm.",
                                 udi_raw=scanned, awareness_date=datetime.now(UTC), death=True,
                                 eu_reportable=True)
            )
            complaint.name, complaint.eu_deadline  # ('CMP/2026/0003', datetime(...))
        """
        return self.complaint(self._create("md.quality.complaint", request))

    def complaint(self, complaint_id: int) -> Complaint:
        """One ``md.quality.complaint`` record: state, deadlines, linked NCR and CAPA. Example::

        client.complaint(3).state  # 'decided'
        """
        [row] = self.read("md.quality.complaint", [complaint_id], COMPLAINT_FIELDS)
        return Complaint.model_validate(row)

    # --- recalls (md_regulatory) ----------------------------------------------------------------

    def create_recall(self, lot_ids: int | Iterable[int], request: RecallRequest | None = None) -> int:
        """``md.recall.md_create_from_lots(lot_ids, vals)``: a draft recall of these lots
        (regulatory affairs, quality managers); returns its id. Unknown lot ids raise
        ``RuleRefused``. Never retried. Example::

            recall_id = client.create_recall([7], RecallRequest(source="complaint", nmpa_level="2"))
        """
        vals = request.to_vals() if request else {}
        return self._execute("md.recall", "md_create_from_lots", [_ids(lot_ids), vals])

    def compute_recall_scope(self, recall_id: int) -> RecallScope:
        """``md.recall.md_compute_scope([id])``: the recall's lots and what was made from them,
        their stock and consignees, stored on the recall (its customer lines). Never retried.
        Example::

            scope = client.compute_recall_scope(recall_id)
            [(c.partner_id, c.quantity) for c in scope.customers]
        """
        return RecallScope.model_validate(self._execute("md.recall", "md_compute_scope", [[recall_id]]))

    def start_recall(self, recall_id: int) -> None:
        """Start a draft recall (``action_start``): the scope computed if it was not, the lots
        held and the deadline activities scheduled (a mock recall holds nothing). An FDA class
        without an approved health hazard evaluation raises ``RuleRefused``. Never retried.
        Example::

            client.start_recall(recall_id)
        """
        self._execute("md.recall", "action_start", [[recall_id]])

    def recall_status(self, recall_ids: int | Iterable[int]) -> list[RecallStatus]:
        """``md.recall.md_status(ids)``: state, classification, deadlines, effectiveness, units,
        consignees, whether it can close and what blocks it. Example::

            [status] = client.recall_status(recall_id)
            status.state, status.effectiveness, status.closure_blockers
        """
        return _RECALL_STATUSES.validate_python(
            self._execute("md.recall", "md_status", [_ids(recall_ids)], retry=True)
        )

    def recall_customers(self, recall_id: int, *, partner_id: int | None = None) -> list[RecallCustomerLine]:
        """The ``md.recall.customer`` lines of a recall (one per consignee and lot), or of one
        consignee: notification, acknowledgement and what became of the units. Example::

            lines = client.recall_customers(recall_id, partner_id=hospital_id)
        """
        domain: list[Any] = [("recall_id", "=", recall_id)]
        if partner_id is not None:
            domain.append(("partner_id", "=", partner_id))
        rows = self.search_read("md.recall.customer", domain, RECALL_LINE_FIELDS, order="id")
        return _RECALL_LINES.validate_python(rows)

    def record_notification(
        self,
        line_ids: int | Iterable[int],
        method: NotificationMethod,
        contact: str,
        *,
        notified_at: datetime | None = None,
        reference: str | None = None,
    ) -> None:
        """``md.recall.customer.md_record_notification``: the consignee of these lines was notified
        by ``method`` (telephone, post, fax...), reaching ``contact``; ``notified_at`` (default now,
        never in the future) and a ``reference`` (call note, registered post number). Never
        retried. Example::

            client.record_notification([line.id], "phone", "Dr. Li, by telephone")
        """
        kwargs: dict[str, Any] = {"contact": contact}
        if notified_at is not None:
            kwargs["notified_at"] = odoo_datetime(notified_at)
        if reference is not None:
            kwargs["reference"] = reference
        self._execute("md.recall.customer", "md_record_notification", [_ids(line_ids), method], kwargs)

    def record_acknowledgement(
        self,
        line_ids: int | Iterable[int],
        contact: str,
        *,
        ack_date: date | None = None,
        method: NotificationMethod | None = None,
        qty_on_hand: float | None = None,
    ) -> None:
        """``md.recall.customer.md_record_acknowledgement``: ``contact`` acknowledged the notice on
        ``ack_date`` (default today) through ``method`` (default the notification's), with
        ``qty_on_hand`` units on hand (21 CFR 7.53(b)(2)). Notify first. Never retried. Example::

            client.record_acknowledgement([line.id], "Dr. Li", method="phone", qty_on_hand=4)
        """
        # Positional: a keyword "method" would collide with execute_kw's own argument. False is
        # the server's "not given" (today, the notification's method, no quantity).
        args = [
            _ids(line_ids),
            contact,
            ack_date.isoformat() if ack_date else False,
            method or False,
            False if qty_on_hand is None else qty_on_hand,
        ]
        self._execute("md.recall.customer", "md_record_acknowledgement", args)

    # --- registrations and licences (md_regulatory) ---------------------------------------------

    def registrations(self, registration_ids: int | Iterable[int]) -> list[Registration]:
        """The ``md.registration`` records of these ids. Example::

        [registration] = client.registrations(9)
        registration.state, registration.expiry_date, registration.in_force()
        """
        rows = self.read("md.registration", registration_ids, REGISTRATION_FIELDS)
        return _REGISTRATIONS.validate_python(rows)

    def find_registrations(self, product_id: int, country: int | str) -> list[Registration]:
        """The registrations covering a product (its template, or a category above its own) in a
        country (an id or an ISO code such as ``"CN"``), whatever their state: the records the
        market gate of sales and deliveries reads. ``in_force()`` tells which one opens it.
        Example::

            found = client.find_registrations(42, "CH")
            [(r.number, r.state, r.expiry_date) for r in found if r.in_force()]
        """
        [product] = self.read("product.product", [product_id], ["product_tmpl_id", "categ_id"])
        domain = [
            ("covered_country_ids", "=", self._country_id(country)),
            "|",
            ("product_tmpl_ids", "=", product["product_tmpl_id"][0]),
            ("categ_ids", "parent_of", product["categ_id"][0]),
        ]
        order = "expiry_date desc, id desc"
        rows = self.search_read("md.registration", domain, REGISTRATION_FIELDS, order=order)
        return _REGISTRATIONS.validate_python(rows)

    def market_registration(
        self, product_id: int, country: int | str, day: date | None = None
    ) -> Registration | None:
        """The registration in force on ``day`` (default today) that lets this product be sold and
        delivered in the country, or None: the market gate's registration check, read ahead of an
        order (the gate itself runs when the order is confirmed and the delivery validated).
        Example::

            if client.market_registration(42, "CN") is None:
                warn("no NMPA registration in force")
        """
        in_force = [r for r in self.find_registrations(product_id, country) if r.in_force(day)]
        return in_force[0] if in_force else None

    def partner_licences(self, partner_id: int, *, in_force_only: bool = False) -> list[PartnerLicence]:
        """The ``md.partner.licence`` records of a supplier or customer (its commercial entity),
        with their type, scope (NMPA classes, categories) and dates; ``in_force_only`` keeps those
        not revoked, issued and not expired today. Example::

            [(lic.licence_type, lic.number, lic.expiry_date) for lic in client.partner_licences(14)]
        """
        [partner] = self.read("res.partner", [partner_id], ["commercial_partner_id"])
        domain = [("partner_id", "=", partner["commercial_partner_id"][0])]
        rows = self.search_read("md.partner.licence", domain, LICENCE_FIELDS, order="expiry_date, id")
        licences = _LICENCES.validate_python(rows)
        return [lic for lic in licences if lic.in_force()] if in_force_only else licences

    def _country_id(self, country: int | str) -> int:
        if isinstance(country, int):
            return country
        found = self.search_read("res.country", [("code", "=", country.upper())], ["id"], limit=1)
        if not found:
            raise ValueError(f"Unknown country code {country!r}")
        return found[0]["id"]
