from odoo.tests import tagged

from .signature_common import MdSignatureCase

HOLD_REPORT = """
<t t-name="md_regulatory.test_md_lot_hold_report">
    <t t-call="web.html_container">
        <t t-foreach="docs" t-as="o">
            <t t-call="web.external_layout">
                <div class="page"><h2 t-field="o.lot_id"/><p t-field="o.reason"/></div>
            </t>
        </t>
    </t>
</t>
"""


@tagged("post_install", "-at_install")
class TestSignatureReport(MdSignatureCase):
    """21 CFR 11.50(b): printed name, date/time and meaning on every printout."""

    def render(self, records, tz):
        view = self.env["ir.ui.view"].create(
            {
                "name": "test hold report",
                "type": "qweb",
                "key": "md_regulatory.test_md_lot_hold_report",
                "arch": HOLD_REPORT,
            }
        )
        report = self.env["ir.actions.report"].create(
            {
                "name": "Hold",
                "model": "md.lot.hold",
                "report_type": "qweb-pdf",
                "report_name": view.key,
            }
        )
        html, _type = report.with_context(tz=tz)._render_qweb_html(report.report_name, records.ids)
        return html.decode()

    def test_report_of_signed_record_carries_the_manifestation(self):
        hold = self.new_hold()
        self.sign_as(hold, self.inspector, "reviewed", "Investigation reviewed")
        self.sign_as(hold, self.signer, "released", "Retested, conforming")
        html = self.render(hold, "Europe/Brussels")
        self.assertIn("Electronic Signatures", html)
        for signature in hold.md_signature_ids.with_context(tz="Europe/Brussels"):
            self.assertIn(signature.signer_name, html)
            self.assertIn(signature.meaning_name, html)
            self.assertIn(signature.reason, html)
            self.assertIn(signature.signed_at_display, html)
            self.assertIn("(Europe/Brussels)", signature.signed_at_display)

    def test_voided_signature_is_printed_as_voided(self):
        hold = self.new_hold()
        self.sign_as(hold, self.inspector, "reviewed", "Investigation reviewed")
        hold.md_signature_ids._md_void("Signed content changed")
        html = self.render(hold, "UTC")
        self.assertIn("voided: Signed content changed", html)

    def test_unsigned_record_has_no_signature_block(self):
        html = self.render(self.new_hold(), "UTC")
        self.assertNotIn("Electronic Signatures", html)

    def sign_as(self, hold, user, meaning, reason):
        hold.with_user(user).md_sign(meaning, self.password(user), reason)
