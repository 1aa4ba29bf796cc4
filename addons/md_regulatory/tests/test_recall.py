import json
from datetime import date, datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.md_base.models.working_days import add_working_days

from .recall_common import RecallCase


@tagged("post_install", "-at_install")
class TestRecallDeadlines(RecallCase):
    """Deadlines by classification: 医疗器械召回管理办法 (CFDA Order 29) Art. 15 (1/3/7 days) and
    Art. 16 (5 working days), 21 CFR 806.10(b) (10 working days from the initiation)."""

    def test_nmpa_notification_deadline_per_level_order_29_art_15(self):
        decision = date(2026, 3, 6)  # a Friday
        for level, expected in (("1", date(2026, 3, 7)), ("2", date(2026, 3, 9)), ("3", date(2026, 3, 13))):
            recall = self.new_recall(nmpa_level=level, decision_date=decision)
            self.assertEqual(recall.notification_deadline, expected, f"level {level}")
        self.assertFalse(self.new_recall(decision_date=decision).notification_deadline)

    def test_fda_806_deadline_ten_working_days_across_weekends(self):
        # 21 CFR 806.10(b): Friday 2026-03-06 + 10 working days: two weekends skipped -> 2026-03-20.
        recall = self.new_recall(
            fda_class="1", decision_date=date(2026, 3, 6), initiated_date=date(2026, 3, 6)
        )
        self.assertTrue(recall.fda_806_required)
        self.assertEqual(recall.fda_806_deadline, date(2026, 3, 20))
        # Saturday start: the first working day is Monday.
        self.assertEqual(add_working_days(date(2026, 3, 7), 1), date(2026, 3, 9))
        recall.initiated_date = date(2026, 3, 11)  # Wednesday -> Wednesday two weeks on
        self.assertEqual(recall.fda_806_deadline, date(2026, 3, 25))

    def test_working_day_deadlines_skip_the_calendars_public_holidays(self):
        """21 CFR 806.10(b) counts 10 working days on the company's FDA calendar and
        Order 29's recall plan 5 working days on its NMPA calendar, both by default the
        company's working hours; their public holidays push the deadline later."""
        company = self.env.company
        company.resource_calendar_id.tz = "UTC"
        decision = date(2026, 9, 30)  # the Wednesday before China's National Day week
        recall = self.new_recall(
            fda_class="2", nmpa_level="3", decision_date=decision, initiated_date=decision
        )
        self.assertEqual(recall.fda_806_deadline, date(2026, 10, 14))
        self.assertEqual(recall.nmpa_report_deadline, date(2026, 10, 7))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "National Day",
                "calendar_id": company.resource_calendar_id.id,
                "date_from": datetime(2026, 10, 1),
                "date_to": datetime(2026, 10, 7, 23, 59, 59),
            }
        )
        recall = self.new_recall(
            fda_class="2", nmpa_level="3", decision_date=decision, initiated_date=decision
        )
        self.assertEqual(recall.fda_806_deadline, date(2026, 10, 21))
        self.assertEqual(recall.nmpa_report_deadline, date(2026, 10, 14))
        # An FDA calendar of its own (a US office without the Chinese holidays).
        company.md_fda_calendar_id = self.env["resource.calendar"].create(
            {"name": "US office", "tz": "UTC", "global_leave_ids": [Command.clear()]}
        )
        recall = self.new_recall(
            fda_class="2", nmpa_level="3", decision_date=decision, initiated_date=decision
        )
        self.assertEqual(recall.fda_806_deadline, date(2026, 10, 14))
        self.assertEqual(recall.nmpa_report_deadline, date(2026, 10, 14))
        status = recall.md_status()[0]["deadlines"]
        self.assertEqual((status["fda_806"], status["nmpa_report"]), ("2026-10-14", "2026-10-14"))

    def test_fda_class_iii_needs_no_806_report(self):
        recall = self.new_recall(fda_class="3")
        self.assertFalse(recall.fda_806_required)
        self.assertFalse(recall.fda_806_deadline)

    def test_overdue_flags_and_activities_follow_the_facts(self):
        recall = self.new_recall(
            nmpa_level="1", fda_class="2", decision_date=date(2020, 1, 6), initiated_date=date(2020, 1, 6)
        )
        recall.action_compute_scope()
        self.approve_hhe(recall)
        self.assertFalse(recall.is_overdue, "a draft recall is not overdue")
        recall.action_start()
        self.assertTrue(recall.notification_overdue)
        self.assertTrue(recall.fda_806_overdue)
        self.assertTrue(recall.nmpa_event_report_overdue)
        self.assertTrue(recall.nmpa_report_overdue)
        self.assertIn(recall, self.env["md.recall"].search([("is_overdue", "=", True)]))
        activities = recall.activity_ids
        self.assertEqual(len(activities), 4)
        self.assertEqual(activities.user_id, self.regulatory)
        self.assertEqual(
            sorted(activities.mapped("date_deadline")),
            [
                recall.nmpa_event_report_deadline,
                recall.notification_deadline,
                recall.nmpa_report_deadline,
                recall.fda_806_deadline,
            ],
        )
        # Each activity is done when the fact it waits for is recorded, not before.
        recall.fda_806_submitted_date = date(2020, 1, 10)
        self.assertEqual(len(recall.activity_ids), 3)
        recall.customer_line_ids.action_send_letter()
        self.assertEqual(len(recall.activity_ids), 2, "the consignee is notified: the activity is done")
        self.assertTrue(recall.is_overdue, "the NMPA reports are still due")
        recall.write(
            {"nmpa_event_report_date": date(2020, 1, 6), "nmpa_report_submitted_date": date(2020, 1, 9)}
        )
        self.assertFalse(recall.activity_ids)
        self.assertFalse(recall.is_overdue)
        self.assertNotIn(recall, self.env["md.recall"].search([("is_overdue", "=", True)]))


