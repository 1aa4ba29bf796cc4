"""Demo-only: a recall drill, called once from demo/md_recall_demo.xml."""

from odoo import api, models

DEMO_DRILL_LOT = "PVC-2026-0311"


class MdRecall(models.Model):
    _inherit = "md.recall"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _md_demo_create_drill(self):
        """A mock recall of the demo PVC tubing lot of md_udi_trace's traceability story:
        its scope reaches both infusion set lots and the hospital. No stock move, no hold."""
        lot = self.env["stock.lot"].search(
            [("name", "=", DEMO_DRILL_LOT), ("company_id", "in", [self.env.company.id, False])], limit=1
        )
        if not lot:
            return self.browse()
        recall = self.browse(
            self.md_create_from_lots(
                lot.ids,
                {
                    "name": "Drill: PVC tubing lot with out-of-specification plasticiser",
                    "is_mock": True,
                    "source": "supplier",
                    "nmpa_level": "2",
                    "fda_class": "2",
                    "description": "Annual recall drill (ISO 13485 8.3.3 advisory notices): trace a "
                    "component lot to every finished unit and customer.",
                },
            )
        )
        recall.action_start()
        return recall
