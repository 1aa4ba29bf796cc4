from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index

# The move lines each GSP record list shows, by the usage of their locations (NMPA announcement
# 2023 No. 153): storage-in (Art. 70) from a supplier into stock, sales (Art. 84) to a
# customer, returns (Art. 107) from a customer or back to a supplier.
GSP_RECORDS = {
    "md_gsp_storage_in": SQL("src.usage = 'supplier' AND dest.usage = 'internal'"),
    "md_gsp_sale": SQL("dest.usage = 'customer'"),
    "md_gsp_return": SQL("src.usage = 'customer' OR dest.usage = 'supplier'"),
}


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
    md_gsp_storage_in = fields.Boolean("Storage-In Record", compute="_compute_md_gsp_records", store=True)
    md_gsp_sale = fields.Boolean("Sales Record", compute="_compute_md_gsp_records", store=True)
    md_gsp_return = fields.Boolean("Return Record", compute="_compute_md_gsp_records", store=True)

    def _auto_init(self):
        """The GSP record flags of the lines already there, set in one statement: Odoo would
        compute a new stored field line by line (hours on a database of millions of lines)."""
        cr = self.env.cr
        missing = [name for name in GSP_RECORDS if not column_exists(cr, self._table, name)]
        for name in missing:
            create_column(cr, self._table, name, "boolean")
        if missing:
            cr.execute(
                SQL(
                    """
                    UPDATE stock_move_line ml
                       SET %(assignments)s
                      FROM stock_location src, stock_location dest
                     WHERE src.id = ml.location_id AND dest.id = ml.location_dest_id
                       AND (%(any)s)
                    """,
                    assignments=SQL(", ").join(
                        SQL("%s = (%s)", SQL.identifier(name), GSP_RECORDS[name]) for name in missing
                    ),
                    any=SQL(" OR ").join(SQL("(%s)", GSP_RECORDS[name]) for name in missing),
                )
            )
        return super()._auto_init()

    def init(self):
        res = super().init()
        # Each list shows its done lines newest first: its first page walks its own index instead
        # of sorting every matching line, or walking the lines of all kinds by date until 80 of
        # its kind come (storage-in at 9.6 million lines: 1.3 s sorted, 2.4 s walked, as the
        # index of all done lines by date did; tests/benchmarks/bench_five_years.py).
        self.env.cr.execute(SQL("DROP INDEX IF EXISTS md_stock_move_line_done_date_idx"))
        for name in GSP_RECORDS:
            create_index(
                self.env.cr,
                f"md_stock_move_line_{name}_date_idx",
                self._table,
                ["date DESC", "id DESC"],
                where=f"state = 'done' AND {name}",
            )
        return res

    @api.depends("location_id.usage", "location_dest_id.usage")
    def _compute_md_gsp_records(self):
        # GSP_RECORDS in Python (test_gsp_lists checks both against the lists' former domains)
        for line in self:
            source, destination = line.location_id.usage, line.location_dest_id.usage
            line.md_gsp_storage_in = source == "supplier" and destination == "internal"
            line.md_gsp_sale = destination == "customer"
            line.md_gsp_return = source == "customer" or destination == "supplier"

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