@tagged("post_install", "-at_install")
class TestRecallHolds(RecallCase):
    """Recalled stock is held (ISO 13485 8.3, md_udi_trace holds) until its disposition is decided."""

    def _delivery_of(self, lot, qty):
        picking = self._picking(
            self.warehouse.out_type_id, self.stock_location, self.customer_location, self.clinic
        )
        self._move(picking, lot.product_id, qty)
        picking.action_confirm()
        picking.action_assign()
        return picking

    def test_recalled_stock_cannot_be_reserved_or_delivered(self):
        recall = self.started_recall()
        holds = self.env["md.lot.hold"].search(recall._md_holds_domain())
        self.assertEqual(holds.lot_id, self.tubing_lot)
        self.assertEqual(self.tubing_lot.md_status, "on_hold")
        self.assertEqual(recall.hold_count, 1)
        delivery = self._delivery_of(self.tubing_lot, 2.0)
        self.assertFalse(delivery.move_ids.move_line_ids, "held stock must not be reserved")
        with self.assertRaisesRegex(UserError, "TUB-RCL-1"):
            self.env["stock.move.line"].create(self._line_vals(delivery.move_ids, 2.0, lot=self.tubing_lot))
        # placing again does not duplicate the recall's hold
        recall._md_place_holds()
        self.assertEqual(recall.hold_count, 1)

    def test_closure_keeps_holds_until_a_reasoned_release(self):
        """Closing the recall does not put recalled stock back into circulation: our own held
        stock is dispositioned separately, by a decision with its reason (ISO 13485 8.3)."""
        recall = self.started_recall()
        self.settle(recall.customer_line_ids)
        recall.closure_justification = "Customer stock accepted by the authority"
        recall.md_sign("closed", self.password(self.regulatory), "Recall completed")
        self.assertEqual(recall.state, "closed")
        self.assertEqual(self.tubing_lot.md_status, "on_hold", "closing released nothing")
        self.assertEqual(recall.hold_count, 1)
        self.env["md.recall.hold.release"].with_user(self.regulatory).create(
            {"recall_id": recall.id, "reason": "Stock reworked and released under NCR-12"}
        ).action_release()
        self.assertEqual(self.tubing_lot.md_status, "released")
        hold = self.env["md.lot.hold"].search(recall._md_holds_domain(active=False))
        self.assertIn("NCR-12", hold.release_reason)
        delivery = self._delivery_of(self.tubing_lot, 2.0)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.tubing_lot)

    def test_holds_released_on_a_decision_with_reason(self):
        recall = self.started_recall()
        wizard = (
            self.env["md.recall.hold.release"]
            .with_user(self.regulatory)
            .create({"recall_id": recall.id, "reason": "Lot found unaffected by the investigation"})
        )
        wizard.action_release()
        self.assertEqual(self.tubing_lot.md_status, "released")
        self.assertEqual(recall.hold_count, 0)
        with self.assertRaisesRegex(UserError, "no active holds"):
            wizard.action_release()

    def test_md_user_cannot_place_or_release(self):
        recall = self.started_recall()
        with self.assertRaises(AccessError):
            self.env["md.recall.hold.release"].with_user(self.md_user).create(
                {"recall_id": recall.id, "reason": "no"}
            )
        with self.assertRaises(AccessError):
            recall.with_user(self.md_user).action_compute_scope()


