from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .recall_common import HHE_FACTORS, RecallCase


@tagged("post_install", "-at_install")
class TestRecallNmpaOrder29(RecallCase):
    """医疗器械召回管理办法 (CFDA Order 29, 2017): the immediate recall event report and the
    5-working-day investigation report and recall plan (Art. 16), the periodic implementation
    reports (Art. 20), the summary evaluation report 10 working days after completion (Art. 22)."""

    def test_event_report_due_immediately_art_16(self):
        recall = self.started_recall(nmpa_level="2", decision_date=date(2020, 1, 6))
        self.assertEqual(recall.nmpa_event_report_deadline, date(2020, 1, 6), "立即: on the decision")
        self.assertTrue(recall.nmpa_event_report_overdue)
        self.assertIn(recall, self.env["md.recall"].search([("nmpa_event_report_overdue", "=", True)]))
        recall.nmpa_event_report_date = date(2020, 1, 6)
        self.assertFalse(recall.nmpa_event_report_overdue)

    def test_investigation_report_and_plan_submitted_or_overdue_art_16(self):
        """The 5-working-day report and plan has a submission date and an overdue flag, like the
        FDA 806 report."""
        recall = self.started_recall(nmpa_level="3", decision_date=date(2020, 1, 6))
        self.assertEqual(recall.nmpa_report_deadline, date(2020, 1, 13))
        self.assertTrue(recall.nmpa_report_overdue)
        Recall = self.env["md.recall"]
        self.assertIn(recall, Recall.search([("nmpa_report_overdue", "=", True)]))
        self.assertIn(recall, Recall.search([("is_overdue", "=", True)]))
        recall.nmpa_report_submitted_date = date(2020, 1, 10)
        self.assertFalse(recall.nmpa_report_overdue)
        self.assertNotIn(recall, Recall.search([("nmpa_report_overdue", "=", True)]))
        self.assertEqual(recall.md_status()[0]["reports"]["nmpa_report_submitted"], "2020-01-10")
        with self.assertRaises(ValidationError):
            recall.nmpa_report_submitted_date = fields.Date.context_today(recall) + timedelta(days=2)

    def test_summary_report_ten_working_days_after_completion_art_22(self):
        recall = self.started_recall(nmpa_level="2")
        self.file_reports(recall)
        line = recall.customer_line_ids
        with self.assertRaises(UserError):
            recall.action_mark_completed()  # the consignee is not settled yet
        self.settle(line)
        line.destroyed_qty = 4.0
        recall.action_mark_completed()
        completed = recall.completed_date
        self.assertEqual(completed, fields.Date.context_today(recall))
        count = recall.company_id._md_working_day_counter("nmpa", [completed], 10)
        self.assertEqual(recall.nmpa_summary_deadline, count(completed, 10))
        self.assertIn("summary evaluation report", recall.closure_blockers)
        with self.assertRaisesRegex(UserError, "summary evaluation report"):
            recall.md_sign("closed", self.password(self.regulatory), "Done")
        summary = (
            self.env["md.recall.status.report"]
            .with_user(self.regulatory)
            .create({"recall_id": recall.id, "kind": "nmpa_summary"})
        )
        with self.assertRaisesRegex(UserError, "not complete"):
            self.sign(summary, "approved")
        summary.write(
            {
                "effect_evaluation": "Defect eliminated: all units accounted for.",
                "disposal_measures": "Destroyed on site.",
            }
        )
        self.sign(summary, "approved")
        self.assertEqual(summary.state, "submitted")
        self.assertEqual(summary.completion_date, completed)
        self.assertEqual(recall.nmpa_summary_date, fields.Date.context_today(recall))
        self.assertTrue(recall.can_close)
        recall.md_sign("closed", self.password(self.regulatory), "Done")
        self.assertEqual(recall.state, "closed")

    def test_no_nmpa_report_without_a_level(self):
        recall = self.started_recall()
        with self.assertRaisesRegex(UserError, "no NMPA report"):
            self.env["md.recall.status.report"].with_user(self.regulatory).create(
                {"recall_id": recall.id, "kind": "nmpa_progress"}
            )


