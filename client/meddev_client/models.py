"""Typed requests and responses of the MedDev RPC contracts (pydantic v2).

Odoo sends an absent value as ``False``: every optional field below maps ``False`` (and ``None``)
to ``None``. Dates arrive as ``YYYY-MM-DD`` and become ``datetime.date``; datetimes arrive in UTC
as ``YYYY-MM-DD HH:MM:SS`` and become timezone-aware ``datetime.datetime`` in UTC. Fields the
server adds later are kept (``extra="allow"``) rather than refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_serializer,
    model_validator,
)


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
    """``md.audit.entry`` ``verify_chain()``: whether the audit trail's hash chain is intact.

    Incremental: the newest sealed checkpoint (at ``from_position``, 0 = none, the genesis) is
    checked, then the ``checked`` entries written after it."""

    ok: bool
    checked: int
    first_broken_id: OptInt = None
    from_position: int = 0


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


# --- write helpers ------------------------------------------------------------------------------


def odoo_datetime(value: datetime) -> str:
    """A datetime as Odoo stores it: UTC, ``YYYY-MM-DD HH:MM:SS`` (a naive value is read as UTC)."""
    return _as_utc(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class OdooRequest(BaseModel):
    """Values sent to ``create``: checked before sending, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    many2many_fields: ClassVar[tuple[str, ...]] = ()

    def to_vals(self) -> dict[str, Any]:
        """The ``create`` values: unset fields left out (the server's defaults apply), dates as
        ``YYYY-MM-DD``, datetimes in UTC, many2many ids as a set command."""
        vals = self.model_dump(mode="json", exclude_none=True)
        for name in self.many2many_fields:
            if name in vals:
                vals[name] = [(6, 0, vals[name])]
        return vals


Ids = Annotated[list[int], BeforeValidator(lambda value: _false_to_none(value) or [])]
Text = Annotated[str, Field(min_length=1)]
Rating = Annotated[Literal["1", "2", "3", "4", "5"], BeforeValidator(lambda value: str(value))]
OdooDatetime = Annotated[datetime, PlainSerializer(odoo_datetime, return_type=str, when_used="json")]


# --- md.quality.dhr: batch release ------------------------------------------------------------

DhrState = Literal["pending", "released", "rejected"]
ReleaseState = Literal["not_required", "pending", "released", "rejected"]


def _lines(value: Any) -> Any:
    """A text of one item per line (``release_blockers``) to a list; ``False`` to ``[]``."""
    if not value:
        return []
    return value.splitlines() if isinstance(value, str) else value


class Dhr(OdooModel):
    """An ``md.quality.dhr`` record: the device history record of one finished lot of one
    manufacturing order, and its batch release decision (ISO 13485 8.2.6)."""

    id: int
    name: str
    state: DhrState
    lot_id: RecordId
    product_id: RecordId
    production_id: RecordId
    qty_produced: float = 0.0
    decision_by_id: OptRecordId = None
    decision_on: OptUtc = None
    decision_reason: OptStr = None
    release_blockers: Annotated[list[str], BeforeValidator(_lines)] = Field(
        default_factory=list, description="what still stands between a pending lot and its release"
    )

    @property
    def releasable(self) -> bool:
        """Pending and nothing blocks it (segregation of duties is checked when signing)."""
        return self.state == "pending" and not self.release_blockers


# --- md.quality.ncr, md.quality.capa, md.quality.complaint ------------------------------------

NcrSource = Literal[
    "inspection", "production", "complaint", "audit", "supplier", "customer_return", "storage"
]
NcrSeverity = Literal["critical", "major", "minor"]
NcrCause = Literal[
    "material", "method", "machine", "people", "measurement", "environment", "design", "supplier", "unknown"
]
NcrState = Literal["open", "containment", "mrb", "disposition", "closed"]


