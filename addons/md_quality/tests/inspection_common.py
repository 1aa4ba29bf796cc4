from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.md_udi_trace.tests.test_genealogy_common import GenealogyCase

PASSWORD_SUFFIX = "-Pw1!"


class InspectionCase(GenealogyCase):
    """Inspection plans on the genealogy products, an inspector and a plain
    user who can sign (known passwords), and helpers to enter results."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # failed signing attempts are logged in a transaction of their own (md_regulatory)
        if not cls.registry.in_test_mode():  # HttpCase (a tour) enters it itself
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.inspector = cls._user("md_q1_inspector", "md_base.group_md_quality_inspector")
        cls.plain_user = cls._user("md_q1_user", "md_base.group_md_user")
        cls.iqc_plan = cls.plan(cls.tubing, "receipt", aql="1", inspection_level="II")
        cls.length = cls.item(cls.iqc_plan, "Outer diameter", lower=2.9, upper=3.1, measure_count=3)
        cls.seal = cls.item(cls.iqc_plan, "Surface free of particles", test_type="check")

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(cls.env, login, groups=groups, password=login + PASSWORD_SUFFIX)

    @classmethod
    def plan(cls, product, trigger, **vals):
        return cls.env["md.quality.inspection.plan"].create(
            {
                "name": f"{trigger} {product.name}",
                "trigger": trigger,
                "product_tmpl_id": product.product_tmpl_id.id,
                **vals,
            }
        )

    @classmethod
    def item(cls, plan, name, test_type="measurement", lower=0.0, upper=0.0, **vals):
        return cls.env["md.quality.test.item"].create(
            {
                "plan_id": plan.id,
                "name": name,
                "test_type": test_type,
                "lower_limit": lower,
                "upper_limit": upper,
                **vals,
            }
        )

    def inspections_of(self, lots):
        return self.env["md.quality.inspection"].search([("lot_ids", "in", lots.ids)])

    def quarantine_holds(self, inspection):
        return self.env["md.lot.hold"].search(
            [("res_model", "=", inspection._name), ("res_id", "=", inspection.id), ("state", "=", "active")]
        )

    def enter_results(self, inspection, values=None, check="pass"):
        """Every measurement gets ``values`` (or its nominal-centred default), every check ``check``."""
        for line in inspection.line_ids.with_user(self.inspector):
            if line.test_type == "measurement":
                mid = (line.lower_limit + line.upper_limit) / 2
                line.md_record_values(values or [mid] * line.required_value_count)
            else:
                line.write({"check_result": check})

    def sign(self, inspection, user=None):
        user = user or self.inspector
        return inspection.with_user(user).md_sign(
            "verified", user.login + PASSWORD_SUFFIX, "Results verified"
        )

    @classmethod
    def receive_serials(cls, product, names, partner=None):
        """A done receipt creating one serial number per name."""
        picking = cls._picking(
            cls.warehouse.in_type_id, cls.supplier_location, cls.stock_location, partner or cls.supplier
        )
        move = cls._move(picking, product, len(names))
        move.move_line_ids = [Command.create(cls._line_vals(move, 1.0, lot_name=name)) for name in names]
        cls._validate(picking)
        return picking, move.move_line_ids.lot_id
