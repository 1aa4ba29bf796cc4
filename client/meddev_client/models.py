"""Typed requests and responses of the MedDev RPC contracts (pydantic v2).

Odoo sends an absent value as ``False``: every optional field below maps ``False`` (and ``None``)
to ``None``. Dates arrive as ``YYYY-MM-DD`` and become ``datetime.date``; datetimes arrive in UTC
as ``YYYY-MM-DD HH:MM:SS`` and become timezone-aware ``datetime.datetime`` in UTC. Fields the
server adds later are kept (``extra="allow"``) rather than refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_serializer


def _false_to_none(value: Any) -> Any:
    return None if value is False else value


def _many2one_id(value: Any) -> Any:
    """``[id, display_name]`` (what ``read`` returns for a many2one) to ``id``."""
    if isinstance(value, list | tuple) and value:
        return value[0]
    return _false_to_none(value)


def _as_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


OptStr = Annotated[str | None, BeforeValidator(_false_to_none)]
OptInt = Annotated[int | None, BeforeValidator(_false_to_none)]
OptDate = Annotated[date | None, BeforeValidator(_false_to_none)]
OptUtc = Annotated[datetime | None, BeforeValidator(_false_to_none), AfterValidator(_as_utc)]
Utc = Annotated[datetime, AfterValidator(_as_utc)]
RecordId = Annotated[int, BeforeValidator(_many2one_id)]
OptRecordId = Annotated[int | None, BeforeValidator(_many2one_id)]


class OdooModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


# --- md.udi.parse -----------------------------------------------------------------------------


class ParsedUdi(OdooModel):
    """``md.udi`` ``parse(raw)``: one UDI (GS1, HIBCC or ICCBBA ISBT 128) read into its parts."""

    issuer: str = Field(description="'gs1', 'hibcc' or 'iccbba'")
    di: OptStr = Field(None, description="device identifier (GS1: the GTIN-14); None for a PI-only symbol")
    lot: OptStr = None
    serial: OptStr = None
    expiry: OptDate = None
    production_date: OptDate = None
    quantity: OptInt = None
    product_id: OptInt = Field(None, description="product whose UDI-DI this is, in the user's company")
    packaging_id: OptInt = Field(None, description="packaging level whose DI this is")
    pi_only: bool = Field(
        False, description="production identifiers only: the second symbol of a split label"
    )
    extra: dict[str, Any] = Field(default_factory=dict, description="other GS1 AIs by number, HIBC fields...")


# --- md.scan ----------------------------------------------------------------------------------


class ScanResult(OdooModel):
    """``md.scan`` ``scan(res_model, res_id, raw)``. ``status`` is ``"added"``, or ``"pending"``
    for a DI-only scan of a tracked device waiting for the symbol carrying its lot or serial."""

    status: str
    message: str
    product_id: OptInt = None
    lot_id: OptInt = None
    lot_name: OptStr = None
    quantity: float = 0.0
    expiry: OptDate = None
    line_model: OptStr = None
    line_id: OptInt = None

    @property
    def pending(self) -> bool:
        return self.status == "pending"


class BatchResult(OdooModel):
    """``md.scan`` ``scan_batch(res_model, res_id, raws, idempotency_key)``: the whole batch was
    added; ``replayed`` when the key's batch had been applied by an earlier call."""

    status: str
    count: int
    quantity: float
    message: str
    replayed: bool = False


class ProgressLot(OdooModel):
    key: str
    lot_id: int
    name: str
    expiry: OptDate = None
    production_date: OptDate = None
    scanned: float


class ProgressLine(OdooModel):
    key: str
    product_id: int
    product: str
    uom: str
    scanned: float
    expected: float
    lots: list[ProgressLot] = Field(default_factory=list)


class ScanProgress(OdooModel):
    """``md.scan`` ``progress(res_model, res_id)``: scanned vs expected per line, per lot (dates in
    the user's time zone). A count (``stock.location``) has no lines."""

    expected_label: str
    lines: list[ProgressLine] = Field(default_factory=list)


# --- stock.lot: genealogy, recall scope, status ------------------------------------------------


class TraceRow(OdooModel):
    """One lot reached by ``stock.lot`` ``md_trace(ids, direction)`` (the seed lots excluded)."""

    lot_id: int
    product_id: int
    level: int


class StockRow(OdooModel):
    lot_id: int
    location_id: int
    quantity: float


class CustomerRow(OdooModel):
    """A consignee holding a lot: the quantity delivered (net of returns), the deliveries, and the
    last delivery's date (UTC; None when only returns are left)."""

    partner_id: OptInt = None
    lot_id: int
    quantity: float
    picking_ids: list[int] = Field(default_factory=list)
    date: OptUtc = None


class RecallScope(OdooModel):
    """``stock.lot`` ``md_recall_scope(ids)``: the lots and everything made from them, their stock
    on hand and the customers who received them."""

    lots: list[int]
    stock: list[StockRow] = Field(default_factory=list)
    customers: list[CustomerRow] = Field(default_factory=list)


# --- md.lot.hold ------------------------------------------------------------------------------


class Hold(OdooModel):
    """An ``md.lot.hold`` record (``hold_type``: quarantine, hold, rejected; ``state``: active,
    released)."""

    id: int
    lot_id: RecordId
    hold_type: str
    reason: str
    state: str
    placed_by_id: OptRecordId = None
    placed_at: OptUtc = None
    released_by_id: OptRecordId = None
    released_at: OptUtc = None
    release_reason: OptStr = None


# --- md.signature, md.audit.entry -------------------------------------------------------------


class Signature(OdooModel):
    """An ``md.signature`` record (21 CFR 11.50: printed name, date and time, meaning)."""

    id: int
    res_model: str
    res_id: int
    signer_id: RecordId
    signer_name: OptStr = None
    meaning: str
    meaning_name: OptStr = None
    reason: str
    signed_at: Utc
    content_hash: OptStr = None
    voided: bool = False


class ChainVerification(OdooModel):
    """``md.audit.entry`` ``verify_chain()``: whether the audit trail's hash chain is intact."""

    ok: bool
    checked: int
    first_broken_id: OptInt = None


# --- md.env.reading ---------------------------------------------------------------------------


class Reading(OdooModel):
    """One row of ``md.env.reading`` ``md_ingest(rows)``. A ``measured_at`` without an offset is
    read in the logger's time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    logger: str = Field(description="the data logger's serial")
    measured_at: datetime | str
    temperature: float
    humidity: float | None = None

    @field_serializer("measured_at")
    def _iso(self, value: datetime | str) -> str:
        return value.isoformat() if isinstance(value, datetime) else value


class IngestError(OdooModel):
    row: int = Field(description="the refused row, counted from 1")
    message: str


class IngestResult(OdooModel):
    """With any error nothing is stored (``stored`` is 0) and every bad row is listed."""

    stored: int
    errors: list[IngestError] = Field(default_factory=list)
    excursion_ids: list[int] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
