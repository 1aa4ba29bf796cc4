"""The certificate of conformity (产品合格证) of a released lot: issued only for what the release
signature released and is not held (ISO 13485:2016 8.2.6; GSP, NMPA announcement 2023 No. 153,
Art. 57 and 64: the buyer checks it at acceptance)."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .release_common import ReleaseCase

REPORT = "md_quality.report_md_certificate_of_conformity"


@tagged("post_install", "-at_install")
class TestCertificateOfConformity(ReleaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.hospital.country_id  # the registration read is the company's market
        cls.production, cls.serial = cls.produce("SN-COC-1")
        cls.dhr = cls.production.md_dhr_ids

    def _render(self):
        return self.env["ir.actions.report"]._render_qweb_html(REPORT, self.serial.ids)[0].decode()

    def test_no_certificate_before_the_release(self):
        with self.assertRaisesRegex(UserError, "SN-COC-1"):
            self._render()

    def test_the_certificate_names_the_registration_the_serial_and_who_released_it(self):
        self.sign(self.dhr, self.approver)
        html = self._render()
        registration = self.env["md.registration"].search(
            [("product_tmpl_ids", "in", self.device.product_tmpl_id.ids)]
        )
        for expected in ("Certificate of Conformity", "SN-COC-1", registration.number, self.approver.name):
            self.assertIn(expected, html)
        if self.env["res.lang"]._lang_get("zh_CN"):
            self.assertIn("产品合格证", html)  # printed in Chinese and in English

    def test_a_held_lot_gets_no_certificate(self):
        self.sign(self.dhr, self.approver)
        self.serial._md_place_hold("hold", "Complaint under investigation")
        with self.assertRaisesRegex(UserError, "not on hold"):
            self._render()
