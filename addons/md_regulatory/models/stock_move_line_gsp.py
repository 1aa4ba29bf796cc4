from odoo import api, fields, models
from odoo.tools.sql import create_index


class StockMoveLine(models.Model):
    """The columns of the GSP records built on stock moves (NMPA announcement 2023 No. 153):
    storage-in (入库记录, Art. 70), sales (销售记录, Art. 84) and returns (退货记录, Art. 107).
    Each row carries the registration or filing number, the registrant, the lot or serial, the
    use-by date and the UDI; all are read for a page of rows at once."""

    _inherit = "stock.move.line"

    md_is_device = fields.Boolean(related="product_id.md_is_device", string="Medical Device")
    md_registration_number = fields.Char("Registration No.", compute="_compute_md_gsp_registration")
    md_registrant = fields.Char("Registrant", compute="_compute_md_gsp_registration")
    md_manufacturer_id = fields.Many2one(related="product_id.md_manufacturer_id", string="Manufacturer")
    md_model = fields.Char(related="product_id.md_model_version", string="Model")
    md_lot_expiration_date = fields.Datetime(related="lot_id.expiration_date", string="Use-by Date")
    md_udi = fields.Char("UDI", compute="_compute_md_udi")
    md_lot_status = fields.Selection(related="lot_id.md_status", string="Quality Status")
    md_price_unit = fields.Float("Unit Price", compute="_compute_md_gsp_price", digits="Product Price")
    md_amount = fields.Monetary("Amount", compute="_compute_md_gsp_price", currency_field="md_currency_id")
    md_currency_id = fields.Many2one("res.currency", "Currency", compute="_compute_md_gsp_price")
    md_partner_address = fields.Char("Address", compute="_compute_md_partner_record")
    md_partner_phone = fields.Char("Phone", compute="_compute_md_partner_record")
    md_partner_licence = fields.Char("Licence No.", compute="_compute_md_partner_record")
    md_return_reason = fields.Char(related="picking_id.md_return_reason")
    md_returned_picking_id = fields.Many2one(related="picking_id.return_id", string="Original Transfer")
    md_inspector_id = fields.Many2one("res.users", "Accepted By", compute="_compute_md_inspector")

    def init(self):
        res = super().init()
        # The storage-in, sales and return records list done lines newest first: the first page
        # walks this index instead of sorting every matching line (1.3-2 s at 9.6 million lines;
        # tests/benchmarks/bench_five_years.py).
        create_index(
            self.env.cr,
            "md_stock_move_line_done_date_idx",
            self._table,
            ["date DESC", "id DESC"],
            where="state = 'done'",
        )
        return res

    def _md_registration_country(self):
        """A delivery's registration is the one of its destination (the market it is sold in);
        every other move's is the company's."""
        self.ensure_one()
        if self.location_dest_id.usage == "customer" and self.picking_id.partner_id.country_id:
            return self.picking_id.partner_id.country_id
        return self.company_id.country_id

    @api.depends("product_id", "company_id", "picking_id.partner_id")
    def _compute_md_gsp_registration(self):
        registrations = self.env["md.market.gate"]._md_registrations_of(
            self, lambda line: line._md_registration_country()
        )
        for line in self:
            registration = registrations[line]
            line.md_registration_number = registration.number or False
            line.md_registrant = registration.holder_id.name or False

    @api.depends("product_id", "lot_id.name", "lot_id.expiration_date")
    def _compute_md_udi(self):
        """The UDI in human-readable form: the device identifier and the lot's production
        identifiers that its label carries."""
        for line in self:
            line.md_udi = line.lot_id._md_udi_text() if line.lot_id else line.product_id.md_udi_di

    @api.depends("move_id", "quantity")
    def _compute_md_gsp_price(self):
        """The unit price of the order the move comes from (GSP Art. 58 and 84)."""
        for line in self:
            order_line = line.move_id._md_order_line()
            line.md_price_unit = order_line.price_unit
            line.md_currency_id = order_line.currency_id or line.company_id.currency_id
            line.md_amount = line.md_price_unit * line.quantity

    @api.depends("picking_id.partner_id")
    def _compute_md_partner_record(self):
        """The buyer's address, contact and licence number (GSP Art. 84, last paragraph)."""
        partners = self.picking_id.partner_id.commercial_partner_id
        licences = (
            self.env["md.partner.licence"]
            .sudo()
            .search([("partner_id", "in", partners.ids), ("state", "=", "valid")], order="expiry_date desc")
        )
        for line in self:
            partner = line.picking_id.partner_id
            line.md_partner_address = (
                " ".join(partner._display_address(without_company=True).split()) or False
            )
            line.md_partner_phone = partner.phone or partner.mobile or False
            licence = licences.filtered(lambda lic, p=partner: lic.partner_id == p.commercial_partner_id)[:1]
            line.md_partner_licence = licence.number or False

    @api.depends("picking_id")
    def _compute_md_inspector(self):
        acceptances = (
            self.env["md.receipt.acceptance"]
            .sudo()
            .search(
                [("picking_id", "in", self.picking_id.ids), ("state", "=", "done")], order="accepted_at desc"
            )
        )
        for line in self:
            line.md_inspector_id = acceptances.filtered(lambda a, p=line.picking_id: a.picking_id == p)[
                :1
            ].inspector_id
