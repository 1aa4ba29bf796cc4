from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    md_licence_country_ids = fields.Many2many(
        "res.country",
        "md_company_licence_country_rel",
        "company_id",
        "country_id",
        string="Countries Requiring Customer Licences",
        default=lambda self: self.env.ref("base.cn", raise_if_not_found=False),
        help="A sales order of a device product delivered to one of these countries needs a valid customer "
        "licence covering the device (China: 医疗器械经营监督管理办法 and GSP, the buyer holds a "
        "经营许可证/备案凭证 or 医疗机构执业许可证).",
    )

    md_outbound_check_required = fields.Boolean(
        "Outbound Check of Deliveries",
        help="Deliveries of devices to customers are validated only after a second person, not the picker, "
        "has checked them by scanning (出库复核: GSP, NMPA announcement 2023 No. 153, Art. 87).",
    )

    md_receipt_gate_required = fields.Boolean(
        "Supplier Approvals Checked at Receipt",
        help="Receipts of devices from a supplier, with or without a purchase order, are validated only when "
        "the supplier's first-time approval with its licences in force and each device's first-time product "
        "approval are valid on the day (进货查验: State Council Order 739, Art. 45).",
    )

    md_acceptance_required = fields.Boolean(
        "Acceptance of Receipts",
        help="Receipts of devices, from a supplier or returned by a customer, are validated only after the "
        "acceptance person has checked the goods and confirmed the acceptance record (验收: GSP, NMPA "
        "announcement 2023 No. 153, Art. 64-65).",
    )

    @api.model
    def _md_init_licence_countries(self):
        """At install, the companies that exist already require customer licences in China."""
        china = self.env.ref("base.cn", raise_if_not_found=False)
        if china:
            self.search([("md_licence_country_ids", "=", False)]).md_licence_country_ids = china