@tagged("post_install", "-at_install")
class TestRecallEffectiveness(RecallCase):
    """Units delivered and accounted for in the field over units delivered (21 CFR 7.42(b)(3)
    effectiveness checks); our own stock is held and dispositioned separately."""

    def test_scope_lines_and_effectiveness(self):
        recall = self.started_recall()
        self.assertEqual(recall.stock_line_ids.mapped("quantity"), [6.0])
        self.assertEqual(recall.stock_line_ids.location_id, self.stock_location)
        line = recall.customer_line_ids
        self.assertEqual((line.partner_id, line.lot_id, line.quantity), (self.hospital, self.tubing_lot, 4.0))
        self.assertEqual(line.delivery_picking_ids, self.hospital_delivery)
        self.assertTrue(recall.scope_computed_at)
        self.assertEqual(recall.units_total, 10.0)
        self.assertEqual(recall.effectiveness, 0.0, "the 6 units held in our stock do not count")
        line.destroyed_qty = 1.0
        self.assertEqual(recall.effectiveness, 25.0)
        action = line.action_create_return()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.md_recall_customer_id, line)
        self.assertEqual(return_picking.return_id, self.hospital_delivery)
        self.assertEqual(return_picking.move_ids.product_uom_qty, 3.0, "the outstanding units")
        self.assertEqual(line.returned_qty, 0.0, "only done returns count")
        with self.assertRaisesRegex(UserError, "open returns"):
            recall.md_sign("closed", self.password(self.regulatory), "Too early")
        self.validate_return(return_picking)
        self.assertEqual(line.returned_qty, 3.0)
        self.assertEqual(return_picking.move_line_ids.lot_id, self.tubing_lot)
        self.assertEqual(recall.effectiveness, 100.0)
        # the returned units are back in our stock; recomputing counts each unit once
        recall.action_compute_scope()
        self.assertEqual(sum(recall.stock_line_ids.mapped("quantity")), 9.0)
        self.assertEqual(sum(recall.stock_line_ids.mapped("returned_qty")), 3.0)
        self.assertEqual(recall.units_in_stock, 6.0)
        self.assertEqual(line.quantity, 4.0)
        self.assertEqual(recall.units_total, 10.0)
        self.assertEqual(recall.effectiveness, 100.0)
        with self.assertRaisesRegex(UserError, "Nothing left to return"):
            line.action_create_return()

    def test_destroyed_quantity_bounded(self):
        recall = self.started_recall()
        with self.assertRaises(UserError):
            recall.customer_line_ids.destroyed_qty = 5.0

    def test_acknowledgement_recorded_with_who_acknowledged(self):
        recall = self.started_recall()
        line = recall.customer_line_ids
        with self.assertRaisesRegex(UserError, "Record the notification first"):
            line.md_record_acknowledgement("Dr. Wang")
        line.md_record_notification("phone", contact="Dr. Wang")
        with self.assertRaisesRegex(UserError, "who acknowledged"):
            line.md_record_acknowledgement("  ")
        line.md_record_acknowledgement("Dr. Wang, head of pharmacy", method="fax", qty_on_hand=3.0)
        self.assertEqual(line.ack_date, fields.Date.context_today(line))
        self.assertEqual(line.ack_contact, "Dr. Wang, head of pharmacy")
        self.assertEqual((line.ack_method, line.ack_qty_on_hand), ("fax", 3.0))
        self.assertEqual(line.ack_recorded_by_id, self.regulatory)
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            line.ack_contact = "Someone else"
        draft = self.new_recall()
        draft.action_compute_scope()
        with self.assertRaisesRegex(UserError, "Start the recall first"):
            draft.customer_line_ids.action_acknowledge()


