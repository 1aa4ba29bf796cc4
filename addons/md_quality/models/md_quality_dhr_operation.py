from odoo import fields, models


class MdQualityDhrOperation(models.Model):
    """An operation of the DHR's manufacturing order as it was performed: who
    worked on it, from when to when (21 CFR 820.184(b), ISO 13485 7.5.1 and
    4.2.5: records of production, attributable to a person). One line per
    time log of a work order; a work order without time log gets one line."""

    _name = "md.quality.dhr.operation"
    _description = "Device History Record Operation"
    _inherit = ["md.workflow.mixin"]
    _order = "dhr_id, sequence, date_start, id"

    # Copied from production when the DHR is compiled; frozen with its DHR's decision.
    _md_state_field = None
    _md_parent_field = "dhr_id"
    _md_create_only_fields = ("dhr_id",)

    dhr_id = fields.Many2one("md.quality.dhr", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="dhr_id.company_id", store=True, index=True)
    sequence = fields.Integer(readonly=True)
    workorder_id = fields.Many2one("mrp.workorder", string="Work Order", readonly=True, ondelete="set null")
    name = fields.Char(string="Operation", required=True, readonly=True)
    workcenter_id = fields.Many2one(
        "mrp.workcenter", string="Work Center", readonly=True, ondelete="restrict"
    )
    user_id = fields.Many2one("res.users", string="Operator", readonly=True, ondelete="restrict")
    date_start = fields.Datetime(string="Start", readonly=True)
    date_end = fields.Datetime(string="End", readonly=True)
    duration = fields.Float(string="Duration (min)", readonly=True)
    qty_produced = fields.Float(string="Quantity Done", digits="Product Unit of Measure", readonly=True)
