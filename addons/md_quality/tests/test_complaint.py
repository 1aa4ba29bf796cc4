from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.md_base.models.working_days import add_working_days

PASSWORD_SUFFIX = "-Pw1!"
# Monday 2 March 2026, 09:00 UTC.
AWARE = datetime(2026, 3, 2, 9, 0)


def gtin_with_check_digit(body13):
    """GS1 mod-10 check digit (GS1 General Specifications 7.9.1)."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body13)))
    return body13 + str((10 - total % 10) % 10)


class MdComplaintCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.intake = new_test_user(
            cls.env,
            "md_cmp_intake",
            groups="md_base.group_md_user",
            password="md_cmp_intake" + PASSWORD_SUFFIX,
        )
        cls.regulatory = new_test_user(
            cls.env,
            "md_cmp_regulatory",
            groups="md_base.group_md_regulatory",
            password="md_cmp_regulatory" + PASSWORD_SUFFIX,
        )
        cls.customer = cls.env["res.partner"].create({"name": "Riverside Hospital", "is_company": True})
        cls.gtin = gtin_with_check_digit("0692345699901")
        cls.device = cls.env["product.product"].create(
            {
                "name": "Infusion pump set",
                "md_is_device": True,
                "tracking": "lot",
                "md_udi_issuer": "gs1",
                "md_udi_di": cls.gtin,
            }
        )
        cls.lot = cls.env["stock.lot"].create({"name": "IPS2601", "product_id": cls.device.id})

    def new_complaint(self, **vals):
        values = {
            "title": "Occlusion alarm did not sound",
            "description": "Nurse reports the pump kept running with a kinked line.",
            "partner_id": self.customer.id,
            "product_id": self.device.id,
            "lot_id": self.lot.id,
            "awareness_date": AWARE,
        }
        values.update(vals)
        # Intake records the complaint; quality and regulatory staff handle it from then on.
        return (
            self.env["md.quality.complaint"].with_user(self.intake).create(values).with_user(self.regulatory)
        )

    def sign(self, complaint, meaning, user=None, reason="Assessed"):
        user = user or self.regulatory
        return complaint.with_user(user).md_sign(
            meaning, user.login + PASSWORD_SUFFIX, reason, login=user.login
        )


@tagged("post_install", "-at_install")
class TestComplaintDeadlines(MdComplaintCase):
    """Reporting deadlines from the awareness date per regime."""

    def test_not_reportable_has_no_deadline(self):
        complaint = self.new_complaint(death=True)
        self.assertFalse(complaint.fda_deadline or complaint.eu_deadline or complaint.nmpa_deadline)
        self.assertFalse(complaint.next_deadline)

    def test_fda_30_calendar_days_or_5_work_days(self):
        # 21 CFR 803.50(a) and 803.53(a)
        complaint = self.new_complaint(fda_reportable=True)
        self.assertEqual(complaint.fda_deadline, datetime(2026, 4, 1, 9, 0))
        complaint.remedial_action = True
        self.assertEqual(complaint.fda_deadline, datetime(2026, 3, 9, 9, 0))

    def test_fda_5_work_days_skip_public_holidays_of_the_fda_calendar(self):
        # 21 CFR 803.53(a): 5 work days, counted on the company's FDA deadline calendar.
        calendar = self.env["resource.calendar"].create(
            {"name": "US office", "tz": "UTC", "global_leave_ids": [Command.clear()]}
        )
        self.env.company.md_fda_calendar_id = calendar
        complaint = self.new_complaint(fda_reportable=True, remedial_action=True)
        self.assertEqual(complaint.fda_deadline, datetime(2026, 3, 9, 9, 0))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Office closed",
                "calendar_id": calendar.id,
                "date_from": datetime(2026, 3, 6),
                "date_to": datetime(2026, 3, 6, 23, 59, 59),
            }
        )
        complaint = self.new_complaint(fda_reportable=True, remedial_action=True)
        self.assertEqual(complaint.fda_deadline, datetime(2026, 3, 10, 9, 0))  # Friday 6 March skipped
        self.assertEqual(self.new_complaint(fda_reportable=True).fda_deadline, datetime(2026, 4, 1, 9, 0))

    def test_work_days_skip_weekends(self):
        thursday = datetime(2026, 3, 5, 9, 0)
        self.assertEqual(add_working_days(thursday, 5), datetime(2026, 3, 12, 9, 0))
        saturday = datetime(2026, 3, 7)
        self.assertEqual(add_working_days(saturday, 1), datetime(2026, 3, 9))  # -> Monday

    def test_eu_15_10_2_days(self):
        # EU MDR Art. 87(3), 87(5), 87(4)
        complaint = self.new_complaint(eu_reportable=True, serious_injury=True)
        self.assertEqual(complaint.eu_deadline, datetime(2026, 3, 17, 9, 0))
        complaint.unanticipated_deterioration = True
        self.assertEqual(complaint.eu_deadline, datetime(2026, 3, 12, 9, 0))
        complaint.write({"unanticipated_deterioration": False, "death": True})
        self.assertEqual(complaint.eu_deadline, datetime(2026, 3, 12, 9, 0))
        complaint.public_health_threat = True
        self.assertEqual(complaint.eu_deadline, datetime(2026, 3, 4, 9, 0))

    def test_nmpa_20_7_days_order_1_art_25(self):
        # 医疗器械不良事件监测和再评价管理办法 (SAMR/NHC Order No. 1, 2018) Art. 25
        complaint = self.new_complaint(nmpa_reportable=True, serious_injury=True)
        self.assertEqual(complaint.nmpa_deadline, datetime(2026, 3, 22, 9, 0))
        complaint.death = True
        self.assertEqual(complaint.nmpa_deadline, datetime(2026, 3, 9, 9, 0))
        self.assertFalse(complaint.nmpa_group_individual_deadline or complaint.nmpa_group_followup_deadline)

    def test_nmpa_group_event_12_hours_24_hours_7_days_order_1_chapter_3_section_3(self):
        """Order No. 1, Chapter III Section 3 (群体医疗器械不良事件): 12 hours by telephone or fax,
        each event as an individual report within 24 hours, the holder's investigation and
        self-inspection report within 7 days; all three are due before closing."""
        complaint = self.new_complaint(
            nmpa_reportable=True, death=True, group_event=True, decision_rationale="Cluster of 3 deaths."
        )
        self.assertEqual(complaint.nmpa_deadline, datetime(2026, 3, 2, 21, 0))
        self.assertEqual(complaint.nmpa_group_individual_deadline, datetime(2026, 3, 3, 9, 0))
        self.assertEqual(complaint.nmpa_group_followup_deadline, datetime(2026, 3, 9, 9, 0))
        self.assertEqual(complaint.next_deadline, complaint.nmpa_deadline)
        complaint.nmpa_report_date = AWARE + timedelta(hours=6)
        self.assertEqual(complaint.next_deadline, complaint.nmpa_group_individual_deadline)
        self.assertTrue(complaint.nmpa_group_overdue, "2 March 2026 is past")
        Complaint = self.env["md.quality.complaint"]
        self.assertIn(complaint, Complaint.search([("nmpa_group_overdue", "=", True)]))
        self.assertIn(complaint, Complaint.search([("report_overdue", "=", True)]))
        self.sign(complaint, "approved")
        complaint.investigation_summary = "Batch of tubing with a cracked connector."
        with self.assertRaisesRegex(UserError, "individual reports"):
            self.sign(complaint, "closed")
        complaint.write(
            {
                "nmpa_group_individual_date": AWARE + timedelta(hours=20),
                "nmpa_group_followup_date": AWARE + timedelta(days=5),
            }
        )
        self.assertFalse(complaint.nmpa_group_overdue)
        self.assertFalse(complaint.next_deadline)
        self.sign(complaint, "closed")
        self.assertEqual(complaint.state, "closed")

    def test_nmpa_event_abroad_30_days_order_1_art_27(self):
        complaint = self.new_complaint(nmpa_reportable=True, death=True, event_abroad=True)
        self.assertEqual(complaint.nmpa_deadline, datetime(2026, 4, 1, 9, 0))
        complaint.group_event = True
        self.assertEqual(complaint.nmpa_deadline, datetime(2026, 4, 1, 9, 0), "abroad: Art. 27 applies")
        self.assertFalse(
            complaint.nmpa_group_individual_deadline, "the group reports are for events in China"
        )

    def test_fda_5_work_days_on_written_request_803_53_b(self):
        complaint = self.new_complaint(fda_reportable=True)
        self.assertEqual(complaint.fda_deadline, datetime(2026, 4, 1, 9, 0))
        complaint.write({"fda_written_request": True, "fda_written_request_ref": "FDA letter 2026-02-10"})
        self.assertEqual(complaint.fda_deadline, datetime(2026, 3, 9, 9, 0))
        self.assertIn("fda_written_request", complaint._md_signed_fields, "part of the signed decision")

    def test_next_deadline_is_earliest_unfiled(self):
        complaint = self.new_complaint(
            fda_reportable=True, eu_reportable=True, nmpa_reportable=True, death=True
        )
        self.assertEqual(complaint.next_deadline, complaint.nmpa_deadline)  # 7 days
        complaint.nmpa_report_date = AWARE + timedelta(days=1)
        self.assertEqual(complaint.next_deadline, complaint.eu_deadline)  # 10 days

    def test_overdue_flags_and_search(self):
        aware = fields.Datetime.now() - timedelta(days=40)
        late = self.new_complaint(awareness_date=aware, fda_reportable=True, eu_reportable=True)
        on_time = self.new_complaint(awareness_date=fields.Datetime.now(), fda_reportable=True)
        self.assertTrue(late.fda_overdue and late.eu_overdue and late.report_overdue)
        self.assertFalse(late.nmpa_overdue)
        self.assertFalse(on_time.report_overdue)
        Complaint = self.env["md.quality.complaint"]
        self.assertIn(late, Complaint.search([("report_overdue", "=", True)]))
        self.assertNotIn(on_time, Complaint.search([("report_overdue", "=", True)]))
        late.fda_report_date = fields.Datetime.now()
        self.assertFalse(late.fda_overdue)
        self.assertTrue(late.report_overdue)  # EU still due
        self.assertIn(late, Complaint.search([("fda_overdue", "=", False)]))
        late.eu_report_date = fields.Datetime.now()
        self.assertFalse(late.report_overdue)
        self.assertIn(late, Complaint.search([("report_overdue", "!=", True)]))

    def test_event_after_awareness_refused(self):
        with self.assertRaises(ValidationError):
            self.new_complaint(event_date=AWARE.date() + timedelta(days=1))


@tagged("post_install", "-at_install")
class TestComplaintIntake(MdComplaintCase):
    """UDI scan at intake and the unit's service and delivery history."""

    def test_udi_scan_fills_product_and_lot(self):
        complaint = self.new_complaint(
            product_id=False, lot_id=False, udi_raw=f"(01){self.gtin}(17)281231(10){self.lot.name}"
        )
        self.assertEqual(complaint.product_id, self.device)
        self.assertEqual(complaint.lot_id, self.lot)
        self.assertTrue(complaint.name.startswith("CMP/"))

    def test_udi_scan_unknown_lot_or_di_refused(self):
        with self.assertRaisesRegex(UserError, "NOPE"):
            self.new_complaint(udi_raw=f"(01){self.gtin}(10)NOPE")
        with self.assertRaisesRegex(UserError, "device identifier"):
            self.new_complaint(udi_raw=f"(01){gtin_with_check_digit('0692345699902')}(10)X1")
        with self.assertRaises(UserError):
            self.new_complaint(udi_raw="(01)12345")

    def test_lot_of_other_product_refused(self):
        other = self.env["product.product"].create({"name": "Other", "tracking": "lot"})
        with self.assertRaises(ValidationError):
            self.new_complaint(lot_id=self.env["stock.lot"].create({"name": "X", "product_id": other.id}).id)

    def test_unit_history_lists_repairs_and_deliveries(self):
        product = self.env["product.product"].create(
            {"name": "Pump accessory", "is_storable": True, "tracking": "lot"}
        )
        lot = self.env["stock.lot"].create({"name": "ACC-1", "product_id": product.id})
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5, lot_id=lot)
        picking = self.env["stock.picking"].create(
            {
                "partner_id": self.customer.id,
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        repair = self.env["repair.order"].create(
            {"product_id": product.id, "lot_id": lot.id, "partner_id": self.customer.id}
        )
        complaint = self.new_complaint(product_id=product.id, lot_id=lot.id)
        self.assertEqual(complaint.sudo().repair_ids, repair)
        self.assertEqual(complaint.sudo().delivery_ids, picking)
        self.assertEqual((complaint.repair_count, complaint.delivery_count), (1, 1))
        complaint.partner_id = self.env["res.partner"].create({"name": "Another clinic"})
        self.assertEqual(complaint.delivery_count, 0)


@tagged("post_install", "-at_install")
class TestComplaintWorkflow(MdComplaintCase):
    """Signed reportability decision and closure; links to NCR, CAPA and recall."""

    def test_state_cannot_be_written_or_created(self):
        complaint = self.new_complaint()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            complaint.write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_complaint(state="decided")

    def test_intake_records_but_does_not_handle(self):
        """ISO 13485 8.2.2: complaints are handled by the functions responsible for them."""
        complaint = self.new_complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.intake).write({"title": "Edited at intake"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            complaint.sudo().unlink()

    def test_decision_needs_rationale_and_authorised_signer(self):
        complaint = self.new_complaint(fda_reportable=True)
        complaint.action_start_investigation()
        with self.assertRaisesRegex(UserError, "rationale"):
            self.sign(complaint, "approved")
        complaint.decision_rationale = "Malfunction that could cause serious injury if it recurred (803.3)."
        with self.assertRaises(UserError):
            self.sign(complaint, "approved", user=self.intake)
        self.sign(complaint, "approved")
        self.assertEqual(complaint.state, "decided")

    def test_changed_decision_voids_signature(self):
        complaint = self.new_complaint(decision_rationale="Not reportable: no injury, no malfunction.")
        self.sign(complaint, "approved")
        self.assertEqual(complaint.state, "decided")
        complaint.injury = True
        self.assertEqual(complaint.state, "investigation")
        self.assertTrue(complaint.md_signature_ids.voided)

    def test_closure_needs_filed_reports_and_summary(self):
        complaint = self.new_complaint(
            eu_reportable=True, decision_rationale="Serious incident (Art. 2(65))."
        )
        with self.assertRaisesRegex(UserError, "not possible"):
            self.sign(complaint, "closed")
        self.sign(complaint, "approved")
        with self.assertRaisesRegex(UserError, "EU"):
            self.sign(complaint, "closed")
        complaint.write({"eu_report_date": AWARE + timedelta(days=3), "eu_report_ref": "MIR-2026-0042"})
        self.assertEqual(complaint.state, "decided")
        with self.assertRaisesRegex(UserError, "investigation summary"):
            self.sign(complaint, "closed")
        complaint.investigation_summary = "Kinked line not detected: sensor threshold too high."
        self.sign(complaint, "closed")
        self.assertEqual(complaint.state, "closed")
        self.assertTrue(complaint.date_closed)
        with self.assertRaisesRegex(UserError, "is closed"):
            complaint.description = "changed"

    def test_links_to_ncr_capa_and_recall(self):
        complaint = self.new_complaint().with_user(self.env.ref("base.user_admin"))
        complaint.action_create_ncr()
        self.assertEqual(complaint.ncr_id.source, "complaint")
        self.assertEqual(complaint.ncr_id.lot_ids, self.lot)
        self.assertEqual(complaint.ncr_id.origin, complaint.name)
        with self.assertRaisesRegex(UserError, "already linked"):
            complaint.action_create_ncr()
        complaint.action_create_capa()
        self.assertEqual(complaint.capa_id.source, "complaint")
        self.assertEqual(complaint.capa_id.source_reference, complaint.name)
        complaint.action_create_recall()
        recall = complaint.recall_id
        self.assertEqual(recall.lot_ids, self.lot)
        self.assertEqual(
            (recall.source, recall.source_model, recall.source_res_id),
            ("complaint", complaint._name, complaint.id),
        )

    def test_recall_needs_lot(self):
        complaint = self.new_complaint(lot_id=False)
        with self.assertRaisesRegex(UserError, "lot"):
            complaint.action_create_recall()