class NcrRequest(OdooRequest):
    """A nonconformance to raise (``md.quality.ncr`` ``create``; quality inspectors and managers):
    what does not conform, of which product and lots, how much, where it was found."""

    many2many_fields: ClassVar[tuple[str, ...]] = ("lot_ids",)

    product_id: int
    quantity: float = Field(gt=0, description="the nonconforming quantity, in the product's unit")
    description: Text = Field(description="what does not conform, to what")
    source: NcrSource = "production"
    severity: NcrSeverity = "major"
    lot_ids: list[int] | None = None
    origin: str | None = Field(None, description="the document or event where it was found (MES order...)")
    cause: NcrCause | None = None
    containment: str | None = None
    partner_id: int | None = Field(None, description="the supplier or customer the material came from")
    picking_id: int | None = None
    production_id: int | None = None
    inspection_id: int | None = None


class Ncr(OdooModel):
    """An ``md.quality.ncr`` record (ISO 13485 8.3)."""

    id: int
    name: str
    state: NcrState
    source: NcrSource
    severity: NcrSeverity
    product_id: RecordId
    lot_ids: Ids = Field(default_factory=list)
    quantity: float
    description: str
    origin: OptStr = None
    cause: OptStr = None
    active_hold_count: int = 0
    detected_by_id: OptRecordId = None
    date_detected: OptUtc = None
    closed_by_id: OptRecordId = None
    date_closed: OptUtc = None


CapaType = Literal["corrective", "preventive"]
CapaSource = Literal["ncr", "complaint", "audit", "trend", "management_review", "other"]
CapaState = Literal["draft", "investigation", "implementation", "effectiveness", "closed", "cancelled"]


class CapaRequest(OdooRequest):
    """A corrective or preventive action to open (``md.quality.capa`` ``create``; quality
    inspectors and managers). ``severity`` and ``occurrence`` rate 1 to 5 (ints accepted)."""

    title: Text
    problem_statement: Text
    capa_type: CapaType = "corrective"
    source: CapaSource = "ncr"
    source_reference: str | None = Field(None, description="audit finding, complaint or NCR number")
    product_id: int | None = None
    partner_id: int | None = None
    severity: Rating = "3"
    occurrence: Rating = "3"
    containment: str | None = None
    date_due: date | None = Field(None, description="target closure")
    effectiveness_days: int | None = Field(None, ge=0, description="days after the last action; default 90")
    user_id: int | None = Field(None, description="responsible; default the caller")


class Capa(OdooModel):
    """An ``md.quality.capa`` record (ISO 13485 8.5.2, 8.5.3); ``rpn`` is severity x occurrence."""

    id: int
    name: str
    title: str
    state: CapaState
    capa_type: CapaType
    source: CapaSource
    source_reference: OptStr = None
    product_id: OptRecordId = None
    severity: str
    occurrence: str
    rpn: int
    risk_level: OptStr = None
    user_id: OptRecordId = None
    date_opened: OptDate = None
    date_due: OptDate = None
    date_closed: OptDate = None
    effectiveness_result: OptStr = None
    is_overdue: bool = False


ComplaintChannel = Literal["phone", "email", "field", "distributor", "regulator", "other"]
ComplaintState = Literal["new", "investigation", "decided", "closed"]


class ComplaintRequest(OdooRequest):
    """A complaint to record (``md.quality.complaint`` ``create``; any Medical Devices user), e.g.
    from a hospital system or a CRM. ``udi_raw`` (the scanned UDI) fills product and lot;
    ``awareness_date`` (default now) starts the reporting deadlines computed by the server."""

    title: Text
    description: Text
    channel: ComplaintChannel = "phone"
    partner_id: int | None = Field(None, description="the customer")
    product_id: int | None = None
    lot_id: int | None = None
    udi_raw: str | None = None
    event_date: date | None = None
    awareness_date: OdooDatetime | None = None
    patient_involved: bool = False
    malfunction: bool = False
    injury: bool = False
    serious_injury: bool = False
    death: bool = False
    unanticipated_deterioration: bool = False
    public_health_threat: bool = False
    remedial_action: bool = False
    fda_written_request: bool = False
    fda_written_request_ref: str | None = None
    group_event: bool = False
    event_abroad: bool = False
    fda_reportable: bool = False
    eu_reportable: bool = False
    nmpa_reportable: bool = False
    decision_rationale: str | None = None


