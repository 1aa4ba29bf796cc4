"""Tester models of the md_base mixins, registered only during the tests
(odoo_test_helper.FakeModelLoader, as OCA tests its mixins)."""

from odoo import api, fields, models

RELEASED = "released"


class MdBaseTester(models.Model):
    """A regulated record adopting the three mechanisms: a draft that is reviewed,
    then released by an e-signature or cancelled; released and cancelled are closed."""

    _name = "md.base.tester"
    _description = "MedDev Base Tester"
    _inherit = ["mail.thread", "md.signable.mixin", "md.workflow.mixin"]

    _md_signed_fields = ["name", "reason", "line_ids"]
    _md_sign_on_change = "refuse"
    _md_author_field = "placed_by_id"
    _md_transition_fields = ("placed_by_id", "released_by_id", "released_at", "release_reason")
    _md_create_only_fields = ("company_id",)
    _md_closed_states = ("released", "cancelled")
    _md_editable_fields = ("note",)
    _md_field_states = {"description": ("draft",)}

    name = fields.Char(required=True)
    reason = fields.Text(required=True)
    description = fields.Text()
    note = fields.Text()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    state = fields.Selection(
        [("draft", "Draft"), ("review", "In Review"), ("released", "Released"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
    )
    placed_by_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    released_by_id = fields.Many2one("res.users")
    released_at = fields.Datetime()
    release_reason = fields.Text()
    line_ids = fields.One2many("md.base.tester.line", "tester_id")
    # records retention (md.retention.mixin, adopted through md.workflow.mixin)
    expiry_date = fields.Date()
    implanted = fields.Boolean()

    def action_submit(self):
        self._md_check_state(("draft",), "Submitting")
        self._md_write_transition({"state": "review"})

    def action_cancel(self):
        self._md_check_state(("draft", "review"), "Cancelling")
        self._md_write_transition({"state": "cancelled"})

    def _md_check_signable(self, meaning):
        if meaning == RELEASED:
            self._md_check_state(("draft", "review"), "Releasing")
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        for signature in signatures.filtered(lambda s: s.meaning == RELEASED):
            self.browse(signature.res_id)._md_release(signature.reason)
        return result

    def _md_release(self, reason):
        self._md_check_required_signature(RELEASED)
        self._md_write_transition(
            {
                "state": "released",
                "released_by_id": self.env.user.id,
                "released_at": fields.Datetime.now(),
                "release_reason": reason,
            }
        )


class MdBaseTesterLine(models.Model):
    """A line of the tester without a state of its own: it follows its parent."""

    _name = "md.base.tester.line"
    _description = "MedDev Base Tester Line"
    _inherit = ["md.workflow.mixin"]

    _md_state_field = None
    _md_parent_field = "tester_id"
    _md_transition_fields = ("recorded_at",)
    _md_create_only_fields = ("tester_id",)

    tester_id = fields.Many2one("md.base.tester", required=True, ondelete="cascade")
    value = fields.Float()
    recorded_at = fields.Datetime()
    # records retention: a device's expiry and expected life, as a lot and a product carry them
    expires_on = fields.Date()
    life_years = fields.Integer()

    def action_record(self):
        self._md_write_transition({"recorded_at": fields.Datetime.now()})


class MdBaseTesterTask(models.Model):
    """A line with a state of its own whose parent's states limit it."""

    _name = "md.base.tester.task"
    _description = "MedDev Base Tester Task"
    _inherit = ["md.workflow.mixin"]

    _md_parent_field = "tester_id"
    _md_parent_states = ("draft", "review")
    _md_closed_states = ("done",)

    tester_id = fields.Many2one("md.base.tester", required=True, ondelete="cascade")
    name = fields.Char()
    state = fields.Selection([("open", "Open"), ("done", "Done")], default="open", required=True)


class MdBaseTesterComputed(models.Model):
    """A record whose lifecycle state is computed from its transition fields."""

    _name = "md.base.tester.computed"
    _description = "MedDev Base Tester with a Computed State"
    _inherit = ["md.workflow.mixin"]

    _md_transition_fields = ("approved_on",)

    name = fields.Char()
    approved_on = fields.Datetime()
    state = fields.Selection([("draft", "Draft"), ("valid", "Valid")], compute="_compute_state", store=True)

    @api.depends("approved_on")
    def _compute_state(self):
        for record in self:
            record.state = "valid" if record.approved_on else "draft"

    def action_approve(self):
        self._md_write_transition({"approved_on": fields.Datetime.now()})


class MdBaseTesterArchivable(models.Model):
    """A record without a lifecycle that adopts records retention alone, as a standard model does
    (stock.picking, sale.order), and can be archived."""

    _name = "md.base.tester.archivable"
    _description = "MedDev Base Tester with Retention"
    _inherit = ["md.retention.mixin"]

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    kept_from = fields.Date()
