from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class MdLabelPrint(models.TransientModel):
    """Print UDI labels for lots/serial numbers, from the lot list, a receipt or a manufacturing order."""

    _name = "md.label.print"
    _description = "Print UDI Labels"

    line_ids = fields.One2many("md.label.print.line", "wizard_id", "Labels")
    symbology = fields.Selection(
        selection=lambda self: self.env["md.label.log"]._fields["symbology"]._description_selection(self.env),
        required=True,
        default="datamatrix",
    )
    with_digital_link = fields.Boolean(
        "Digital Link QR Code",
        help="Also print the GS1 Digital Link URI (Settings > Medical Devices: resolver) as a QR code.",
    )
    origin = fields.Char("Source Document", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        sources = {
            "stock.lot": self._md_lines_from_lots,
            "stock.picking": self._md_lines_from_pickings,
            "mrp.production": self._md_lines_from_productions,
        }
        if model in sources and "line_ids" in fields_list:
            records = self.env[model].browse(ids)
            values["line_ids"] = [fields.Command.create(line) for line in sources[model](records)]
            if model != "stock.lot":
                values["origin"] = ", ".join(records.mapped("name"))
        return values

    @api.model
    def _md_lines_from_lots(self, lots):
        return [{"lot_id": lot.id, "copies": 1} for lot in lots]

    @api.model
    def _md_lines_from_pickings(self, pickings):
        return self._md_lines_from_move_lines(pickings.move_line_ids)

    @api.model
    def _md_lines_from_productions(self, productions):
        lines = []
        for production in productions:
            move_lines = production.move_finished_ids.move_line_ids.filtered(
                lambda line, product=production.product_id: line.product_id == product
            )
            if move_lines:
                lines += self._md_lines_from_move_lines(move_lines)
            elif production.lot_producing_id:
                quantity = production.qty_producing or production.product_qty
                lines.append(self._md_line(production.lot_producing_id, quantity))
        return lines

    @api.model
    def _md_lines_from_move_lines(self, move_lines):
        """One line per lot, the quantity in the product's unit: one label per unit by default."""
        quantities = defaultdict(float)
        for line in move_lines.filtered("lot_id"):
            quantities[line.lot_id] += line.product_uom_id._compute_quantity(
                line.quantity, line.product_id.uom_id
            )
        return [self._md_line(lot, quantity) for lot, quantity in quantities.items()]

    @api.model
    def _md_line(self, lot, quantity):
        return {"lot_id": lot.id, "quantity": quantity, "copies": max(1, round(quantity))}

    def action_print(self):
        """Log each run (the device history record lists it), then print the labels of the logs."""
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Add the lots or serial numbers to print labels for."))
        logs = self.env["md.label.log"].create(
            [
                {
                    "lot_id": line.lot_id.id,
                    "packaging_id": line.packaging_id.id,
                    "copies": line.copies,
                    "symbology": self.symbology,
                    "with_digital_link": self.with_digital_link,
                    "origin": self.origin,
                }
                for line in self.line_ids
            ]
        )
        # config=False: labels use no company document layout, so never ask to configure one.
        action = self.env.ref("md_udi_trace.action_report_udi_label").report_action(logs, config=False)
        return {**action, "close_on_report_download": True}