class Complaint(OdooModel):
    """An ``md.quality.complaint`` record (ISO 13485 8.2.2) with its reporting deadlines (UTC)."""

    id: int
    name: str
    title: str
    state: ComplaintState
    channel: ComplaintChannel
    partner_id: OptRecordId = None
    product_id: OptRecordId = None
    lot_id: OptRecordId = None
    awareness_date: Utc
    fda_reportable: bool = False
    eu_reportable: bool = False
    nmpa_reportable: bool = False
    fda_deadline: OptUtc = None
    eu_deadline: OptUtc = None
    nmpa_deadline: OptUtc = None
    nmpa_group_individual_deadline: OptUtc = None
    nmpa_group_followup_deadline: OptUtc = None
    next_deadline: OptUtc = None
    report_overdue: bool = False
    ncr_id: OptRecordId = None
    capa_id: OptRecordId = None


# --- md.recall ------------------------------------------------------------------------------

RecallSource = Literal["complaint", "capa", "nonconformance", "regulator", "supplier", "internal"]
RecallState = Literal["draft", "open", "closed"]
FdaClass = Literal["1", "2", "3"]
NmpaLevel = Literal["1", "2", "3"]
NotificationMethod = Literal["email", "phone", "post", "fax", "in_person", "courier", "other"]


class RecallRequest(OdooRequest):
    """The values of a recall to create from lots (``md.recall`` ``md_create_from_lots``;
    regulatory affairs and quality managers). An FDA class needs a signed health hazard
    evaluation before the recall starts (21 CFR 7.41)."""

    name: str | None = Field(None, description="the subject; default 'Recall of <lots>'")
    description: str | None = None
    source: RecallSource | None = None
    source_model: str | None = None
    source_res_id: int | None = None
    fda_class: FdaClass | None = None
    nmpa_level: NmpaLevel | None = None
    eu_fsca: bool | None = None
    is_mock: bool | None = Field(None, description="a drill: no holds, no notification emails")
    decision_date: date | None = None
    initiated_date: date | None = None


class RecallClassification(OdooModel):
    fda_class: OptStr = None
    nmpa_level: OptStr = None
    eu_fsca: bool = False


class RecallDeadlines(OdooModel):
    decision_date: OptDate = None
    notification: OptDate = None
    fda_806: OptDate = None
    nmpa_report: OptDate = None
    notification_overdue: bool = False
    fda_806_overdue: bool = False


class RecallUnits(OdooModel):
    total: float = 0.0
    in_stock: float = 0.0
    held: float = 0.0
    at_customers: float = 0.0
    returned: float = 0.0
    destroyed: float = 0.0


class RecallQuantities(OdooModel):
    total: float = 0.0
    in_stock: float = 0.0
    held: float = 0.0
    delivered: float = 0.0
    returned: float = 0.0
    destroyed: float = 0.0
    corrected: float = 0.0
    in_field: float = 0.0


class RecallConsignee(OdooModel):
    """One consignee and lot of a recall: delivered, notified, acknowledged, what became of it."""

    partner_id: int
    lot_id: int
    quantity: float
    notified: bool = False
    acknowledged: bool = False
    returned: float = 0.0
    destroyed: float = 0.0
    corrected: float = 0.0
    in_field: float = 0.0
    notification_method: OptStr = None
    acknowledged_by: OptStr = None
    exception: bool = False
    settled: bool = False


class RecallRegulatory(OdooModel):
    fda_806_required: bool = False
    hhe_id: OptInt = None
    initiated_date: OptDate = None
    completed_date: OptDate = None


