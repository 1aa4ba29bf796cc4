from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .release_common import ReleaseCase

POLICIES = ("dhr", "inspection", "ncr", "complaint", "capa")


def kept(record):
    record.invalidate_recordset(["md_retain_until", "md_retained_permanently"])
    return record.md_retain_until, record.md_retained_permanently


@tagged("post_install", "-at_install")
class TestQualityRecordRetention(ReleaseCase):
    """ISO 13485:2016 4.2.5, incorporated by FDA's QMSR (21 CFR 820.10, 820.35; formerly 820.180(b)):
    quality records are kept for at least the lifetime of the device as the organisation defines it,
    and not less than two years from its release: md_quality's default retention policies."""

    def test_default_policies_of_the_main_company(self):
        models = set()
        for name in POLICIES:
            policy = self.env.ref(f"md_quality.md_retention_policy_{name}")
            self.assertEqual(policy.company_id, self.env.ref("base.main_company"))
            self.assertEqual(policy.years_after_start, 2)
            self.assertEqual(policy.life_years_field, "product_id.md_expected_life_years")
            self.assertIn("4.2.5", policy.legal_basis)
            models.add(policy.model_name)
        self.assertEqual(
            models,
            {
                "md.quality.dhr",
                "md.quality.inspection",
                "md.quality.ncr",
                "md.quality.complaint",
                "md.quality.capa",
            },
        )

    def test_dhr_released_today_kept_for_the_device_life(self):
        """A DHR released today of a device with a 5-year expected life is kept 5 years."""
        self.device.product_tmpl_id.md_expected_life_years = 5
        production, _serial = self.produce("SN-RET-1")
        dhr = production.md_dhr_ids
        self.assertEqual(kept(dhr), (dhr.create_date.date() + relativedelta(years=5), False), "pending")
        self.sign(dhr, self.approver)
        self.assertEqual(dhr.state, "released")
        today = fields.Date.today()
        self.assertEqual(dhr.decision_on.date(), today)
        self.assertEqual(kept(dhr), (today + relativedelta(years=5), False))
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            dhr.sudo().with_context(_force_unlink=True).unlink()
        self.assertTrue(dhr.exists())

    def test_dhr_of_a_short_lived_device_kept_2_years_from_release(self):
        self.device.product_tmpl_id.md_expected_life_years = 1
        production, _serial = self.produce("SN-RET-2")
        dhr = production.md_dhr_ids
        self.sign(dhr, self.approver)
        self.assertEqual(kept(dhr), (dhr.decision_on.date() + relativedelta(years=2), False))

    def test_dhr_form_shows_the_period(self):
        arch = self.env["md.quality.dhr"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="md_retain_until"', arch)

    def test_capa_in_its_first_state_is_no_record_yet(self):
        capa = self.env["md.quality.capa"].create(
            {
                "title": "Leaking seals",
                "capa_type": "corrective",
                "source": "ncr",
                "product_id": self.device.id,
                "problem_statement": "Seal leak at final inspection.",
            }
        )
        self.assertEqual(kept(capa), (False, False))
