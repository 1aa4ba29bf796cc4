"""Device history record (21 CFR 820.184 / QMSR 820.35, ISO 13485 7.5.1, 7.5.9):
compiled when the manufacturing order is done, read-only, printed with its
signatures (21 CFR 11.50)."""

import base64

import pypdfium2

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .release_common import ReleaseCase

GTIN = "00614141123452"


def pdf_text(pdf):
    document = pypdfium2.PdfDocument(pdf)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return text


@tagged("post_install", "-at_install")
class TestDhr(ReleaseCase):
    def test_mo_done_creates_dhr_with_components_and_operations(self):
        production, serial = self.produce("SN-DHR-1")
        dhr = production.md_dhr_ids
        self.assertEqual(len(dhr), 1)
        self.assertEqual(dhr.lot_id, serial)
        self.assertEqual(dhr.product_id, self.device)
        self.assertTrue(dhr.name.startswith("DHR/"))
        self.assertEqual((dhr.qty_planned, dhr.qty_produced, dhr.qty_produced_order), (1, 1, 1))
        self.assertEqual(dhr.state, "pending")
        self.assertEqual(serial.md_release_state, "pending")
        self.assertEqual(serial.md_dhr_ids, dhr)
        # components: the consumed lot, with its quantity, as the genealogy links it
        self.assertEqual(dhr.component_ids.lot_id, self.tubing_lot)
        self.assertEqual(dhr.component_ids.quantity, 2)
        upstream = {row["lot_id"] for row in serial.md_trace("up") if row["level"] == 1}
        self.assertEqual(set(dhr.component_ids.lot_id.ids), upstream)
        # operations: the work order's time log with its operator and times
        workorder = production.workorder_ids
        self.assertEqual(len(dhr.operation_ids), len(workorder.time_ids))
        self.assertEqual(set(dhr.operation_ids.mapped("name")), {"Assemble and seal"})
        self.assertEqual(dhr.operation_ids.workcenter_id, self.workcenter)
        self.assertEqual(dhr.operation_ids.user_id, self.operator)
        self.assertTrue(all(line.date_start and line.date_end for line in dhr.operation_ids))
        # who took part in producing: responsible, operator, who completed it
        self.assertIn(self.operator, dhr.producer_ids)
        self.assertEqual(dhr.completed_by_id, self.operator)

    def test_dhr_compiled_once_per_lot(self):
        production, _serial = self.produce("SN-DHR-2")
        again = self.env["md.quality.dhr"]._md_create_for_productions(production)
        self.assertFalse(again)
        self.assertEqual(len(production.md_dhr_ids), 1)

    def test_no_dhr_for_products_that_are_not_devices(self):
        self.device.product_tmpl_id.md_is_device = False
        production, serial = self.produce("SN-DHR-PLAIN")
        self.assertFalse(production.md_dhr_ids)
        self.assertEqual(serial.md_release_state, "not_required")

    def test_purchased_lot_needs_no_batch_release(self):
        self.assertEqual(self.tubing_lot.md_release_state, "not_required")

    def test_dhr_lists_documents_in_effect_and_labels_printed(self):
        manager_a = self._user("md_rel_doc_author", "md_base.group_md_quality_manager")
        manager_b = self._user("md_rel_doc_approver", "md_base.group_md_quality_manager")
        document = (
            self.env["md.document"]
            .with_user(manager_a)
            .create(
                {
                    "number": "SPEC-REL-1",
                    "name": "Infusion set specification",
                    "document_type": "specification",
                    "bom_ids": [Command.link(self.bom.id)],
                }
            )
        )
        revision = (
            self.env["md.document.revision"]
            .with_user(manager_a)
            .create(
                {
                    "document_id": document.id,
                    "name": "A",
                    "change_description": "Initial issue",
                    "file": base64.b64encode(b"%PDF-1.4 spec"),
                    "file_name": "spec.pdf",
                }
            )
        )
        revision.action_submit()
        revision.with_user(manager_b).md_sign("approved", self.password(manager_b), "Approved for use")
        self.assertEqual(revision.state, "effective")
        # a UDI label printed for the serial
        self.device.product_tmpl_id.md_label_serial = True
        self.device.write({"md_udi_issuer": "gs1", "md_udi_di": GTIN})
        production, serial = self.produce("SN-DHR-DOC")
        label = self.env["md.label.log"].with_user(self.md_user).create({"lot_id": serial.id, "copies": 2})
        dhr = production.md_dhr_ids
        self.assertEqual(dhr.document_revision_ids, revision)
        self.assertEqual(dhr.label_log_ids, label)
        self.assertIn("(21)SN-DHR-DOC", label.udi_hri)

    def test_dhr_is_read_only_for_everyone(self):
        production, _serial = self.produce("SN-DHR-RO")
        dhr = production.md_dhr_ids
        for user in (self.md_user, self.inspector, self.approver):
            self.assertEqual(dhr.with_user(user).read(["name"])[0]["name"], dhr.name)
            with self.assertRaises(AccessError):
                dhr.with_user(user).write({"state": "released"})
            with self.assertRaises(AccessError):
                dhr.with_user(user).unlink()
        manager = self._user("md_rel_manager", "md_base.group_md_quality_manager")
        with self.assertRaises(AccessError):
            dhr.with_user(manager).write({"qty_produced": 5})

    def test_dhr_of_another_company_is_invisible(self):
        production, _serial = self.produce("SN-DHR-MC")
        other = self.env["res.company"].create({"name": "MD Rel Other Company"})
        outsider = self._user("md_rel_outsider", "md_base.group_md_release_approver")
        outsider.write({"company_ids": [Command.set(other.ids)], "company_id": other.id})
        self.assertFalse(
            self.env["md.quality.dhr"].with_user(outsider).search([("id", "=", production.md_dhr_ids.id)])
        )
        with self.assertRaises(AccessError):
            production.md_dhr_ids.with_user(outsider).read(["name"])

    def test_dhr_pdf_carries_sections_and_signature(self):
        production, serial = self.produce("SN-DHR-PDF")
        dhr = production.md_dhr_ids
        self.sign(dhr, self.approver)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("md_quality.report_md_quality_dhr", dhr.ids)
        )
        self.assertEqual(report_type, "pdf")
        text = pdf_text(pdf)
        for expected in (
            dhr.name,
            serial.name,
            self.tubing_lot.name,
            "Assemble and seal",
            "Components",
            "Operations",
            # 21 CFR 11.50: printed name, meaning, reason of the signature
            "Electronic Signatures",
            self.approver.name,
            "Released",
            "Batch record reviewed, all criteria met",
        ):
            self.assertIn(expected, text)
