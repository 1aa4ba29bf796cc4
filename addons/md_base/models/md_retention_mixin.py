"""Records retention, adopted by declaration.

ISO 13485:2016 4.2.5 (incorporated by FDA's QMSR, 21 CFR 820.10 and 820.35;
formerly 21 CFR 820.180(b)) and China's GSP (医疗器械经营质量管理规范 Art. 23,
under 医疗器械监督管理条例 Art. 45) keep records for a period: nobody deletes
or archives a record inside it, whatever the path a caller takes (form,
XML-RPC, JSON-RPC, context keys, the superuser). Only the uninstall of the
module whose data a record is removes it.

A model adopts it with ``_inherit = [..., "md.retention.mixin"]``: every
regulated record gets it through ``md.workflow.mixin``, a standard model in
the addon that owns its records (md_udi_trace for transfers, md_regulatory for
sales orders). How long is configuration: ``md.retention.policy``. The form of
a model with an active policy shows how long the record is kept.
"""

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from .module_data import module_data_uninstalling


class MdRetentionMixin(models.AbstractModel):
    _name = "md.retention.mixin"
    _description = "Records Retention"

    md_retain_until = fields.Date(
        string="Kept Until",
        compute="_compute_md_retention",
        help="The record cannot be deleted nor archived until after this date (records retention policy).",
    )
    md_retained_permanently = fields.Boolean(
        string="Kept Permanently",
        compute="_compute_md_retention",
        help="A records retention policy keeps this record permanently (e.g. implantable devices).",
    )

    def _compute_md_retention(self):
        periods = self.env["md.retention.policy"]._md_retention_of(self)
        for record in self:
            until, permanent, _policy = periods.get(record.id, (None, False, None))
            record.md_retain_until = until or False
            record.md_retained_permanently = permanent

    def _md_retained(self):
        """``{id: (until, permanent, policy)}`` of the records inside their retention period today."""
        today = fields.Date.today()
        periods = self.env["md.retention.policy"]._md_retention_of(self)
        return {record_id: period for record_id, period in periods.items() if period[1] or period[0] >= today}

    def _md_check_retention(self, deleting):
        """Refuse deleting (or archiving) the records inside their retention period, to everyone."""
        if not self or module_data_uninstalling(self):
            return
        retained = self._md_retained()
        if not retained:
            return
        lines = []
        for record in self.sudo().browse(list(retained)):
            until, permanent, policy = retained[record.id]
            if permanent:
                lines.append(
                    self.env._(
                        "%(record)s: kept permanently (%(policy)s)",
                        record=record.display_name,
                        policy=policy.name,
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "%(record)s: kept until %(date)s (%(policy)s)",
                        record=record.display_name,
                        date=format_date(self.env, until),
                        policy=policy.name,
                    )
                )
        if deleting:
            message = self.env._(
                "Records inside their retention period cannot be deleted, by anyone: %(records)s.",
                records="; ".join(lines),
            )
        else:
            message = self.env._(
                "Records inside their retention period cannot be archived, by anyone: %(records)s.",
                records="; ".join(lines),
            )
        raise UserError(message)

    @api.ondelete(at_uninstall=True)
    def _md_unlink_retained(self):
        # ISO 13485:2016 4.2.5; China GSP Art. 23. Checked at uninstall too: Odoo's uninstall flag is a
        # context key that any caller could send, so module_data_uninstalling() checks the module.
        self._md_check_retention(deleting=True)

    def write(self, vals):
        active = self._active_name
        if active and active in vals and not vals[active]:
            self.browse(self.sudo().filtered(active).ids)._md_check_retention(deleting=False)
        return super().write(vals)

    def action_md_retention_info(self):
        """The 'Kept until' button: how long the record is kept, and why."""
        self.ensure_one()
        self.check_access("read")
        until, permanent, policy = (
            self.env["md.retention.policy"]._md_retention_of(self).get(self.id, (None, False, None))
        )
        if policy is None:
            message = self.env._("No records retention policy covers this record.")
        elif permanent:
            message = self.env._(
                "Kept permanently under %(policy)s: %(basis)s", policy=policy.name, basis=policy.legal_basis
            )
        else:
            message = self.env._(
                "Kept until %(date)s under %(policy)s: %(basis)s",
                date=format_date(self.env, until),
                policy=policy.name,
                basis=policy.legal_basis,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": self.env._("Records retention"), "message": message, "sticky": True},
        }

    # --- form view: how long the record is kept ------------------------------

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form" and self.env["md.retention.policy"]._md_has_policy(self._name):
            self._md_add_retention_elements(arch)
        return arch, view

    @api.model
    def _md_add_retention_elements(self, arch):
        """A readonly 'Kept until <date>' / 'Kept permanently' stat button in the button box."""
        sheet = arch.find(".//sheet")
        box = arch.find(".//div[@name='button_box']")
        if box is None:
            if sheet is None:
                return
            box = etree.Element("div", {"name": "button_box", "class": "oe_button_box"})
            sheet.insert(0, box)
        until = etree.SubElement(
            box,
            "button",
            {
                "name": "action_md_retention_info",
                "type": "object",
                "class": "oe_stat_button",
                "icon": "fa-archive",
                "invisible": "not md_retain_until or md_retained_permanently",
            },
        )
        info = etree.SubElement(until, "div", {"class": "o_field_widget o_stat_info"})
        etree.SubElement(info, "span", {"class": "o_stat_text"}).text = self.env._("Kept Until")
        value = etree.SubElement(info, "span", {"class": "o_stat_value"})
        etree.SubElement(value, "field", {"name": "md_retain_until", "readonly": "1"})
        etree.SubElement(info, "field", {"name": "md_retained_permanently", "invisible": "1"})
        permanent = etree.SubElement(
            box,
            "button",
            {
                "name": "action_md_retention_info",
                "type": "object",
                "class": "oe_stat_button",
                "icon": "fa-lock",
                "invisible": "not md_retained_permanently",
            },
        )
        info = etree.SubElement(permanent, "div", {"class": "o_field_widget o_stat_info"})
        etree.SubElement(info, "span", {"class": "o_stat_value"}).text = self.env._("Kept")
        etree.SubElement(info, "span", {"class": "o_stat_text"}).text = self.env._("Permanently")