@tagged("post_install", "-at_install")
class TestRecallClosure(RecallCase):
    """Closure by e-signature "closed": Regulatory Affairs only, every consignee settled, strict
    effectiveness threshold."""

    def test_closure_below_threshold_needs_justification(self):
        recall = self.started_recall()
        self.settle(recall.customer_line_ids)
        with self.assertRaisesRegex(UserError, "below the 95"):
            recall.md_sign("closed", self.password(self.regulatory), "Done")
        self.assertEqual(recall.state, "open")
        self.assertFalse(recall.md_signature_ids)
        recall.closure_justification = "Remaining units used up in the field (confirmed by the customer)"
        recall.with_user(self.regulatory_2).md_sign("closed", self.password(self.regulatory_2), "Done")
        self.assertEqual(recall.state, "closed")
        self.assertTrue(recall.closed_at)
        self.assertEqual(recall.md_signature_ids.meaning, "closed")
        with self.assertRaisesRegex(UserError, "is closed"):
            recall.name = "Changed"
        with self.assertRaisesRegex(UserError, "Only a recall in progress"):
            recall.md_sign("closed", self.password(self.regulatory), "Again")

    def test_closure_without_signature_refused(self):
        recall = self.started_recall()
        self.settle(recall.customer_line_ids)
        recall.closure_justification = "Accepted"
        with self.assertRaisesRegex(UserError, "must first be signed"):
            recall._md_close("no signature")
        self.assertEqual(recall.state, "open")

    def test_only_regulatory_affairs_may_sign(self):
        recall = self.started_recall()
        recall.closure_justification = "Accepted"
        with mute_logger("odoo.addons.md_base.models.md_signature"), self.assertRaises(UserError):
            recall.with_user(self.manager).md_sign("closed", self.password(self.manager), "Done")
        self.assertEqual(recall.state, "open")

    def test_full_effectiveness_closes_without_justification(self):
        recall = self.started_recall()
        line = recall.customer_line_ids
        self.settle(line)
        self.assertFalse(recall.activity_ids, "the notification activity is done by the facts")
        line.destroyed_qty = 4.0
        self.assertEqual(recall.effectiveness, 100.0)
        recall.md_sign("closed", self.password(self.regulatory), "All units accounted for")
        self.assertEqual(recall.state, "closed")
        self.assertEqual(recall.completed_date, fields.Date.context_today(recall))


