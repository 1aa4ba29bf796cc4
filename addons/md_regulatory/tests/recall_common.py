"""Recalls built on the genealogy builders of md_udi_trace (receive, produce, deliver)."""

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.md_udi_trace.tests.test_genealogy_common import GenealogyCase

PASSWORD_SUFFIX = "-Pw1!"
# The factors of 21 CFR 7.41(a)(1)-(6) of a health hazard evaluation concluding Class II.
HHE_FACTORS = {
    "injuries_occurred": "No injury reported so far.",
    "contributing_conditions": "Use in intensive care with continuous infusion.",
    "populations_at_risk": "Infusion patients, neonates most at risk.",
    "seriousness": "temporary",
    "likelihood": "remote",
    "consequences": "Delayed therapy, medically reversible.",
}


class RecallCase(GenealogyCase):
    """A lot of 10 units: 4 delivered to the hospital, 6 in stock; users of each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Failed signing attempts are logged in a transaction of their own.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.hospital.email = "qa@city-hospital.example"
        cls.clinic.email = "pharmacy@clinic.example"
        cls.regulatory = cls._user("md_rcl_regulatory", "md_base.group_md_regulatory")
        cls.regulatory_2 = cls._user("md_rcl_regulatory2", "md_base.group_md_regulatory")
        cls.regulatory_2.email = False  # chatter notes must not need the user's email address
        cls.manager = cls._user("md_rcl_manager", "md_base.group_md_quality_manager")
        cls.md_user = cls._user("md_rcl_user", "md_base.group_md_user")
        cls.tubing_lot = cls.receive(cls.tubing, "TUB-RCL-1", 10.0)
        cls.hospital_delivery = cls._deliver_qty(cls.hospital, cls.tubing_lot, 4.0)
        cls.env["ir.config_parameter"].set_param("md_regulatory.recall_effectiveness_threshold", "95")

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            email=f"{login}@meddev.example",
            password=login + PASSWORD_SUFFIX,
        )

    @classmethod
    def _deliver_qty(cls, partner, lot, qty):
        picking = cls._picking(cls.warehouse.out_type_id, cls.stock_location, cls.customer_location, partner)
        move = cls._move(picking, lot.product_id, qty)
        move.move_line_ids = [Command.create(cls._line_vals(move, qty, lot=lot))]
        cls._validate(picking)
        return picking

    def new_recall(self, lots=None, user=None, **vals):
        Recall = self.env["md.recall"].with_user(user or self.regulatory)
        recall_id = Recall.md_create_from_lots((lots or self.tubing_lot).ids, vals)
        return Recall.browse(recall_id)

    def started_recall(self, **vals):
        """A started recall: with an approved health hazard evaluation when it has an FDA class
        (21 CFR 7.41) and its FSCA reported when it is an EU FSCA (MDR Art. 87(8))."""
        recall = self.new_recall(**vals)
        recall.action_compute_scope()
        if recall.fda_class:
            self.approve_hhe(recall)
        if recall.eu_fsca and not recall.eu_fsca_reported_date:
            recall.eu_fsca_reported_date = recall.decision_date
        recall.action_start()
        return recall

    def new_hhe(self, recall, **vals):
        values = dict(HHE_FACTORS, recall_id=recall.id, proposed_class=recall.fda_class or "2")
        values.update(vals)
        return self.env["md.recall.hhe"].with_user(self.regulatory).create(values)

    def approve_hhe(self, recall, **vals):
        """An evaluation written by Regulatory Affairs and approved by a second person."""
        hhe = self.new_hhe(recall, **vals)
        self.sign(hhe, "approved", self.regulatory_2)
        return hhe

    def sign(self, record, meaning, user=None, reason="Reviewed"):
        user = user or self.regulatory
        return record.with_user(user).md_sign(meaning, self.password(user), reason)

    def settle(self, lines, contact="Dr. Wang, head of pharmacy", method="phone"):
        """Notify the consignees of these lines by telephone and record their acknowledgement."""
        lines = lines.with_user(self.regulatory)
        lines.md_record_notification(method, contact=contact)
        lines.md_record_acknowledgement(contact, qty_on_hand=0.0)
        return lines

    def file_reports(self, recall):
        """Record the submissions every regime of the recall needs before closing."""
        today = fields.Date.context_today(recall)
        vals = {}
        if recall.fda_806_required:
            vals["fda_806_submitted_date"] = today
        if recall.nmpa_level:
            vals.update(nmpa_event_report_date=today, nmpa_report_submitted_date=today)
        if recall.eu_fsca:
            vals["eu_fsca_reported_date"] = today
        recall.write(vals)

    def validate_return(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        self._validate(picking)

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX
