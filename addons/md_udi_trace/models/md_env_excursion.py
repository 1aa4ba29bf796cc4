"""Storage excursions: readings outside the limits, and gaps in the record.

Found set-based, one statement per place for every kind of limit (gaps-and-islands over the
place's readings), then the lots that were in the place during each excursion come from the
move history in one statement (genealogy.lots_in_location) and go on hold with the excursion
as their source. Assessment and disposition are the quality unit's, signed (ISO 13485:2016
7.5.11 preservation, 8.3 nonconforming product; 21 CFR 11.50; China's medical device GSP,
NMPA announcement 2023 No. 153, Art. 74: products with a suspected quality problem are isolated
and marked at once, and Art. 99: the emergency plan against loss of temperature control).
"""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import genealogy

KINDS = [
    ("temperature", "Temperature Outside the Place's Limits"),
    ("humidity", "Humidity Outside the Place's Limits"),
    ("product_temperature", "Temperature Outside a Product's Storage Range"),
    ("gap", "Gap in the Record"),
]
STATES = [("open", "Open"), ("assessed", "Assessed"), ("closed", "Closed")]
DISPOSITIONS = [("release", "Release: Product Not Affected"), ("reject", "Reject: Product Affected")]
# Found by the system: what it found is fixed; people write the assessment and decide.
TRANSITION_FIELDS = (
    "kind", "limit_low", "limit_high", "product_tmpl_ids", "start", "end", "ongoing", "value_min",
    "value_max", "reading_count", "lot_ids", "decided_by_id", "decided_on", "decision_reason",
)  # fmt: skip
# The signed decision (21 CFR 11.50: the meaning is part of the record).
DECISION = "approved"