@tagged("post_install", "-at_install")
class TestMockRecall(RecallCase):
    """A drill: same flow, no holds, no emails, the time to a complete scope measured."""

    def test_mock_recall_records_duration_and_places_no_holds(self):
        recall = self.new_recall(is_mock=True)
        self.assertFalse(recall.scope_completed_at)
        recall.action_compute_scope()
        self.assertTrue(recall.scope_completed_at)
        self.assertGreaterEqual(recall.scope_completed_at, recall.started_at)
        self.assertEqual(
            recall.drill_duration, int((recall.scope_completed_at - recall.started_at).total_seconds())
        )
        first_complete = recall.scope_completed_at
        recall.action_start()
        self.assertEqual(recall.scope_completed_at, first_complete, "the first complete scope is kept")
        self.assertEqual(self.tubing_lot.md_status, "released")
        self.assertFalse(self.env["md.lot.hold"].search(recall._md_holds_domain(active=False)))
        with self.assertRaisesRegex(UserError, "never puts stock on hold"):
            recall.action_place_holds()
        self.assertEqual(recall.units_held, 0.0)

    def test_mock_recall_sends_no_mail(self):
        recall = self.new_recall(is_mock=True)
        recall.action_compute_scope()
        recall.action_start()
        mails_before = self.env["mail.mail"].search_count([])
        with self.assertRaisesRegex(UserError, "mock recall"):
            recall.customer_line_ids.action_send_letter()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertFalse(recall.customer_line_ids.notified_at)
        report = (
            self.env["ir.actions.report"]
            ._render_qweb_html("md_regulatory.report_md_recall_drill", recall.ids)[0]
            .decode()
        )
        self.assertIn("Mock Recall (Drill)", report)
        self.assertIn("Time to complete scope", report)
        self.assertIn("City Hospital", report)

    def test_drill_flag_fixed_once_started(self):
        recall = self.new_recall(is_mock=True)
        recall.action_compute_scope()
        recall.action_start()
        with self.assertRaisesRegex(UserError, "Mock Recall .* can be changed only while it is Draft"):
            recall.is_mock = False


@tagged("post_install", "-at_install")
class TestRecallNotification(RecallCase):
    """Letters (QWeb, external layout) and emails per customer (Order 29 Art. 16, MDR Art. 89(8))."""

    def test_letter_lists_the_customers_lots_and_email_is_recorded(self):
        self.tubing.md_udi_di = False
        recall = self.started_recall(nmpa_level="2", fda_class="2")
        line = recall.customer_line_ids
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("md_regulatory.report_md_recall_letter", line.ids)[0]
            .decode()
        )
        for text in (recall.reference, "TUB-RCL-1", "Class II", "Level II", "Action required"):
            self.assertIn(text, html)
        line.action_send_letter()
        mail = self.env["mail.mail"].search([("model", "=", "md.recall.customer"), ("res_id", "=", line.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn(self.hospital, mail.recipient_ids)
        self.assertEqual(len(mail.attachment_ids), 1, "the letter is attached")
        self.assertTrue(line.notified_at)
        self.assertEqual(line.notified_by_id, self.regulatory)
        self.assertEqual(line.notification_method, "email")
        self.assertEqual(line.notification_email, self.hospital.email)
        self.assertTrue(recall.notification_done_date)

    def test_customer_without_email_refused(self):
        self.hospital.email = False
        recall = self.started_recall()
        with self.assertRaisesRegex(UserError, "no email address"):
            recall.customer_line_ids.action_send_letter()

    def test_regulatory_report_export(self):
        self.tubing.product_tmpl_id.md_brand_name = "FlexTube"
        recall = self.started_recall(fda_class="1", eu_fsca=True)
        content = recall.md_regulatory_report("fda_806")
        keys = [element["key"] for element in content["elements"]]
        self.assertEqual(keys[0], "c1_report_number")
        self.assertIn("c11_consignees", keys)
        self.assertEqual(keys[-1], "c13_not_available")
        self.assertEqual(content["consignees"][0]["quantity"], 4.0)
        self.assertEqual(content["devices"][0]["lot"], "TUB-RCL-1")
        fsn = recall.md_regulatory_report("eu_fsn")
        self.assertIn("TUB-RCL-1", json.dumps(fsn))
        self.assertIn("UDI-DI", {e["key"]: e["label"] for e in fsn["elements"]}["devices"])
        nmpa = recall.md_regulatory_report("nmpa")
        self.assertEqual({e["key"]: e["value"] for e in nmpa["elements"]}["quantity"], 10.0)
        with self.assertRaisesRegex(UserError, "Unknown report"):
            recall.md_regulatory_report("mhra")
        for file_format in ("json", "xlsx"):
            wizard = self.env["md.recall.report.export"].create(
                {"recall_id": recall.id, "report_type": "nmpa", "file_format": file_format}
            )
            action = wizard.action_export()
            self.assertIn("/web/content/", action["url"])
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "md.recall"), ("res_id", "=", recall.id)]
        )
        self.assertEqual(len(attachments), 2)
        self.assertEqual(
            json.loads(attachments.filtered(lambda a: a.mimetype == "application/json").raw)["report"], "nmpa"
        )