class RecallStatus(OdooModel):
    """``md.recall`` ``md_status(ids)``: one recall's state, classification, deadlines,
    effectiveness (% of the units delivered that are settled), units and consignees.
    ``reports`` holds the submission dates and overdue flags of each regulatory report."""

    id: int
    reference: str
    state: RecallState
    is_mock: bool = False
    classification: RecallClassification
    deadlines: RecallDeadlines
    effectiveness: float
    customers: list[RecallConsignee] = Field(default_factory=list)
    units: RecallUnits
    markets: list[str] = Field(default_factory=list, description="ISO codes of the markets concerned")
    regulatory: RecallRegulatory = Field(default_factory=RecallRegulatory)
    reports: dict[str, Any] = Field(default_factory=dict)
    quantities: RecallQuantities = Field(default_factory=RecallQuantities)
    consignees: list[RecallConsignee] = Field(default_factory=list)
    can_close: bool = False
    closure_blockers: list[str] = Field(default_factory=list)


class RecallCustomerLine(OdooModel):
    """An ``md.recall.customer`` line (one consignee, one lot): its id is what
    ``record_notification`` and ``record_acknowledgement`` take."""

    id: int
    recall_id: RecordId
    partner_id: RecordId
    lot_id: RecordId
    quantity: float
    notified_at: OptUtc = None
    notification_method: OptStr = None
    notification_contact: OptStr = None
    ack_date: OptDate = None
    ack_contact: OptStr = None
    ack_qty_on_hand: float = 0.0
    returned_qty: float = 0.0
    destroyed_qty: float = 0.0
    corrected_qty: float = 0.0
    settled: bool = False


# --- md.registration, md.partner.licence ------------------------------------------------------

RegistrationType = Literal[
    "nmpa_registration", "nmpa_filing", "fda_510k", "fda_pma", "fda_de_novo", "eu_mdr", "other"
]
RegistrationState = Literal["draft", "valid", "expired", "withdrawn"]


class _Certificate(OdooModel):
    issue_date: OptDate = None
    expiry_date: OptDate = None
    withdrawn_on: OptUtc = None

    def _dates_in_force(self, day: date) -> bool:
        return (
            self.withdrawn_on is None
            and (self.issue_date is None or self.issue_date <= day)
            and (self.expiry_date is None or self.expiry_date >= day)
        )


class Registration(_Certificate):
    """An ``md.registration`` record: a marketing authorisation (NMPA 注册证/备案凭证, FDA
    510(k)/PMA/De Novo, EU MDR certificate) of products or categories in countries."""

    id: int
    registration_type: RegistrationType
    number: str
    state: RegistrationState
    country_id: OptRecordId = None
    country_group_id: OptRecordId = None
    covered_country_ids: Ids = Field(default_factory=list)
    holder_id: RecordId
    notified_body_id: OptRecordId = None
    product_tmpl_ids: Ids = Field(default_factory=list)
    categ_ids: Ids = Field(default_factory=list)
    approved_on: OptUtc = None

    def in_force(self, day: date | None = None) -> bool:
        """Approved, not withdrawn, issued and not expired on ``day`` (default today): the market
        gate's rule, on the dates rather than on ``state``, which the daily job refreshes."""
        return self.approved_on is not None and self._dates_in_force(day or date.today())


LicenceState = Literal["valid", "expired", "withdrawn"]


class PartnerLicence(_Certificate):
    """An ``md.partner.licence`` record: a licence, filing or certificate a supplier or customer
    holds (生产/经营许可证, 医疗机构执业许可证, ISO 13485 certificate...) and the NMPA device
    classes and categories it covers (no class and no category: every device)."""

    id: int
    partner_id: RecordId
    licence_type_id: RecordId
    licence_type: OptStr = Field(None, description="the licence type's name")
    number: str
    issuer: OptStr = None
    state: LicenceState
    covers_class_i: bool = False
    covers_class_ii: bool = False
    covers_class_iii: bool = False
    categ_ids: Ids = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _type_name(cls, data: Any) -> Any:
        """The type's name from the ``[id, name]`` pair ``read`` returns for ``licence_type_id``."""
        pair = data.get("licence_type_id") if isinstance(data, dict) else None
        if isinstance(pair, list | tuple) and len(pair) == 2 and "licence_type" not in data:
            return {**data, "licence_type": pair[1]}
        return data

    def in_force(self, day: date | None = None) -> bool:
        """Not revoked, issued and not expired on ``day`` (default today)."""
        return self._dates_in_force(day or date.today())