class MdEnvExcursion(models.Model):
    _name = "md.env.excursion"
    _description = "Storage Excursion"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin", "md.signable.mixin"]
    _order = "start desc, id desc"

    _md_signed_fields = ["name", "place_id", "kind", "start", "end", "lot_ids", "assessment", "disposition"]
    _md_sign_on_change = "refuse"
    _md_transition_fields = TRANSITION_FIELDS
    _md_create_only_fields = ("name", "place_id")
    _md_closed_states = ("closed",)
    _md_field_states = {"assessment": ("open", "assessed"), "disposition": ("open", "assessed")}
    _md_deletable_states = ()

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/")
    place_id = fields.Many2one("md.env.place", required=True, readonly=True, index=True, ondelete="restrict")
    location_id = fields.Many2one(related="place_id.location_id")
    company_id = fields.Many2one(related="place_id.company_id", store=True, index=True)
    state = fields.Selection(STATES, required=True, default="open", index=True, tracking=True, copy=False)
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    limit_low = fields.Float("Lower Limit", readonly=True)
    limit_high = fields.Float("Upper Limit", readonly=True)
    product_tmpl_ids = fields.Many2many(
        "product.template", string="Products With This Range", readonly=True,
        help="For an excursion from a product's storage range: the products stored with that range.",
    )  # fmt: skip
    start = fields.Datetime(required=True, readonly=True, index=True)
    end = fields.Datetime(
        readonly=True, help="The first reading back within the limits (or the last reading)."
    )
    ongoing = fields.Boolean(readonly=True, help="No reading back within the limits yet.")
    value_min = fields.Float("Lowest Value", readonly=True)
    value_max = fields.Float("Highest Value", readonly=True)
    reading_count = fields.Integer("Readings Outside", readonly=True)
    duration_minutes = fields.Integer("Duration (minutes)", compute="_compute_duration", store=True)
    lot_ids = fields.Many2many("stock.lot", string="Lots/Serials Affected", readonly=True)
    hold_ids = fields.Many2many("md.lot.hold", compute="_compute_hold_ids", string="Holds")
    active_hold_count = fields.Integer(compute="_compute_hold_ids", string="Active Holds")
    assessment = fields.Text(tracking=True, help="Effect of the conditions on the devices (labelled storage "
                             "conditions, stability data, the manufacturer's opinion).")  # fmt: skip
    disposition = fields.Selection(DISPOSITIONS, tracking=True)
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decided_on = fields.Datetime(readonly=True, copy=False)
    decision_reason = fields.Text(readonly=True, copy=False)

    @api.depends("start", "end")
    def _compute_duration(self):
        for excursion in self:
            span = (excursion.end - excursion.start) if excursion.start and excursion.end else timedelta()
            excursion.duration_minutes = int(span.total_seconds() // 60)

    def _compute_hold_ids(self):
        holds = self.env["md.lot.hold"].search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        for excursion in self:
            own = holds.filtered(lambda h, excursion=excursion: h.res_id == excursion.id)
            excursion.hold_ids = own
            excursion.active_hold_count = len(own.filtered(lambda h: h.state == "active"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("md.env.excursion") or "/"
        return super().create(vals_list)

    # --- detection ----------------------------------------------------------------

    @api.model
    def _md_detect(self, place, since):
        """Find the excursions of ``place`` in its readings from ``since`` on: new ones are
        recorded and their lots held; open ones that continue are extended."""
        self.env.flush_all()
        since = self._md_scan_start(place, since)
        found = self._md_scan_limits(place, since) + self._md_scan_gaps(place, since)
        return self.sudo()._md_record(place, found)

    @api.model
    def _md_scan_start(self, place, since):
        """Start at the reading before ``since`` (a gap before the new readings counts), and at
        the start of any excursion still running then, so that it is extended, not repeated."""
        self.env.cr.execute(
            "SELECT MAX(measured_at) FROM md_env_reading WHERE place_id = %s AND measured_at < %s",
            (place.id, since),
        )
        since = self.env.cr.fetchone()[0] or since
        running = self.sudo().search(
            [("place_id", "=", place.id), ("end", ">=", since)], order="start", limit=1
        )
        return min(since, running.start) if running else since

    @api.model
    def _md_scan_limits(self, place, since):
        """Islands of consecutive readings outside each set of limits (one statement)."""
        limit_sets = place._md_limit_sets(fields.Datetime.now())
        values = SQL(", ").join(
            SQL("(%s, %s, %s::float8, %s::float8)", index, kind, low, high)
            for index, (kind, low, high, _products) in enumerate(limit_sets)
        )
        self.env.cr.execute(
            SQL(
                """
                WITH limits(idx, kind, low, high) AS (VALUES %(values)s),
                checked AS (
                    SELECT l.idx, r.measured_at, v.value, (v.value < l.low OR v.value > l.high) AS outside,
                           LEAD(r.measured_at) OVER (PARTITION BY l.idx ORDER BY r.measured_at) AS next_at
                      FROM md_env_reading r
                     CROSS JOIN limits l
                     CROSS JOIN LATERAL (SELECT CASE WHEN l.kind = 'humidity' THEN r.humidity
                                                     ELSE r.temperature END AS value) v
                     WHERE r.place_id = %(place)s AND r.measured_at >= %(since)s AND v.value IS NOT NULL
                ),
                islands AS (
                    SELECT *, SUM((NOT outside)::int) OVER (PARTITION BY idx ORDER BY measured_at) AS island
                      FROM checked
                )
                SELECT idx, MIN(measured_at), MAX(COALESCE(next_at, measured_at)),
                       bool_or(next_at IS NULL), MIN(value), MAX(value), COUNT(*)
                  FROM islands
                 WHERE outside
                 GROUP BY idx, island
                 ORDER BY idx, MIN(measured_at)
                """,
                values=values,
                place=place.id,
                since=since,
            )
        )
        return [
            {
                "kind": limit_sets[idx][0],
                "limit_low": limit_sets[idx][1],
                "limit_high": limit_sets[idx][2],
                "product_tmpl_ids": limit_sets[idx][3],
                "start": start,
                "end": end,
                "ongoing": ongoing,
                "value_min": low,
                "value_max": high,
                "reading_count": count,
            }
            for idx, start, end, ongoing, low, high, count in self.env.cr.fetchall()
        ]

    @api.model
    def _md_scan_gaps(self, place, since):
        """Silences longer than the place's maximum interval between two readings (one statement)."""
        self.env.cr.execute(
            """
            SELECT previous_at, measured_at
              FROM (SELECT measured_at, LAG(measured_at) OVER (ORDER BY measured_at) AS previous_at
                      FROM (SELECT DISTINCT measured_at FROM md_env_reading
                             WHERE place_id = %s AND measured_at >= %s) times) steps
             WHERE measured_at - previous_at > %s * interval '1 minute'
             ORDER BY previous_at
            """,
            (place.id, since, place.max_interval),
        )
        return [
            {"kind": "gap", "start": start, "end": end, "ongoing": False, "reading_count": 0}
            for start, end in self.env.cr.fetchall()
        ]

    @api.model
    def _md_record(self, place, found):
        """Create the excursions not recorded yet and extend the open ones that continue."""
        existing = {
            (exc.kind, exc.limit_low, exc.limit_high, exc.start): exc
            for exc in self.search(
                [("place_id", "=", place.id), ("start", "in", [f["start"] for f in found])]
            )
        }
        changed = self.browse()
        for values in found:
            key = (
                values["kind"],
                values.get("limit_low", 0.0),
                values.get("limit_high", 0.0),
                values["start"],
            )
            excursion = existing.get(key)
            if excursion and (excursion.end, excursion.reading_count) == (
                values["end"],
                values["reading_count"],
            ):
                continue
            if excursion and excursion.state != "open":
                continue  # decided on what was known then; a later part is its own excursion
            products = values.pop("product_tmpl_ids", None)
            if products:
                values["product_tmpl_ids"] = [Command.set(products)]
            if excursion:
                excursion._md_write_transition(values)
            else:
                excursion = self._md_create_transition([{**values, "place_id": place.id}])
            excursion._md_hold_lots()
            changed |= excursion
        return changed

    def _md_hold_lots(self):
        """The lots in the place during the excursion go on hold, this excursion as the source."""
        self.ensure_one()
        products = None
        if self.kind == "product_temperature":
            products = self.product_tmpl_ids.product_variant_ids.ids
        self.env.flush_all()
        rows = genealogy.lots_in_location(
            self.env.cr,
            self.location_id.id,
            self.start,
            self.end or self.start,
            [self.company_id.id],
            products,
        )
        quantities = dict(rows)
        new = self.env["stock.lot"].browse(list(quantities)) - self.lot_ids
        if not new:
            return
        self._md_write_transition({"lot_ids": [Command.link(lot.id) for lot in new]})
        new._md_place_hold("hold", self._md_hold_reason(), source=self)
        self._md_lots_held(new, quantities)

    def _md_lots_held(self, lots, quantities):
        """Hook after ``lots`` were put on hold by this excursion (``quantities``: the most of
        each lot that was in the place then): the quality unit is told (md_quality also opens a
        nonconformance report)."""
        self._md_notify_quality()

    def _md_hold_reason(self):
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        return self.env._(
            "Storage excursion %(ref)s at %(place)s: %(kind)s.",
            ref=self.name,
            place=self.place_id.name,
            kind=kind,
        )

    def _md_notify_quality(self):
        """An activity for each quality manager: affected product waits for an assessment."""
        for manager in self.company_id._md_quality_managers():
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Assess the storage excursion %s", self.name),
                user_id=manager.id,
            )

    # --- assessment and signed disposition ---------------------------------------------

    def action_assessed(self):
        """The assessment is written and a disposition proposed: ready for the signed decision."""
        self.check_access("write")
        self._md_check_state(("open",), self.env._("Completing the assessment"))
        for excursion in self:
            excursion._md_check_assessment()
        self._md_write_transition({"state": "assessed"})
        return True

    def _md_check_assessment(self):
        self.ensure_one()
        if not (self.assessment or "").strip() or not self.disposition:
            raise UserError(
                self.env._(
                    "Write the assessment of %s and choose its disposition before deciding.", self.name
                )
            )

    def action_decide(self):
        """Open the signing dialog: the quality unit's signed decision applies the disposition."""
        self.ensure_one()
        self._md_check_signable(DECISION)
        action = self.action_md_sign()
        action["context"]["default_meaning_id"] = self.env.ref("md_base.md_signature_meaning_approved").id
        return action

    def _md_check_signable(self, meaning):
        if meaning == DECISION:
            self._md_check_state(("assessed",), self.env._("Deciding on an excursion"))
            for excursion in self:
                excursion._md_check_assessment()
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        for signature in signatures.filtered(lambda s: s.meaning == DECISION):
            self.browse(signature.res_id)._md_decide(signature)
        return result

    def _md_decide(self, signature):
        """Release: the holds are released. Reject: the lots are held as rejected until the
        nonconforming product is disposed of (ISO 13485 8.3)."""
        self.ensure_one()
        self._md_check_required_signature(DECISION)
        active = self.hold_ids.filtered(lambda h: h.state == "active")
        reason = self.env._("Excursion %(ref)s decided: %(reason)s", ref=self.name, reason=signature.reason)
        active._md_release(reason)
        if self.disposition == "reject":
            active.lot_id.sudo()._md_place_hold(
                "rejected", self.env._("Rejected after storage excursion %s.", self.name), source=self
            )
        self._md_write_transition(
            {
                "state": "closed",
                "decided_by_id": signature.signer_id.id,
                "decided_on": signature.signed_at,
                "decision_reason": signature.reason,
            }
        )
        self.activity_ids.sudo().action_feedback(feedback=reason)
