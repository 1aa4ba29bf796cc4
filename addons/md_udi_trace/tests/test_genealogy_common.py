"""Builders of genealogies through Odoo's own flows, shared by the genealogy tests."""

from odoo import Command
from odoo.tests import TransactionCase


class GenealogyCase(TransactionCase):
    """Products, locations and helpers: receive, produce, deliver, return."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.tubing = cls._product("MD Test PVC Tubing", "lot")
        cls.pouch = cls._product("MD Test Tyvek Pouch", "lot")
        cls.subassembly = cls._product("MD Test Drip Chamber", "lot")
        cls.device = cls._product("MD Test Infusion Set", "serial")
        cls.supplier = cls.env["res.partner"].create({"name": "MD Test Polymer Supplier"})
        cls.hospital = cls.env["res.partner"].create({"name": "MD Test City Hospital"})
        cls.clinic = cls.env["res.partner"].create({"name": "MD Test Clinic"})

    @classmethod
    def _product(cls, name, tracking):
        return cls.env["product.product"].create({"name": name, "is_storable": True, "tracking": tracking})

    @classmethod
    def receive(cls, product, lot_name, qty, partner=None):
        """A done receipt from a supplier creating ``lot_name``."""
        picking = cls._picking(
            cls.warehouse.in_type_id, cls.supplier_location, cls.stock_location, partner or cls.supplier
        )
        move = cls._move(picking, product, qty)
        move.move_line_ids = [Command.create(cls._line_vals(move, qty, lot_name=lot_name))]
        cls._validate(picking)
        return move.move_line_ids.lot_id

    @classmethod
    def produce(cls, product, finished, components):
        """A done manufacturing order.

        ``finished``: names of the lots/serials made (one line each, quantity 1
        for serials); ``components``: ``[(lot, qty)]`` consumed.
        """
        qty_each = 1.0 if product.tracking == "serial" else 10.0
        production = cls.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": qty_each * len(finished),
                "picking_type_id": cls.warehouse.manu_type_id.id,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "product_uom_qty": qty,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": lot.product_id.property_stock_production.id,
                        }
                    )
                    for lot, qty in components
                ],
            }
        )
        production.action_confirm()
        for move, (lot, qty) in zip(production.move_raw_ids, components, strict=True):
            move.move_line_ids.unlink()
            move.move_line_ids = [Command.create(cls._line_vals(move, qty, lot=lot))]
            move.picked = True
        finished_move = production.move_finished_ids.filtered(lambda m: m.product_id == product)
        lots = cls.env["stock.lot"].create(
            [{"name": name, "product_id": product.id, "company_id": cls.company.id} for name in finished]
        )
        # the finished lines carry the lots (Odoo's lot_producing_id holds one lot only)
        production.qty_producing = qty_each * len(finished)
        finished_move.move_line_ids.unlink()
        # not picked: Odoo sets the finished quantity from qty_producing when done
        finished_move.move_line_ids = [
            Command.create(dict(cls._line_vals(finished_move, qty_each, lot=lot), picked=False))
            for lot in lots
        ]
        return production, lots

    @classmethod
    def finish(cls, production):
        result = production.with_context(skip_consumption=True, skip_backorder=True).button_mark_done()
        if production.state != "done":
            raise AssertionError(f"{production.name} is not done: {result}")
        return production

    @classmethod
    def deliver(cls, partner, lots):
        picking = cls._picking(cls.warehouse.out_type_id, cls.stock_location, cls.customer_location, partner)
        for lot in lots:
            qty = 1.0 if lot.product_id.tracking == "serial" else lot.product_qty
            move = cls._move(picking, lot.product_id, qty)
            move.move_line_ids = [Command.create(cls._line_vals(move, qty, lot=lot))]
        cls._validate(picking)
        return picking

    @classmethod
    def return_from(cls, partner, lot, qty=1.0):
        picking = cls._picking(cls.warehouse.in_type_id, cls.customer_location, cls.stock_location, partner)
        move = cls._move(picking, lot.product_id, qty)
        move.move_line_ids = [Command.create(cls._line_vals(move, qty, lot=lot))]
        cls._validate(picking)
        return picking

    # ------------------------------------------------------------------
    @classmethod
    def _picking(cls, picking_type, source, dest, partner):
        return cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "partner_id": partner.id,
            }
        )

    @classmethod
    def _move(cls, picking, product, qty):
        return cls.env["stock.move"].create(
            {
                "name": product.name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "picking_id": picking.id,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
            }
        )

    @classmethod
    def _line_vals(cls, move, qty, lot=None, lot_name=None):
        vals = {
            "move_id": move.id,
            "product_id": move.product_id.id,
            "quantity": qty,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
            "picked": True,
        }
        if lot:
            vals["lot_id"] = lot.id
        if lot_name:
            vals["lot_name"] = lot_name
        if move.picking_id:
            vals["picking_id"] = move.picking_id.id
        return vals

    @classmethod
    def _validate(cls, picking):
        picking.action_confirm()
        for move in picking.move_ids:
            move.picked = True
        picking.button_validate()
        if picking.state != "done":
            raise AssertionError(f"{picking.name} is not done")

    # ------------------------------------------------------------------
    def trace_ids(self, lots, direction):
        return {row["lot_id"] for row in lots.md_trace(direction)}