@tagged("post_install", "-at_install")
class TestRecallFda806(RecallCase):
    """21 CFR 806.10: the report is due 10 working days after the correction or removal is
    initiated (806.10(b)), with the thirteen elements of 806.10(c)(1)-(13); a correction or
    removal not reported is recorded (806.20)."""

    def test_deadline_counts_from_the_initiation_not_the_decision_806_10_b(self):
        recall = self.new_recall(fda_class="2", decision_date=date(2026, 3, 2))
        self.assertFalse(recall.fda_806_deadline, "nothing initiated yet")
        recall.initiated_date = date(2026, 3, 9)  # a week after the decision
        self.assertEqual(recall.fda_806_deadline, date(2026, 3, 23))
        with self.assertRaisesRegex(ValidationError, "before the recall was decided"):
            recall.initiated_date = date(2026, 2, 27)

    def test_start_records_the_initiation(self):
        recall = self.started_recall(fda_class="2")
        today = fields.Date.context_today(recall)
        self.assertEqual(recall.initiated_date, today)
        count = recall.company_id._md_working_day_counter("fda", [today], 10)
        self.assertEqual(recall.fda_806_deadline, count(today, 10))

    def test_report_has_the_thirteen_elements_of_806_10_c(self):
        self.env.company.md_fda_registration_number = "1234567"
        self.tubing.md_udi_di = "00850000000018"
        recall = self.started_recall(fda_class="1", fda_action_type="correction")
        recall.fda_806_followup_date = date(2026, 12, 31)
        self.settle(recall.customer_line_ids)
        content = recall.md_regulatory_report("fda_806")
        keys = [element["key"] for element in content["elements"]]
        for number in range(1, 14):
            self.assertTrue(any(key.startswith(f"c{number}_") for key in keys), f"806.10(c)({number})")
        values = {element["key"]: element["value"] for element in content["elements"]}
        today = recall.fda_806_submitted_date or fields.Date.context_today(recall)
        self.assertEqual(
            values["c1_report_number"], f"1234567-{today.month}/{today.day}/{today:%y}-001-C", "(c)(1)"
        )
        self.assertIn("00850000000018", values["c5_identification"], "(c)(5) the UDI")
        self.assertIn("TUB-RCL-1", values["c5_identification"])
        self.assertIn("listing number", values["c13_not_available"], "(c)(13) lists what is missing")
        self.assertIn("2026-12-31", values["c13_not_available"], "(c)(13) when it will be submitted")
        self.assertEqual(content["communications"][0]["method"], "Telephone", "(c)(12)")
        self.assertEqual(content["consignees"][0]["acknowledged_by"], "Dr. Wang, head of pharmacy")

    def test_registration_number_has_seven_digits(self):
        with self.assertRaisesRegex(ValidationError, "seven digits"):
            self.env.company.md_fda_registration_number = "12345"

    def test_not_reported_correction_is_recorded_806_20(self):
        """806.20(b)(4): the justification for not reporting, reviewed by a designated person."""
        recall = self.new_recall(fda_class="3")
        recall.action_compute_scope()
        with self.assertRaisesRegex(UserError, "justification"):
            self.approve_hhe(recall, proposed_class="3", seriousness="none", risk_to_health=False)
        hhe = self.approve_hhe(
            recall,
            proposed_class="3",
            seriousness="none",
            risk_to_health=False,
            not_reported_justification="Labelling typo, no risk to health; follow-up: label revision.",
        )
        self.assertFalse(recall.fda_806_required)
        recall.action_start()
        self.assertFalse(recall.fda_806_deadline)
        record = recall.md_regulatory_report("fda_806_20")
        values = {element["key"]: element["value"] for element in record["elements"]}
        self.assertIn("Labelling typo", values["b4_justification"])
        self.assertIn(self.regulatory_2.name, values["b4_justification"], "reviewed by the designated person")
        self.assertEqual(hhe.approved_by_id, self.regulatory_2)