@tagged("post_install", "-at_install")
class TestRecallApi(RecallCase):
    """The contract md_quality and integrators use; access per group."""

    def test_create_from_lots_with_source(self):
        recall = self.new_recall(
            source="complaint", source_model="res.partner", source_res_id=self.hospital.id, name="Complaint"
        )
        self.assertEqual(recall.state, "draft")
        self.assertEqual(recall.source, "complaint")
        self.assertEqual(recall.source_display, self.hospital.display_name)
        self.assertTrue(recall.reference.startswith("RCL/"))
        self.assertEqual(recall.lot_ids, self.tubing_lot)

    def test_bad_input_refused(self):
        Recall = self.env["md.recall"].with_user(self.regulatory)
        with self.assertRaisesRegex(UserError, "Give the ids"):
            Recall.md_create_from_lots([])
        with self.assertRaisesRegex(UserError, "Unknown lot ids: 999999"):
            Recall.md_create_from_lots([self.tubing_lot.id, 999999])
        with self.assertRaises(ValidationError):
            Recall.md_create_from_lots(self.tubing_lot.ids, {"source_model": "no.such.model"})
        with self.assertRaises(AccessError):
            self.env["md.recall"].with_user(self.md_user).md_create_from_lots(self.tubing_lot.ids)
        self.assertEqual(
            self.env["md.recall"].with_user(self.manager).md_create_from_lots(self.tubing_lot.ids) > 0, True
        )

    def test_compute_scope_and_status(self):
        recall = self.new_recall(nmpa_level="3", user=self.regulatory_2)
        scope = recall.md_compute_scope()
        self.assertEqual(scope["lots"], self.tubing_lot.ids)
        self.assertEqual(scope["customers"][0]["partner_id"], self.hospital.id)
        self.assertEqual(scope["customers"][0]["picking_ids"], self.hospital_delivery.ids)
        [status] = recall.with_user(self.md_user).md_status()
        self.assertEqual(status["state"], "draft")
        self.assertEqual(status["classification"]["nmpa_level"], "3")
        self.assertTrue(status["deadlines"]["notification"])
        self.assertEqual(status["units"]["total"], 10.0)
        self.assertEqual(status["customers"][0]["quantity"], 4.0)
        with self.assertRaisesRegex(UserError, "one recall at a time"):
            (recall | self.new_recall()).md_compute_scope()

    def test_lot_smart_button(self):
        recall = self.new_recall()
        recall.action_compute_scope()
        self.assertEqual(self.tubing_lot.md_recall_count, 1)
        action = self.tubing_lot.action_md_open_recalls()
        self.assertEqual(self.env["md.recall"].search(action["domain"]), recall)

    def test_lots_fixed_once_started(self):
        recall = self.started_recall()
        with self.assertRaisesRegex(
            UserError, "Affected Lots/Serials .* can be changed only while it is Draft"
        ):
            recall.lot_ids = [Command.set([])]


