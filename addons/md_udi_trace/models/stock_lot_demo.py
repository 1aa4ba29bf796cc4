"""Demo-only traceability story, called once from demo/md_genealogy_demo.xml.

Never called by business code: it exists so that a database installed with demo data
shows a genealogy (receipt -> manufacturing -> delivery) and a hold right away.
"""

from datetime import timedelta

from odoo import Command, api, fields, models

# Origin of every transfer and manufacturing order of the story: the uninstall hook finds them by it.
DEMO_STORY_ORIGIN = "MedDev demo story"
# Contexts of the demo flows: no backorder or SMS wizards, no expired-lot confirmation.
DEMO_FLOW_CONTEXT = {"skip_backorder": True, "skip_sms": True, "skip_expired": True, "tracking_disable": True}


class StockLot(models.Model):
    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _md_demo_build_genealogy(self):
        """Demo data only: one PVC tubing lot feeding two infusion set lots, a delivery of one
        of them to a hospital, and an incoming pouch lot in quarantine (ISO 13485 7.5.8/7.5.9)."""
        demo = self.with_context(**DEMO_FLOW_CONTEXT)
        ref = demo.env.ref
        warehouse = demo.env["stock.warehouse"].search([("company_id", "=", demo.env.company.id)], limit=1)
        lots = demo._md_demo_receive(
            warehouse,
            ref("md_udi_trace.partner_demo_polymer_supplier"),
            [
                (ref("md_udi_trace.product_pvc_tubing"), "PVC-2026-0311", 1000.0),
                (ref("md_udi_trace.product_tyvek_pouch"), "TYV-2026-0318", 500.0),
                (ref("md_udi_trace.product_tyvek_pouch"), "TYV-2026-0402", 500.0),
            ],
        )
        pvc, pouch_released, pouch_incoming = lots
        bom = ref("md_udi_trace.bom_infusion_set")
        finished = demo.browse()
        for lot_name, production_date in (("IS200-260415", "2026-04-15"), ("IS200-260422", "2026-04-22")):
            finished |= demo._md_demo_produce(
                warehouse, bom, lot_name, production_date, 200.0, [pvc, pouch_released]
            )
        demo._md_demo_deliver(warehouse, ref("md_udi_trace.partner_suzhou_hospital"), finished[0], 120.0)
        pouch_incoming._md_place_hold("quarantine", "Incoming inspection pending")

    @api.model
    def _md_demo_receive(self, warehouse, supplier, lines):
        """A done supplier receipt; ``lines``: [(product, lot name, quantity)]; returns the lots."""
        picking = self._md_demo_picking(
            warehouse.in_type_id,
            self.env.ref("stock.stock_location_suppliers"),
            warehouse.lot_stock_id,
            supplier,
        )
        for product, lot_name, qty in lines:
            move = self._md_demo_move(picking, product, qty)
            move.move_line_ids = [Command.create(self._md_demo_line_vals(move, qty, lot_name=lot_name))]
        self._md_demo_validate(picking)
        return [
            picking.move_line_ids.filtered(lambda ml, n=name: ml.lot_name == n).lot_id
            for _p, name, _q in lines
        ]

    @api.model
    def _md_demo_produce(self, warehouse, bom, lot_name, production_date, qty, component_lots):
        """A done manufacturing order making ``qty`` of lot ``lot_name`` from ``component_lots``."""
        product = bom.product_id
        production_day = fields.Date.to_date(production_date)
        lot = self.create(
            {
                "name": lot_name,
                "product_id": product.id,
                "company_id": self.env.company.id,
                "md_production_date": production_day,
                "expiration_date": fields.Datetime.to_datetime(production_date)
                + timedelta(days=product.expiration_time),
            }
        )
        production = self.env["mrp.production"].create(
            {
                "product_id": product.id,
                "bom_id": bom.id,
                "product_qty": qty,
                "picking_type_id": warehouse.manu_type_id.id,
                "origin": DEMO_STORY_ORIGIN,
            }
        )
        production.action_confirm()
        for move in production.move_raw_ids:
            component_lot = next(lot for lot in component_lots if lot.product_id == move.product_id)
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(self._md_demo_line_vals(move, move.product_uom_qty, lot=component_lot))
            ]
            move.picked = True
        production.write({"lot_producing_id": lot.id, "qty_producing": qty})
        finished_move = production.move_finished_ids.filtered(lambda m: m.product_id == product)
        finished_move.move_line_ids.unlink()
        # not picked: Odoo sets the finished quantity from qty_producing when done
        finished_move.move_line_ids = [
            Command.create(dict(self._md_demo_line_vals(finished_move, qty, lot=lot), picked=False))
        ]
        production.with_context(skip_consumption=True).button_mark_done()
        if production.state != "done":
            raise ValueError(f"Demo manufacturing order {production.name} could not be marked done")
        return lot

    @api.model
    def _md_demo_deliver(self, warehouse, customer, lot, qty):
        """A done delivery of ``qty`` of ``lot`` to ``customer``."""
        picking = self._md_demo_picking(
            warehouse.out_type_id,
            warehouse.lot_stock_id,
            self.env.ref("stock.stock_location_customers"),
            customer,
        )
        move = self._md_demo_move(picking, lot.product_id, qty)
        move.move_line_ids = [Command.create(self._md_demo_line_vals(move, qty, lot=lot))]
        self._md_demo_validate(picking)

    @api.model
    def _md_demo_picking(self, picking_type, source, dest, partner):
        return self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "partner_id": partner.id,
                "origin": DEMO_STORY_ORIGIN,
            }
        )

    @api.model
    def _md_demo_move(self, picking, product, qty):
        return self.env["stock.move"].create(
            {
                "name": product.display_name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "picking_id": picking.id,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
            }
        )

    @api.model
    def _md_demo_line_vals(self, move, qty, lot=None, lot_name=None):
        vals = {
            "move_id": move.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_uom.id,
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

    @api.model
    def _md_demo_validate(self, picking):
        picking.action_confirm()
        picking.move_ids.picked = True
        picking.button_validate()
        if picking.state != "done":
            raise ValueError(f"Demo transfer {picking.name} could not be validated")