@tagged("post_install", "-at_install")
class TestRecallHealthHazardEvaluation(RecallCase):
    """21 CFR 7.41(a): the health hazard evaluation along its six factors supports the class
    (7.3(m)); it is approved by e-signature by someone other than its author, then frozen."""

    def test_start_needs_an_approved_evaluation_7_41(self):
        recall = self.new_recall(fda_class="2")
        recall.action_compute_scope()
        with self.assertRaisesRegex(UserError, "7.41"):
            recall.action_start()
        hhe = self.new_hhe(recall)
        with self.assertRaisesRegex(UserError, "7.41"):
            recall.action_start()  # still a draft
        self.sign(hhe, "approved", self.regulatory_2)
        recall.action_start()
        self.assertEqual(recall.state, "open")
        self.assertEqual(recall.hhe_id, hhe)

    def test_every_factor_is_addressed(self):
        recall = self.new_recall(fda_class="2")
        hhe = self.new_hhe(recall, consequences=False)
        with self.assertRaisesRegex(UserError, "7.41"):
            self.sign(hhe, "approved", self.regulatory_2)
        self.assertEqual(hhe.indicated_class, "2", "temporary consequences: Class II (7.3(m)(2))")

    def test_author_cannot_approve_and_approved_is_frozen(self):
        recall = self.new_recall(fda_class="2")
        hhe = self.new_hhe(recall)
        with mute_logger("odoo.addons.md_base.models.md_signature"), self.assertRaises(UserError):
            self.sign(hhe, "approved", self.regulatory)  # segregation of duties
        self.sign(hhe, "approved", self.regulatory_2)
        self.assertEqual(hhe.state, "approved")
        with self.assertRaisesRegex(UserError, "closed|signed"):
            hhe.consequences = "Changed after approval"
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            hhe.write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            hhe.unlink()

    def test_evaluated_recall_is_kept(self):
        recall = self.new_recall(fda_class="2")
        self.new_hhe(recall)
        with self.assertRaisesRegex(UserError, "evaluated is kept"):
            recall.sudo().unlink()

    def test_class_must_match_the_evaluation(self):
        recall = self.new_recall(fda_class="1")
        recall.action_compute_scope()
        self.approve_hhe(recall, proposed_class="2")
        with self.assertRaisesRegex(UserError, "concludes"):
            recall.action_start()

    def test_state_cannot_be_created_or_written(self):
        recall = self.new_recall(fda_class="2")
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_hhe(recall, state="approved")
        with self.assertRaises(AccessError):
            self.env["md.recall.hhe"].with_user(self.md_user).create(dict(HHE_FACTORS, recall_id=recall.id))