@tagged("post_install", "-at_install")
class TestRecallGenealogy(RecallCase):
    """A recall on a component lot reaches every customer of every finished unit built
    from it (ISO 13485 7.5.9), checked against a naive walk in Python."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pouch_lot = cls.receive(cls.pouch, "POUCH-RCL-1", 100.0)
        other_tubing = cls.receive(cls.tubing, "TUB-RCL-OTHER", 50.0)
        # level 1: drip chambers from the recalled tubing (two lots) and from another lot
        production, chambers = cls.produce(cls.subassembly, ["DC-RCL-A", "DC-RCL-B"], [(cls.tubing_lot, 4.0)])
        cls.finish(production)
        production, other_chamber = cls.produce(cls.subassembly, ["DC-RCL-C"], [(other_tubing, 5.0)])
        cls.finish(production)
        # level 2: serialised infusion sets
        production, sets_a = cls.produce(
            cls.device, ["IS-RCL-1", "IS-RCL-2"], [(chambers[0], 2.0), (cls.pouch_lot, 2.0)]
        )
        cls.finish(production)
        production, sets_b = cls.produce(cls.device, ["IS-RCL-3", "IS-RCL-4"], [(chambers[1], 2.0)])
        cls.finish(production)
        production, sets_c = cls.produce(cls.device, ["IS-RCL-5"], [(other_chamber, 1.0)])
        cls.finish(production)
        cls.deliver(cls.hospital, sets_a[0] | sets_b[0])
        cls.deliver(cls.clinic, sets_a[1])
        cls.deliver(cls.clinic, sets_c)  # not made from the recalled tubing
        cls.finished = sets_a | sets_b

    def _naive_scope(self, lots):
        """Downstream through stock.move.line consume relations, then done deliveries to
        customers net of returns, one ORM read at a time."""
        reached, frontier = set(lots.ids), lots
        while frontier:
            consumed = self.env["stock.move.line"].search(
                [("lot_id", "in", frontier.ids), ("state", "=", "done")]
            )
            produced = consumed.produce_line_ids.lot_id.filtered(
                lambda lot, seen=frozenset(reached): lot.id not in seen
            )
            reached |= set(produced.ids)
            frontier = produced
        customers = {}
        for line in self.env["stock.move.line"].search(
            [("lot_id", "in", list(reached)), ("state", "=", "done")]
        ):
            sign = (line.location_dest_id.usage == "customer") - (line.location_id.usage == "customer")
            if sign:
                key = (line.picking_id.partner_id.id, line.lot_id.id)
                customers[key] = customers.get(key, 0.0) + sign * line.quantity
        return reached, {key: qty for key, qty in customers.items() if qty}

    def test_component_recall_reaches_every_customer(self):
        recall = self.new_recall(nmpa_level="1")
        recall.action_compute_scope()
        reached, customers = self._naive_scope(self.tubing_lot)
        self.assertEqual(set(recall.scope_lot_ids.ids), reached)
        self.assertEqual(
            {(line.partner_id.id, line.lot_id.id): line.quantity for line in recall.customer_line_ids},
            customers,
        )
        self.assertEqual(
            {(line.partner_id.name, line.lot_id.name) for line in recall.customer_line_ids},
            {
                ("MD Test City Hospital", "TUB-RCL-1"),
                ("MD Test City Hospital", "IS-RCL-1"),
                ("MD Test City Hospital", "IS-RCL-3"),
                ("MD Test Clinic", "IS-RCL-2"),
            },
        )
        self.assertNotIn("IS-RCL-5", recall.scope_lot_ids.mapped("name"))
        self.assertIn("IS-RCL-4", recall.stock_line_ids.lot_id.mapped("name"), "unsold unit in our stock")
        self.assertEqual(recall.customer_count, 2)
        # the recall holds every lot in scope, finished units included
        recall.action_start()
        self.assertTrue(all(status == "on_hold" for status in self.finished.mapped("md_status")))
