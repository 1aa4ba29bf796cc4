import base64
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .capa_common import MdCapaCase

TASK_ACTIVITY = "md_quality.md_activity_change_task"


@tagged("post_install", "-at_install")
class TestChangeControl(MdCapaCase):
    """ISO 13485 7.3.9 and 4.2.4: assessed, approved by e-signature before
    implementation, effective on a date; lots built afterwards record it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finished = cls.env["product.product"].create(
            {"name": "Infusion set IS-300", "is_storable": True, "tracking": "lot"}
        )
        cls.component = cls.env["product.product"].create({"name": "Drip chamber", "type": "consu"})
        cls.label = cls.env["product.product"].create({"name": "Label rev. B", "type": "consu"})
        Bom = cls.env["mrp.bom"]
        cls.old_bom = Bom.create(
            {
                "product_tmpl_id": cls.finished.product_tmpl_id.id,
                "sequence": 5,
                "bom_line_ids": [Command.create({"product_id": cls.component.id, "product_qty": 1})],
            }
        )
        cls.new_bom = Bom.create(
            {
                "product_tmpl_id": cls.finished.product_tmpl_id.id,
                "code": "Rev B",
                "sequence": 20,
                "bom_line_ids": [
                    Command.create({"product_id": cls.component.id, "product_qty": 1}),
                    Command.create({"product_id": cls.label.id, "product_qty": 1}),
                ],
            }
        )
        cls.stock_location = cls.env.ref("stock.stock_location_stock")

    # --- helpers ---------------------------------------------------------------

    def new_change(self, user=None, **vals):
        values = {
            "title": "New label with Chinese IFU reference",
            "change_type": "labeling",
            "description": "Label rev. B adds the eIFU URL and the NMPA registration number.",
            "reason": "NMPA labelling requirement.",
            "product_tmpl_ids": [Command.set(self.finished.product_tmpl_id.ids)],
            "impact_summary": "No effect on safety or performance; risk file unchanged.",
            "stock_decision": "use_up",
        }
        values.update(vals)
        return self.env["md.quality.change"].with_user(user or self.author).create(values)

    def in_approval(self, change):
        change.action_submit()
        change.action_request_approval()
        return change

    def approved(self, change):
        self.in_approval(change)
        self.sign(change, self.inspector, "reviewed")
        self.sign(change, self.manager, "approved")
        return change

    def add_task(self, change):
        change.task_ids = [
            Command.create(
                {"name": "Print and verify new labels", "user_id": self.owner.id, "date_due": self.today}
            )
        ]
        return change.task_ids[-1:]

    def produce(self):
        mo_form = Form(self.env["mrp.production"])
        mo_form.product_id = self.finished
        mo_form.product_qty = 1
        production = mo_form.save()
        production.action_confirm()
        lot = self.env["stock.lot"].create({"name": f"LOT-{production.id}", "product_id": self.finished.id})
        mo_form = Form(production)
        mo_form.qty_producing = 1
        mo_form.lot_producing_id = lot
        production = mo_form.save()
        production.move_raw_ids.picked = True
        production.with_context(skip_consumption=True).button_mark_done()
        self.assertEqual(production.state, "done")
        return production, lot

    def approved_revision(self, effective_date):
        document = self.env["md.document"].create(
            {"number": "FRM-CC-001", "name": "Label artwork", "document_type": "form"}
        )
        Revision = self.env["md.document.revision"].with_user(self.manager_author)
        first = Revision.create(
            {
                "document_id": document.id,
                "name": "A",
                "change_description": "Initial issue",
                "file": base64.b64encode(b"artwork A"),
                "file_name": "a.pdf",
            }
        )
        first.action_submit()
        self.sign(first, self.manager, "approved")
        second = Revision.create(
            {
                "document_id": document.id,
                "name": "B",
                "change_description": "eIFU URL",
                "file": base64.b64encode(b"artwork B"),
                "file_name": "b.pdf",
                "effective_date": effective_date,
            }
        )
        second.action_submit()
        self.sign(second, self.manager, "approved")
        return first, second

    # --- request and assessment ----------------------------------------------------

    def test_sequence_and_new_udi_di(self):
        change = self.new_change()
        self.assertRegex(change.name, r"^CC/\d{4}/\d{4}$")
        self.assertFalse(change.udi_new_di_required)
        # 21 CFR 830.50 / MDR Annex VI Part C: a new quantity per package is a new device identifier.
        change.udi_change_quantity = True
        self.assertTrue(change.udi_new_di_required)
        change.udi_change_quantity = False
        change.udi_change_sterility = True
        self.assertTrue(change.udi_new_di_required)

    def test_assessment_must_be_complete(self):
        change = self.new_change(stock_decision=False, impact_summary=False)
        change.action_submit()
        with self.assertRaisesRegex(UserError, "risk and impact assessment.*stock and work in progress"):
            change.action_request_approval()
        change.write(
            {
                "impact_summary": "Label only",
                "stock_decision": "hold",
                "regulatory_filing_required": True,
                "udi_change_brand": True,
            }
        )
        with self.assertRaisesRegex(UserError, "lots to put on hold.*regulatory filing.*new UDI-DI"):
            change.action_request_approval()
        change.write(
            {"stock_decision": "scrap", "regulatory_filing_note": "NMPA change", "udi_note": "New GTIN"}
        )
        change.action_request_approval()
        self.assertEqual(change.state, "approval")

    def test_workflow_fields_not_writable(self):
        change = self.new_change()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            change.write({"state": "effective"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_change(state="implementation")

    # --- approval ------------------------------------------------------------------

    def test_approval_by_required_roles(self):
        change = self.in_approval(self.new_change())
        with self.assertRaisesRegex(UserError, "signed electronically"):
            change.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(change, self.author, "reviewed")
        with self.assertRaises(AccessError):
            self.sign(change, self.inspector, "approved")
        with self.assertRaisesRegex(UserError, "regulatory filing"):
            self.sign(change, self.regulatory, "regulatory_approved")
        self.sign(change, self.inspector, "reviewed")
        self.assertEqual(change.state, "approval")
        self.sign(change, self.manager, "approved")
        self.assertEqual(change.state, "implementation")
        self.assertTrue(change.approved_on)

    def test_regulatory_approval_when_filing_needed(self):
        change = self.in_approval(
            self.new_change(regulatory_filing_required=True, regulatory_filing_note="NMPA")
        )
        self.sign(change, self.inspector, "reviewed")
        self.sign(change, self.manager, "approved")
        self.assertEqual(change.state, "approval")
        with self.assertRaisesRegex(UserError, "Regulatory Approved"):
            change.with_user(self.manager).action_approve()
        self.sign(change, self.regulatory, "regulatory_approved")
        self.assertEqual(change.state, "implementation")

    def test_signing_only_in_approval(self):
        change = self.new_change()
        with self.assertRaisesRegex(UserError, "Only change requests in approval"):
            self.sign(change, self.inspector, "reviewed")

    def test_change_in_approval_voids_and_approved_content_locked(self):
        change = self.in_approval(self.new_change())
        self.sign(change, self.inspector, "reviewed")
        change.write({"description": "Label rev. B with a larger font"})
        self.assertEqual(change.md_signature_state, "unsigned")
        self.sign(change, self.manager, "approved")
        self.assertEqual(change.state, "approval")
        self.sign(change, self.inspector, "reviewed")
        self.assertEqual(change.state, "implementation")
        with self.assertRaisesRegex(
            UserError, "can be changed only while it is Request, Impact Assessment, Approval"
        ):
            change.write({"description": "Another label"})
        # Planning stays possible: the effective date and tasks.
        change.write({"effective_date": self.today + timedelta(days=3)})
        self.add_task(change)

    def test_access_rights(self):
        with self.assertRaises(AccessError):
            self.new_change(user=self.owner)
        change = self.approved(self.new_change())
        with self.assertRaises(AccessError):
            change.with_user(self.inspector).action_make_effective()
        with self.assertRaises(AccessError):
            change.with_user(self.inspector).action_cancel()
        self.assertEqual(change.with_user(self.owner).title, change.title)

    # --- stock decision --------------------------------------------------------------

    def test_hold_decision_places_holds(self):
        lots = self.env["stock.lot"].create(
            [{"name": f"LOT-H{i}", "product_id": self.finished.id} for i in range(2)]
        )
        for lot in lots:
            self.env["stock.quant"]._update_available_quantity(
                self.finished, self.stock_location, 5, lot_id=lot
            )
        change = self.new_change(stock_decision="hold")
        change.action_submit()
        change.with_user(self.author).action_fill_stock_lots()
        self.assertEqual(change.stock_lot_ids, lots)
        change.action_request_approval()
        self.assertEqual(set(lots.mapped("md_status")), {"released"})
        self.sign(change, self.inspector, "reviewed")
        self.sign(change, self.manager, "approved")
        lots.invalidate_recordset(["md_status"])
        self.assertEqual(set(lots.mapped("md_status")), {"on_hold"})
        holds = self.env["md.lot.hold"].search([("res_model", "=", change._name), ("res_id", "=", change.id)])
        self.assertEqual(holds.lot_id, lots)
        self.assertEqual(change.hold_count, 2)

    def test_use_up_places_no_hold(self):
        lot = self.env["stock.lot"].create({"name": "LOT-U1", "product_id": self.finished.id})
        change = self.approved(self.new_change(stock_decision="use_up", stock_lot_ids=[Command.set(lot.ids)]))
        self.assertEqual(change.state, "implementation")
        self.assertEqual(lot.md_status, "released")

    # --- implementation and effectivity -------------------------------------------------

    def test_tasks_create_activities(self):
        change = self.approved(self.new_change())
        task = self.add_task(change)
        self.assertEqual(task.activity_ids.activity_type_id, self.env.ref(TASK_ACTIVITY))
        self.assertEqual(task.activity_ids.user_id, self.owner)
        with self.assertRaises(AccessError):
            task.with_user(self.regulatory).action_done()
        task.with_user(self.owner).action_done()
        self.assertTrue(task.done)
        self.assertFalse(task.activity_ids)

    def test_effective_date_activates_new_bom(self):
        change = self.new_change(
            bom_change_ids=[
                Command.create({"new_bom_id": self.new_bom.id, "replaced_bom_id": self.old_bom.id})
            ]
        )
        # The planned BoM is not used before the change is effective.
        self.assertFalse(self.new_bom.active)
        self.assertEqual(self.env["mrp.bom"]._bom_find(self.finished)[self.finished], self.old_bom)
        self.approved(change)
        task = self.add_task(change)
        change.write({"effective_date": self.today + timedelta(days=1)})
        with self.assertRaisesRegex(UserError, "not before"):
            change.with_user(self.manager).action_make_effective()
        change.write({"effective_date": self.today})
        with self.assertRaisesRegex(UserError, "open implementation tasks"):
            change.with_user(self.manager).action_make_effective()
        task.action_done()
        change.with_user(self.manager).action_make_effective()
        self.assertEqual(change.state, "effective")
        self.assertTrue(self.new_bom.active)
        self.assertFalse(self.old_bom.active)
        self.assertEqual(self.env["mrp.bom"]._bom_find(self.finished)[self.finished], self.new_bom)
        with self.assertRaisesRegex(UserError, "is closed"):
            change.write({"effective_date": self.today + timedelta(days=5)})

    def test_approved_bom_version_is_locked(self):
        """ISO 13485 7.3.9: what is made effective is what was approved: the new BoM version cannot be
        edited from the approval on, and a change behind the ORM's back voids effectivity."""
        change = self.new_change(
            bom_change_ids=[
                Command.create({"new_bom_id": self.new_bom.id, "replaced_bom_id": self.old_bom.id})
            ]
        )
        self.new_bom.bom_line_ids[0].product_qty = 2  # still in assessment: editable
        self.approved(change)
        line = self.new_bom.bom_line_ids[0]
        for edit in (
            lambda: line.write({"product_qty": 3}),
            lambda: self.new_bom.write({"bom_line_ids": [Command.create({"product_id": self.label.id})]}),
            lambda: self.env["mrp.bom.line"].create({"bom_id": self.new_bom.id, "product_id": self.label.id}),
            lambda: line.unlink(),
            lambda: self.new_bom.unlink(),
        ):
            with self.assertRaises(UserError) as refusal:
                edit()
            self.assertIn(change.display_name, str(refusal.exception))
        self.assertEqual(line.product_qty, 2)
        self.old_bom.bom_line_ids[0].product_qty = 4  # the replaced version is not under approval
        self.env.flush_all()
        self.env.cr.execute("UPDATE mrp_bom_line SET product_qty = 9 WHERE id = %s", [line.id])
        self.env.invalidate_all()
        self.add_task(change).action_done()
        change.write({"effective_date": self.today})
        with self.assertRaisesRegex(UserError, "changed after its approval"):
            change.with_user(self.manager).action_make_effective()
        self.assertFalse(self.new_bom.active)

    def test_effective_document_revision(self):
        first, second = self.approved_revision(self.today + timedelta(days=2))
        self.assertEqual((first.state, second.state), ("effective", "approved"))
        change = self.approved(self.new_change(document_revision_ids=[Command.set(second.ids)]))
        with self.assertRaisesRegex(UserError, "later effective date"):
            change.with_user(self.manager).action_make_effective()
        second.with_user(self.manager).write({"effective_date": self.today})
        change.with_user(self.manager).action_make_effective()
        self.assertEqual((first.state, second.state), ("superseded", "effective"))
        self.assertEqual(second.document_id.effective_revision_id, second)

    def test_unapproved_revision_blocks(self):
        document = self.env["md.document"].create(
            {"number": "FRM-CC-002", "name": "IFU", "document_type": "form"}
        )
        draft = self.env["md.document.revision"].create(
            {"document_id": document.id, "name": "A", "change_description": "New IFU"}
        )
        change = self.approved(self.new_change(document_revision_ids=[Command.set(draft.ids)]))
        with self.assertRaisesRegex(UserError, "is not approved"):
            change.with_user(self.manager).action_make_effective()

    def test_cron_applies_due_changes(self):
        due = self.approved(self.new_change(effective_date=self.today))
        later = self.approved(self.new_change(effective_date=self.today + timedelta(days=7)))
        blocked = self.approved(self.new_change(effective_date=self.today))
        self.add_task(blocked)
        applied = self.env["md.quality.change"]._cron_apply_effective()
        self.assertIn(due, applied)
        self.assertEqual(
            (due.state, later.state, blocked.state), ("effective", "implementation", "implementation")
        )
        self.assertTrue(blocked.activity_ids.filtered(lambda a: a.user_id == blocked.user_id))

    # --- device history --------------------------------------------------------------

    def test_mo_done_after_effectivity_records_change(self):
        change = self.approved(
            self.new_change(
                bom_change_ids=[
                    Command.create({"new_bom_id": self.new_bom.id, "replaced_bom_id": self.old_bom.id})
                ]
            )
        )
        before, lot_before = self.produce()
        self.assertEqual(before.bom_id, self.old_bom)
        self.assertFalse(before.md_change_ids)
        self.assertFalse(lot_before.md_change_ids)
        change.with_user(self.manager).action_make_effective()
        after, lot_after = self.produce()
        self.assertEqual(after.bom_id, self.new_bom)
        self.assertEqual(after.md_change_ids, change)
        self.assertEqual(lot_after.md_change_ids, change)
        self.assertEqual(change.production_ids, after)
        # What an order recorded stays: the earlier lot does not gain the change.
        lot_before.invalidate_recordset(["md_change_ids"])
        self.assertFalse(lot_before.md_change_ids)

    def test_mo_of_other_product_records_nothing(self):
        change = self.approved(
            self.new_change(product_tmpl_ids=[Command.set(self.product.product_tmpl_id.ids)])
        )
        change.with_user(self.manager).action_make_effective()
        production, lot = self.produce()
        self.assertFalse(production.md_change_ids)
        self.assertFalse(lot.md_change_ids)