@tagged("post_install", "-at_install")
class TestRecallStatusReports(RecallCase):
    """21 CFR 7.53: recall status reports at the interval FDA specifies, with the figures of
    7.53(b)(1)-(6); Order 29 Art. 20: the recall plan's implementation reports."""

    def test_interval_next_date_overdue_and_submission_7_53(self):
        recall = self.started_recall(
            fda_class="2", decision_date=date(2020, 1, 6), initiated_date=date(2020, 1, 6)
        )
        recall.fda_status_interval_days = 14
        self.assertEqual(recall.fda_status_next_date, date(2020, 1, 20))
        self.assertTrue(recall.status_report_overdue)
        self.assertIn(recall, self.env["md.recall"].search([("status_report_overdue", "=", True)]))
        activity_type = self.env.ref("md_regulatory.mail_activity_recall_fda_status")
        self.assertTrue(recall.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        line = recall.customer_line_ids
        self.settle(line)
        line.corrected_qty = 1.0
        report = (
            self.env["md.recall.status.report"]
            .with_user(self.regulatory)
            .create({"recall_id": recall.id, "kind": "fda_status"})
        )
        with self.assertRaisesRegex(UserError, "not complete"):
            self.sign(report, "approved")
        report.write(
            {
                "effectiveness_checks": "Level A: 1 of 1 consignee confirmed",
                "estimated_completion_date": date(2020, 3, 1),
            }
        )
        self.sign(report, "approved")
        today = fields.Date.context_today(recall)
        self.assertEqual((report.state, report.report_date), ("submitted", today))
        self.assertEqual(
            (report.notified_count, report.responded_count, report.not_responded_count),
            (1, 1, 0),
            "7.53(b)(1)-(3)",
        )
        self.assertEqual((report.qty_delivered, report.qty_corrected), (4.0, 1.0), "7.53(b)(4)")
        self.assertIn("Telephone", report.notification_summary)
        self.assertEqual(recall.fda_status_next_date, today + timedelta(days=14))
        self.assertFalse(recall.status_report_overdue)
        pending = recall.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(pending.date_deadline, today + timedelta(days=14), "the next one is scheduled")
        with self.assertRaisesRegex(UserError, "closed|signed"):
            report.notes = "changed"
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            report.write({"qty_returned": 99.0})

    def test_negative_interval_refused(self):
        recall = self.new_recall(fda_class="2")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            recall.fda_status_interval_days = -1
            recall.flush_recordset()


@tagged("post_install", "-at_install")
class TestRecallEuFsca(RecallCase):
    """EU MDR: a field safety corrective action is reported before it is undertaken, except in
    urgency (Art. 87(8)); the field safety notice identifies the devices by their UDI and the
    manufacturer by its SRN, explains the reasons and risks and the users' actions, and goes to
    the competent authority as a draft first, except in urgency (Art. 89(8))."""

    def test_reported_before_it_is_undertaken_art_87_8(self):
        recall = self.new_recall(eu_fsca=True)
        recall.action_compute_scope()
        with self.assertRaisesRegex(UserError, "87\\(8\\)"):
            recall.action_start()
        with self.assertRaisesRegex(ValidationError, "reason of the urgency"):
            recall.eu_fsca_urgent = True
        recall.write({"eu_fsca_urgent": True, "eu_fsca_urgency_reason": "Deaths reported: stop use today"})
        recall.action_start()
        self.assertEqual(recall.state, "open")
        self.assertIn("not reported to the competent authority", recall.closure_blockers)
        activity_type = self.env.ref("md_regulatory.mail_activity_recall_eu_fsca")
        self.assertTrue(recall.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))
        recall.eu_fsca_reported_date = fields.Date.context_today(recall)
        self.assertFalse(recall.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))

    def test_field_safety_notice_content_art_89_8(self):
        self.tubing.md_udi_di = False
        self.env.company.partner_id.md_eu_srn = False
        recall = self.started_recall(eu_fsca=True)
        line = recall.customer_line_ids
        with self.assertRaisesRegex(UserError, "UDI.*SRN.*reasons.*actions"):
            line.md_record_notification("post", contact="Pharmacy, registered letter")
        self.tubing.md_udi_di = "00850000000018"
        self.env.company.partner_id.md_eu_srn = "CN-MF-000012345"
        recall.write(
            {"fsn_risk": "The tubing may kink: under-infusion.", "fsn_user_actions": "Quarantine and return."}
        )
        with self.assertRaisesRegex(UserError, "draft field safety notice"):
            line.md_record_notification("post", contact="Pharmacy, registered letter")
        recall.eu_fsn_draft_submitted_date = fields.Date.context_today(recall)
        line.md_record_notification("post", contact="Pharmacy, registered letter", reference="RR123456789CN")
        self.assertEqual(line.notification_method, "post")
        fsn = {e["key"]: e["value"] for e in recall.md_regulatory_report("eu_fsn")["elements"]}
        self.assertEqual(fsn["srn"], "CN-MF-000012345")
        self.assertIn("00850000000018", fsn["devices"])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("md_regulatory.report_md_recall_letter", line.ids)[0]
            .decode()
        )
        for text in ("CN-MF-000012345", "00850000000018", "under-infusion", "Quarantine and return"):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestRecallClosureNeedsTheFacts(RecallCase):
    """A recall closes only once every consignee is notified and has acknowledged, or is
    excepted by a signed reason; the activities follow the facts (not ticked by the system)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._deliver_qty(cls.clinic, cls.tubing_lot, 2.0)

    def test_full_effectiveness_without_notification_cannot_close(self):
        recall = self.started_recall()
        lines = recall.customer_line_ids
        self.assertEqual(len(lines), 2)
        lines.write({"destroyed_qty": 0.0})
        for line in lines:
            line.destroyed_qty = line.quantity
        self.assertEqual(recall.effectiveness, 100.0)
        self.assertFalse(recall.can_close)
        self.assertIn("2 of 2 consignees", recall.closure_blockers)
        with self.assertRaisesRegex(UserError, "neither notified and acknowledged"):
            recall.md_sign("closed", self.password(self.regulatory), "Done")
        self.assertEqual(recall.state, "open")
        notify_type = self.env.ref("md_regulatory.mail_activity_recall_notify")
        self.assertTrue(recall.activity_ids.filtered(lambda a: a.activity_type_id == notify_type))

    def test_signed_exception_settles_a_consignee(self):
        recall = self.started_recall()
        hospital = recall.customer_line_ids.filtered(lambda line: line.partner_id == self.hospital)
        clinic = recall.customer_line_ids - hospital
        self.settle(hospital)
        clinic.md_record_notification("in_person", contact="Nurse on duty")
        with self.assertRaisesRegex(UserError, "reason of the exception"):
            self.sign(clinic, "recall_exception")
        clinic.exception_reason = "Clinic closed down; units confirmed used up by the health bureau."
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            clinic.write({"exception_approved": True})
        self.sign(clinic, "recall_exception")
        self.assertTrue(clinic.exception_approved)
        self.assertTrue(clinic.settled)
        notify_type = self.env.ref("md_regulatory.mail_activity_recall_notify")
        self.assertFalse(recall.activity_ids.filtered(lambda a: a.activity_type_id == notify_type))
        # changing the reason voids the signature: the consignee is no longer excepted
        clinic.exception_reason = "Something else"
        self.assertFalse(clinic.exception_approved)
        self.assertFalse(recall.can_close)
        clinic.exception_reason = "Clinic closed down; units confirmed used up."
        self.sign(clinic, "recall_exception", self.regulatory_2)
        recall.closure_justification = "Clinic units used up (exception signed)"
        self.assertTrue(recall.can_close, recall.closure_blockers)
        with mute_logger("odoo.addons.md_base.models.md_signature"), self.assertRaises(UserError):
            self.sign(hospital, "recall_exception", self.manager)

    def test_notification_by_phone_post_fax_or_in_person(self):
        recall = self.started_recall()
        lines = recall.customer_line_ids
        with self.assertRaisesRegex(UserError, "Unknown notification method"):
            lines.md_record_notification("pigeon", contact="x")
        with self.assertRaisesRegex(UserError, "who was notified"):
            lines.md_record_notification("phone")
        with self.assertRaisesRegex(UserError, "future"):
            lines.md_record_notification("fax", contact="+86 21 5555", notified_at="2999-01-01 00:00:00")
        hospital = lines.filtered(lambda line: line.partner_id == self.hospital)
        hospital.md_record_notification("fax", contact="+86 21 5555 0101", reference="fax job 77")
        self.assertEqual(
            (hospital.notification_method, hospital.notification_contact, hospital.notification_reference),
            ("fax", "+86 21 5555 0101", "fax job 77"),
        )
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            hospital.write({"notified_at": False})
        wizard = (
            self.env["md.recall.contact.wizard"]
            .with_user(self.regulatory)
            .create(
                {
                    "kind": "acknowledgement",
                    "customer_line_ids": hospital.ids,
                    "method": "phone",
                    "contact": "Head nurse Li",
                    "qty_on_hand": 4.0,
                }
            )
        )
        wizard.action_record()
        self.assertEqual((hospital.ack_contact, hospital.ack_qty_on_hand), ("Head nurse Li", 4.0))
        self.assertIn("Head nurse Li", recall.message_ids.mapped("body")[0])


@tagged("post_install", "-at_install")
class TestRecallQuantitiesAddUp(RecallCase):
    """Per consignee: delivered = returned + destroyed + corrected + still in the field; a return
    never changes the affected units nor our own stock (21 CFR 7.53(b)(4), 806.10(c)(9))."""

    def test_return_keeps_affected_units_and_our_stock(self):
        recall = self.started_recall()
        line = recall.customer_line_ids
        self.assertEqual(
            (recall.units_total, recall.units_in_stock, recall.units_at_customers), (10.0, 6.0, 4.0)
        )
        line.write({"destroyed_qty": 1.0, "corrected_qty": 1.0})
        action = line.action_create_return()
        self.validate_return(self.env["stock.picking"].browse(action["res_id"]))
        self.assertEqual(line.returned_qty, 2.0)
        self.assertEqual(
            line.quantity, line.returned_qty + line.destroyed_qty + line.corrected_qty + line.outstanding_qty
        )
        self.assertEqual(
            (recall.units_total, recall.units_in_stock), (10.0, 6.0), "before the scope is recomputed"
        )
        recall.action_compute_scope()
        self.assertEqual((recall.units_total, recall.units_in_stock), (10.0, 6.0), "after: the same")
        self.assertEqual(recall.stock_line_ids.mapped("returned_qty"), [2.0])
        self.assertEqual(recall.units_in_field, 0.0)
        units = recall.md_status()[0]["quantities"]
        self.assertEqual(
            (
                units["delivered"],
                units["returned"],
                units["destroyed"],
                units["corrected"],
                units["in_field"],
            ),
            (4.0, 2.0, 1.0, 1.0, 0.0),
        )
        with self.assertRaisesRegex(UserError, "cannot exceed"):
            line.corrected_qty = 2.0

    def test_effectiveness_counts_the_field_not_our_stock(self):
        """Right after the start, with nothing notified or returned, effectiveness is 0 %, not
        the share of units held in our own warehouse."""
        recall = self.started_recall()
        self.assertEqual(recall.units_held, 6.0)
        self.assertEqual(recall.effectiveness, 0.0)
        self.assertFalse(recall.can_close)


@tagged("post_install", "-at_install")
class TestRecallOverdueFilterAndMarkets(RecallCase):
    """The Overdue filter finds a recall whose notification deadline passed even though its
    FDA 806 deadline did not (each deadline's domain is complete on its own)."""

    def test_overdue_filter_on_notification_alone(self):
        recall = self.started_recall(nmpa_level="1", decision_date=date(2020, 1, 6))
        recall.write(
            {"nmpa_event_report_date": date(2020, 1, 6), "nmpa_report_submitted_date": date(2020, 1, 8)}
        )
        self.assertTrue(recall.notification_overdue)
        self.assertFalse(recall.fda_806_overdue)
        Recall = self.env["md.recall"]
        self.assertIn(recall, Recall.search([("is_overdue", "=", True)]))
        self.assertIn(recall, Recall.search([("notification_overdue", "=", True)]))
        self.assertNotIn(recall, Recall.search([("is_overdue", "=", False)]))
        self.settle(recall.customer_line_ids)
        self.assertNotIn(recall, Recall.search([("is_overdue", "=", True)]))

    def test_markets_from_consignees_and_regimes(self):
        self.hospital.country_id = self.env.ref("base.de")
        recall = self.new_recall(nmpa_level="2")
        recall.action_compute_scope()
        self.assertEqual(set(recall.country_ids.mapped("code")), {"DE", "CN"})
        self.assertEqual(set(recall.md_status()[0]["markets"]), {"DE", "CN"})
        nmpa = {e["key"]: e["value"] for e in recall.md_regulatory_report("nmpa")["elements"]}
        self.assertIn("Germany", nmpa["markets"])
        self.assertEqual(nmpa["sold_in_china"], 0.0, "no unit delivered in China")


@tagged("post_install", "-at_install")
class TestRecallRecordsGovernance(RecallCase):
    """The new regulated records: access per group, multi-company rule, audit trail."""

    def test_access_per_group(self):
        recall = self.started_recall()
        with self.assertRaises(AccessError):
            self.env["md.recall.status.report"].with_user(self.md_user).create(
                {"recall_id": recall.id, "kind": "fda_status"}
            )
        self.assertTrue(self.env["md.recall.hhe"].with_user(self.md_user).has_access("read"))
        self.assertFalse(self.env["md.recall.hhe"].with_user(self.md_user).has_access("write"))
        self.assertTrue(self.env["md.recall.hhe"].with_user(self.manager).has_access("create"))

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Recall Co"})
        recall = self.started_recall(fda_class="2")
        report = (
            self.env["md.recall.status.report"]
            .with_user(self.regulatory)
            .create({"recall_id": recall.id, "kind": "fda_status"})
        )
        hhe = recall.hhe_id
        self.env.flush_all()
        for table in ("md_recall", "md_recall_hhe", "md_recall_status_report"):
            self.env.cr.execute(f"UPDATE {table} SET company_id = %s", [other.id])
        self.env.invalidate_all()
        for record in (hhe, report):
            self.assertFalse(
                self.env[record._name].with_user(self.regulatory).search([("id", "=", record.id)])
            )
            self.assertTrue(self.env[record._name].search([("id", "=", record.id)]), "visible in its company")

    def test_audit_rules_cover_the_new_records(self):
        Rule = self.env["md.audit.rule"].sudo().with_context(active_test=False)
        for model in ("md.recall.hhe", "md.recall.status.report", "md.recall.customer"):
            self.assertTrue(Rule.search([("model_name", "=", model)]), model)
        recall = self.new_recall(fda_class="2")
        hhe = self.new_hhe(recall)
        hhe.conclusion = "Class II confirmed"
        self.env.flush_all()
        entries = (
            self.env["md.audit.entry"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "md.recall.hhe"),
                    ("res_id", "=", hhe.id),
                    ("field_name", "=", "conclusion"),
                ]
            )
        )
        self.assertEqual(entries.new_value, "Class II confirmed")

    def test_status_contract_only_adds_keys(self):
        """md_status keeps the keys of its first contract, nested ones included."""
        recall = self.started_recall()
        status = recall.md_status()[0]
        self.assertEqual(set(status["classification"]), {"fda_class", "nmpa_level", "eu_fsca"})
        self.assertEqual(
            set(status["deadlines"]),
            {
                "decision_date",
                "notification",
                "fda_806",
                "nmpa_report",
                "notification_overdue",
                "fda_806_overdue",
            },
        )
        self.assertEqual(
            set(status["units"]), {"total", "in_stock", "held", "at_customers", "returned", "destroyed"}
        )
        self.assertEqual(
            set(status["customers"][0]),
            {"partner_id", "lot_id", "quantity", "notified", "acknowledged", "returned", "destroyed"},
        )
        self.assertLessEqual(
            {
                "id",
                "reference",
                "state",
                "is_mock",
                "effectiveness",
                "markets",
                "reports",
                "quantities",
                "can_close",
            },
            set(status),
        )
