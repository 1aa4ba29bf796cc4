from contextlib import contextmanager
from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged

from ..udi.checks import gtin_check_digit

GS = "\x1d"


def gtin(first13):
    """A GTIN-14 with its check digit (GS1 GenSpecs 7.9.1)."""
    return first13 + str(gtin_check_digit(first13))


class ScanCase(TransactionCase):
    """Devices with UDI-DIs, a receipt and helpers building GS1 element strings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["md.scan"])
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.supplier = cls.env["res.partner"].create({"name": "Sterile Parts Supplier"})
        cls.customer = cls.env["res.partner"].create({"name": "City Hospital", "md_min_shelf_life_days": 180})
        cls.catheter_di = gtin("0061414100001")
        cls.catheter_box_di = gtin("1061414100001")
        cls.catheter = cls._device("Infusion Catheter", "lot", cls.catheter_di, min_shelf_life=30)
        cls.catheter_box = cls.env["product.packaging"].create(
            {"name": "Box of 10", "product_id": cls.catheter.id, "qty": 10, "md_udi_di": cls.catheter_box_di}
        )
        cls.stent_di = gtin("0061414100002")
        cls.stent = cls._device("Coronary Stent", "serial", cls.stent_di)
        cls.stent_box = cls.env["product.packaging"].create(
            {"name": "Box of 5", "product_id": cls.stent.id, "qty": 5, "md_udi_di": gtin("1061414100002")}
        )
        cls.gauze_di = gtin("0061414100003")
        cls.gauze = cls._device("Gauze Pad", "none", cls.gauze_di)
        cls.other_di = gtin("0061414100004")
        cls.other = cls._device("Guide Wire", "lot", cls.other_di)
        cls.receipt = cls._picking(
            cls.warehouse.in_type_id, cls.supplier, [(cls.catheter, 100), (cls.stent, 5), (cls.gauze, 10)]
        )

    @classmethod
    def _device(cls, name, tracking, di, min_shelf_life=0):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "tracking": tracking,
                "use_expiration_date": tracking != "none",
                "md_udi_di": di,
                "md_min_shelf_life_days": min_shelf_life,
            }
        )

    @classmethod
    def _picking(cls, picking_type, partner, lines):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": picking_type.default_location_src_id.id or partner.property_stock_supplier.id,
                "location_dest_id": picking_type.default_location_dest_id.id
                or partner.property_stock_customer.id,
                "move_ids": [
                    Command.create({"name": product.name, "product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
            }
        )
        picking.action_confirm()
        return picking

    def udi(self, di, lot=None, serial=None, expiry_days=365, production_days=None, count=None):
        """A raw GS1 element string (FNC1 as GS) as a keyboard-wedge scanner sends it."""
        data = f"01{di}"
        if production_days is not None:
            data += "11" + (self.today + timedelta(days=production_days)).strftime("%y%m%d")
        if expiry_days is not None:
            data += "17" + (self.today + timedelta(days=expiry_days)).strftime("%y%m%d")
        if count is not None:
            data += f"30{count}{GS}"
        if lot:
            data += f"10{lot}{GS}"
        if serial:
            data += f"21{serial}{GS}"
        return data.rstrip(GS)

    @contextmanager
    def refused(self, pattern):
        """Expect a UserError matching ``pattern``; its savepoint undoes what the scan wrote."""
        with self.assertRaises(UserError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def scan(self, record, raw):
        model = "stock.location" if record._name == "stock.location" else record._name
        return self.env["md.scan"].scan(model, record.id, raw)

    def lines(self, picking, product):
        return picking.move_line_ids.filtered(lambda line: line.product_id == product and line.picked)

    def lot(self, product, name, expiry_days=365):
        return self.env["stock.lot"].create(
            {
                "name": name,
                "product_id": product.id,
                "expiration_date": datetime.combine(self.today + timedelta(days=expiry_days), time(12)),
            }
        )


@tagged("post_install", "-at_install")
class TestScanReceipt(ScanCase):
    def test_scan_creates_lot_with_dates_and_move_line(self):
        result = self.scan(self.receipt, self.udi(self.catheter_di, lot="L100", production_days=-10))
        self.assertEqual(result["status"], "added")
        line = self.lines(self.receipt, self.catheter)
        self.assertEqual(line.lot_id.name, "L100")
        self.assertEqual(line.quantity, 1)
        self.assertEqual(line.lot_id.expiration_date.date(), self.today + timedelta(days=365))
        self.assertEqual(line.lot_id.md_production_date, self.today - timedelta(days=10))
        self.assertEqual(result["lot_id"], line.lot_id.id)

    def test_packaging_di_adds_packaging_quantity(self):
        self.scan(self.receipt, self.udi(self.catheter_box_di, lot="L200"))
        self.scan(self.receipt, self.udi(self.catheter_box_di, lot="L200"))
        self.scan(self.receipt, self.udi(self.catheter_di, lot="L200"))
        line = self.lines(self.receipt, self.catheter)
        self.assertEqual(len(line), 1, "scans of one lot add to one move line")
        self.assertEqual(line.quantity, 21)

    def test_variable_count_overrides_packaging_quantity(self):
        self.scan(self.receipt, self.udi(self.catheter_di, lot="L300", count=7))
        self.assertEqual(self.lines(self.receipt, self.catheter).quantity, 7)

    def test_untracked_device_by_di_alone(self):
        self.scan(self.receipt, f"01{self.gauze_di}")
        self.scan(self.receipt, f"01{self.gauze_di}")
        self.assertEqual(self.lines(self.receipt, self.gauze).quantity, 2)

    def test_unknown_di_refused(self):
        with self.refused("Unknown device identifier"):
            self.scan(self.receipt, self.udi(gtin("0061414199999"), lot="X1"))

    def test_invalid_udi_refused(self):
        with self.refused("Not a valid UDI"):
            self.scan(self.receipt, "01123")

    def test_product_not_in_operation_refused(self):
        with self.refused("Guide Wire is not in"):
            self.scan(self.receipt, self.udi(self.other_di, lot="G1"))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "G1")]), "nothing written")

    def test_expired_lot_refused(self):
        with self.refused("expired on"):
            self.scan(self.receipt, self.udi(self.catheter_di, lot="OLD", expiry_days=-1))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "OLD")]), "nothing written")

    def test_lot_expiring_today_accepted(self):
        self.scan(self.receipt, self.udi(self.gauze_di, expiry_days=0))
        self.assertEqual(self.lines(self.receipt, self.gauze).quantity, 1)

    def test_product_minimum_shelf_life(self):
        with self.assertRaisesRegex(
            UserError, "29 days of shelf life left, under the product's minimum of 30 days"
        ):
            self.scan(self.receipt, self.udi(self.catheter_di, lot="SHORT", expiry_days=29))
        self.scan(self.receipt, self.udi(self.catheter_di, lot="ENOUGH", expiry_days=30))
        self.assertEqual(self.lines(self.receipt, self.catheter).lot_id.name, "ENOUGH")

    def test_serial_one_line_per_serial(self):
        self.scan(self.receipt, self.udi(self.stent_di, serial="S1"))
        self.scan(self.receipt, self.udi(self.stent_di, serial="S2"))
        lines = self.lines(self.receipt, self.stent)
        self.assertEqual(sorted(lines.lot_id.mapped("name")), ["S1", "S2"])
        self.assertEqual(lines.mapped("quantity"), [1, 1])

    def test_moves_quantity_and_picked_as_odoo_computes_them(self):
        """The scan sets a move's quantity and picked state itself (not recomputed from every
        line): the stored values are those Odoo's own computations give, also for a move in
        another unit than the product's, which is left to Odoo."""
        gauze_dozens = self._picking(self.warehouse.in_type_id, self.supplier, [(self.gauze, 2)])
        gauze_dozens.move_ids.product_uom = self.env.ref("uom.product_uom_dozen")
        for serial in ("S1", "S2", "S3"):
            self.scan(self.receipt, self.udi(self.stent_di, serial=serial))
        self.scan(self.receipt, self.udi(self.catheter_box_di, lot="L700"))
        self.scan(self.receipt, self.udi(self.catheter_di, lot="L701"))
        for _unit in range(3):
            self.scan(gauze_dozens, f"01{self.gauze_di}")
        moves = (self.receipt | gauze_dozens).move_ids
        self.env.flush_all()
        moves.invalidate_recordset(["quantity", "picked"])
        stored = {move.product_id.name: (move.quantity, move.picked) for move in moves}
        self.assertEqual(stored["Coronary Stent"], (3, True))
        self.assertEqual(stored["Infusion Catheter"], (11, True))
        for name in ("quantity", "picked"):
            self.env.add_to_compute(moves._fields[name], moves)
        self.assertEqual({move.product_id.name: (move.quantity, move.picked) for move in moves}, stored)
        self.assertEqual(gauze_dozens.move_ids.quantity, 0.25, "3 units are a quarter of a dozen")

    def test_serial_already_scanned_refused(self):
        self.scan(self.receipt, self.udi(self.stent_di, serial="S1"))
        with self.refused("already scanned into this operation"):
            self.scan(self.receipt, self.udi(self.stent_di, serial="S1"))

    def test_serial_already_in_stock_refused(self):
        serial = self.lot(self.stent, "S9")
        self.env["stock.quant"]._update_available_quantity(self.stent, self.stock, 1, lot_id=serial)
        with self.refused("already in stock"):
            self.scan(self.receipt, self.udi(self.stent_di, serial="S9"))

    def test_serial_packaging_refused(self):
        with self.refused("scanned one by one"):
            self.scan(self.receipt, self.udi(self.stent_box.md_udi_di, serial="S1"))

    def test_serial_missing_refused(self):
        with self.refused("tracked by serial number but the scan carries none"):
            self.scan(self.receipt, self.udi(self.stent_di, lot="L1"))

    def test_expiry_contradicting_existing_lot_refused(self):
        self.lot(self.catheter, "L500", expiry_days=200)
        with self.refused("lot on record expires on"):
            self.scan(self.receipt, self.udi(self.catheter_di, lot="L500", expiry_days=300))
        self.scan(self.receipt, self.udi(self.catheter_di, lot="L500", expiry_days=200))
        self.assertEqual(self.lines(self.receipt, self.catheter).lot_id.name, "L500")

    def test_existing_lot_without_expiry_completed_from_label(self):
        lot = self.env["stock.lot"].create({"name": "L600", "product_id": self.catheter.id})
        lot.expiration_date = False
        self.scan(self.receipt, self.udi(self.catheter_di, lot="L600", expiry_days=100, production_days=-5))
        self.assertEqual(lot.expiration_date.date(), self.today + timedelta(days=100))
        self.assertEqual(lot.md_production_date, self.today - timedelta(days=5))

    def test_done_picking_refused(self):
        self.receipt.action_cancel()
        with self.refused("done or cancelled"):
            self.scan(self.receipt, self.udi(self.catheter_di, lot="L1"))

    def test_unknown_operation_model_refused(self):
        with self.refused("Cannot scan into res.partner"):
            self.env["md.scan"].scan("res.partner", self.supplier.id, self.udi(self.catheter_di, lot="L1"))


@tagged("post_install", "-at_install")
class TestScanSplitLabel(ScanCase):
    def pi(self, lot, expiry_days=365):
        """The second symbol of a split label: production identifiers only."""
        return "17" + (self.today + timedelta(days=expiry_days)).strftime("%y%m%d") + "10" + lot

    def test_di_then_pi_joined(self):
        pending = self.scan(self.receipt, f"01{self.catheter_di}")
        self.assertEqual(pending["status"], "pending")
        self.assertFalse(self.lines(self.receipt, self.catheter))
        expiry = (self.today + timedelta(days=400)).strftime("%y%m%d")
        result = self.scan(self.receipt, f"17{expiry}10SPLIT1")
        self.assertEqual(result["status"], "added")
        line = self.lines(self.receipt, self.catheter)
        self.assertEqual(line.lot_id.name, "SPLIT1")
        self.assertEqual(line.lot_id.expiration_date.date(), self.today + timedelta(days=400))

    def test_packaging_di_then_pi_adds_packaging_quantity(self):
        self.scan(self.receipt, f"01{self.catheter_box_di}")
        self.scan(self.receipt, self.pi("SPLIT2"))
        self.assertEqual(self.lines(self.receipt, self.catheter).quantity, 10)

    def test_pi_without_di_refused(self):
        with self.refused("no device identifier"):
            self.scan(self.receipt, "10SPLIT3")

    def test_pi_used_once(self):
        self.scan(self.receipt, f"01{self.stent_di}")
        self.scan(self.receipt, "21SN1")
        with self.refused("no device identifier"):
            self.scan(self.receipt, "21SN2")

    def test_pending_di_kept_per_operation(self):
        other_receipt = self._picking(self.warehouse.in_type_id, self.supplier, [(self.catheter, 5)])
        self.scan(self.receipt, f"01{self.catheter_di}")
        with self.refused("no device identifier"):
            self.scan(other_receipt, self.pi("SPLIT4"))
        self.scan(self.receipt, self.pi("SPLIT4"))
        self.assertEqual(self.lines(self.receipt, self.catheter).lot_id.name, "SPLIT4")

    def test_refused_pi_keeps_pending_di(self):
        self.scan(self.receipt, f"01{self.catheter_di}")
        expired = (self.today - timedelta(days=1)).strftime("%y%m%d")
        with self.refused("expired on"):
            self.scan(self.receipt, f"17{expired}10SPLIT5")
        self.scan(self.receipt, self.pi("SPLIT6"))
        self.assertEqual(self.lines(self.receipt, self.catheter).lot_id.name, "SPLIT6")


@tagged("post_install", "-at_install")
class TestScanDelivery(ScanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.delivery = cls._picking(cls.warehouse.out_type_id, cls.customer, [(cls.catheter, 20)])

    def stocked_lot(self, name, expiry_days, qty=50):
        lot = self.lot(self.catheter, name, expiry_days)
        self.env["stock.quant"]._update_available_quantity(self.catheter, self.stock, qty, lot_id=lot)
        return lot

    def test_delivery_scan_picks_existing_lot(self):
        lot = self.stocked_lot("D1", 365)
        self.delivery.action_assign()
        self.scan(self.delivery, self.udi(self.catheter_box_di, lot="D1", expiry_days=365))
        line = self.lines(self.delivery, self.catheter)
        self.assertEqual((line.lot_id, line.quantity, line.location_id), (lot, 10, self.stock))

    def test_customer_minimum_shelf_life_refused(self):
        self.stocked_lot("D2", 100)
        with self.refused("under the minimum of customer City Hospital of 180 days"):
            self.scan(self.delivery, self.udi(self.catheter_di, lot="D2", expiry_days=100))
        self.stocked_lot("D3", 200)
        self.scan(self.delivery, self.udi(self.catheter_di, lot="D3", expiry_days=200))
        self.assertEqual(self.lines(self.delivery, self.catheter).lot_id.name, "D3")

    def test_unknown_lot_refused(self):
        with self.refused("does not exist"):
            self.scan(self.delivery, self.udi(self.catheter_di, lot="NOPE"))

    def test_lot_on_hold_refused(self):
        lot = self.stocked_lot("D4", 365)
        lot._md_place_hold("hold", "Field safety notice pending")
        with self.refused("not released"):
            self.scan(self.delivery, self.udi(self.catheter_di, lot="D4", expiry_days=365))

    def test_internal_transfer_allows_short_shelf_life_not_expired(self):
        self.stocked_lot("D5", 10)
        internal = self._picking(self.warehouse.int_type_id, self.customer, [(self.catheter, 5)])
        self.scan(internal, self.udi(self.catheter_di, lot="D5", expiry_days=10))
        self.assertEqual(self.lines(internal, self.catheter).lot_id.name, "D5")
        self.stocked_lot("D6", -3)
        with self.refused("expired on"):
            self.scan(internal, self.udi(self.catheter_di, lot="D6", expiry_days=-3))


@tagged("post_install", "-at_install")
class TestScanManufacturing(ScanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kit_di = gtin("0061414100005")
        cls.kit = cls._device("Infusion Set", "serial", cls.kit_di)
        bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.kit.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": cls.catheter.id, "product_qty": 2})],
            }
        )
        cls.production = cls.env["mrp.production"].create(
            {"product_id": cls.kit.id, "bom_id": bom.id, "product_qty": 1}
        )
        cls.production.action_confirm()
        cls.component_lot = cls.env["stock.lot"].create({"name": "C1", "product_id": cls.catheter.id})
        cls.env["stock.quant"]._update_available_quantity(
            cls.catheter, cls.stock, 10, lot_id=cls.component_lot
        )

    def test_component_scan_consumes_lot(self):
        self.scan(self.production, self.udi(self.catheter_di, lot="C1", expiry_days=None))
        self.scan(self.production, self.udi(self.catheter_di, lot="C1", expiry_days=None))
        line = self.production.move_raw_ids.move_line_ids.filtered("picked")
        self.assertEqual((line.lot_id, line.quantity), (self.component_lot, 2))

    def test_component_on_hold_refused(self):
        self.component_lot._md_place_hold("quarantine", "Incoming inspection")
        with self.refused("not released"):
            self.scan(self.production, self.udi(self.catheter_di, lot="C1", expiry_days=None))

    def test_product_not_in_order_refused(self):
        with self.refused("neither a component nor the product"):
            self.scan(self.production, self.udi(self.other_di, lot="G1"))

    def test_finished_serial_sets_lot_producing(self):
        self.scan(self.production, self.udi(self.kit_di, serial="KIT1", production_days=0, expiry_days=700))
        self.assertEqual(self.production.lot_producing_id.name, "KIT1")
        self.assertEqual(self.production.qty_producing, 1)
        self.assertEqual(self.production.lot_producing_id.md_production_date, self.today)
        with self.refused("already scanned"):
            self.scan(
                self.production, self.udi(self.kit_di, serial="KIT1", production_days=0, expiry_days=700)
            )
        with self.refused("one lot or serial number per manufacturing order"):
            self.scan(self.production, self.udi(self.kit_di, serial="KIT2"))

    def test_finished_serial_in_stock_refused(self):
        serial = self.lot(self.kit, "KIT3")
        self.env["stock.quant"]._update_available_quantity(self.kit, self.stock, 1, lot_id=serial)
        with self.refused("already in stock"):
            self.scan(self.production, self.udi(self.kit_di, serial="KIT3"))

    def test_progress_of_components_and_finished_product(self):
        self.scan(self.production, self.udi(self.catheter_di, lot="C1", expiry_days=None))
        self.scan(self.production, self.udi(self.kit_di, serial="KIT4"))
        progress = self.env["md.scan"].progress("mrp.production", self.production.id)
        self.assertEqual(
            [(line["product"], line["scanned"], line["expected"]) for line in progress["lines"]],
            [("Infusion Catheter", 1, 2), ("Infusion Set", 1, 1)],
        )
        self.assertEqual([lot["name"] for lot in progress["lines"][1]["lots"]], ["KIT4"])


@tagged("post_install", "-at_install")
class TestScanInventoryCount(ScanCase):
    def counted(self, product, lot=None):
        quant = self.env["stock.quant"].search(
            [
                ("product_id", "=", product.id),
                ("location_id", "=", self.stock.id),
                ("lot_id", "=", lot.id if lot else False),
            ]
        )
        return quant.inventory_quantity_set and quant.inventory_quantity

    def test_count_adds_to_counted_quantity(self):
        lot = self.lot(self.catheter, "INV1")
        self.env["stock.quant"]._update_available_quantity(self.catheter, self.stock, 3, lot_id=lot)
        self.scan(self.stock, self.udi(self.catheter_box_di, lot="INV1"))
        self.scan(self.stock, self.udi(self.catheter_di, lot="INV1"))
        self.assertEqual(self.counted(self.catheter, lot), 11)

    def test_count_creates_unknown_lot_and_counts_expired_stock(self):
        self.scan(self.stock, self.udi(self.catheter_di, lot="INV2", expiry_days=-30))
        lot = self.env["stock.lot"].search([("name", "=", "INV2"), ("product_id", "=", self.catheter.id)])
        self.assertEqual(self.counted(self.catheter, lot), 1)

    def test_serial_counted_twice_refused(self):
        self.scan(self.stock, self.udi(self.stent_di, serial="INV3"))
        with self.refused("already counted"):
            self.scan(self.stock, self.udi(self.stent_di, serial="INV3"))

    def test_count_wizard_lists_counted_quants(self):
        count = self.env["md.scan.count"].create({"location_id": self.stock.id})
        self.scan(self.stock, self.udi(self.gauze_di))
        count.invalidate_recordset(["quant_ids"])
        self.assertIn(self.gauze, count.quant_ids.product_id)
        count.action_apply_counts()
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.gauze, self.stock), 1)

    def test_count_outside_internal_location_refused(self):
        with self.refused("internal locations"):
            self.scan(self.supplier.property_stock_supplier, self.udi(self.gauze_di))


@tagged("post_install", "-at_install")
class TestScanProgress(ScanCase):
    """What the scan entry shows: scanned vs expected per line and per lot, never the demand."""

    def progress(self, record, **context):
        return self.env["md.scan"].with_context(**context).progress(record._name, record.id)

    def line_of(self, record, product, **context):
        lines = self.progress(record, **context)["lines"]
        [line] = [line for line in lines if line["product_id"] == product.id]
        return line

    def test_nothing_scanned_reads_zero_of_demand(self):
        self.assertEqual(self.receipt.move_ids.mapped("quantity"), [100, 5, 10], "Odoo prefills receipts")
        progress = self.progress(self.receipt)
        self.assertEqual(
            [(line["product"], line["scanned"], line["expected"]) for line in progress["lines"]],
            [("Infusion Catheter", 0, 100), ("Coronary Stent", 0, 5), ("Gauze Pad", 0, 10)],
        )
        self.assertEqual(progress["expected_label"], "Scanned / To Receive")

    def test_scans_replace_the_prefilled_demand(self):
        self.scan(self.receipt, self.udi(self.stent_di, serial="S1"))
        self.scan(self.receipt, self.udi(self.stent_di, serial="S2"))
        stent_move = self.receipt.move_ids.filtered(lambda move: move.product_id == self.stent)
        self.assertEqual(stent_move.quantity, 2, "2 of 5 serials scanned, not 5")
        self.assertEqual(stent_move.move_line_ids.mapped("quantity"), [1, 1])
        # Receipts that create lots list lot_name on their detailed operations.
        self.assertEqual(stent_move.move_line_ids.mapped("lot_name"), ["S1", "S2"])
        self.assertTrue(all(stent_move.move_line_ids.mapped("picked")))
        self.assertEqual(
            self.receipt.move_ids.filtered(lambda move: move.product_id == self.catheter).quantity,
            0,
            "a line not scanned yet holds nothing scanned either",
        )
        line = self.line_of(self.receipt, self.stent)
        self.assertEqual((line["scanned"], line["expected"]), (2, 5))
        self.assertEqual([(lot["name"], lot["scanned"]) for lot in line["lots"]], [("S1", 1), ("S2", 1)])

    def test_lot_on_its_line_with_dates_as_dates(self):
        result = self.scan(self.receipt, self.udi(self.catheter_box_di, lot="L700", production_days=-2))
        self.assertEqual(result["lot_name"], "L700")
        [lot] = self.line_of(self.receipt, self.catheter, tz="Asia/Shanghai")["lots"]
        self.assertEqual(lot["lot_id"], result["lot_id"])
        self.assertEqual(lot["scanned"], 10)
        self.assertEqual(lot["expiry"], str(self.today + timedelta(days=365)), "noon UTC, 20:00 in Shanghai")
        self.assertEqual(lot["production_date"], str(self.today - timedelta(days=2)))

    def test_expiry_date_in_the_user_time_zone(self):
        lot = self.lot(self.catheter, "L701")
        lot.expiration_date = datetime(2049, 12, 31, 20, 0)
        self.scan(self.receipt, self.udi(self.catheter_di, lot="L701", expiry_days=None))
        [shanghai] = self.line_of(self.receipt, self.catheter, tz="Asia/Shanghai")["lots"]
        [new_york] = self.line_of(self.receipt, self.catheter, tz="America/New_York")["lots"]
        self.assertEqual((shanghai["expiry"], new_york["expiry"]), ("2050-01-01", "2049-12-31"))

    def test_partly_scanned_receipt_is_not_done(self):
        for serial in ("S1", "S2"):
            self.scan(self.receipt, self.udi(self.stent_di, serial=serial))
        self.assertEqual(self.receipt.state, "assigned")
        wizard = self.receipt.button_validate()
        self.assertEqual(wizard["res_model"], "stock.backorder.confirmation", "the rest is still due")
        Form(self.env[wizard["res_model"]].with_context(**wizard["context"])).save().process()
        backorder = self.receipt.backorder_ids
        self.assertEqual(self.receipt.move_ids.filtered("quantity").product_id, self.stent)
        self.assertEqual(
            {(move.product_id, move.product_uom_qty) for move in backorder.move_ids},
            {(self.stent, 3), (self.catheter, 100), (self.gauze, 10)},
        )

    def test_delivery_keeps_its_reservation_and_counts_the_scan(self):
        for name in ("D700", "D701"):
            lot = self.lot(self.catheter, name)
            self.env["stock.quant"]._update_available_quantity(self.catheter, self.stock, 10, lot_id=lot)
        delivery = self._picking(self.warehouse.out_type_id, self.customer, [(self.catheter, 20)])
        self.scan(delivery, self.udi(self.catheter_di, lot="D701"))
        reserved = delivery.move_line_ids.filtered(lambda line: not line.picked)
        self.assertEqual((reserved.lot_id.name, reserved.quantity), ("D700", 10), "reservations stay")
        line = self.line_of(delivery, self.catheter)
        self.assertEqual((line["scanned"], line["expected"]), (1, 20))
        self.assertEqual([lot["name"] for lot in line["lots"]], ["D701"])
        self.assertEqual(self.progress(delivery)["expected_label"], "Scanned / Expected")

    def test_new_line_follows_the_putaway_rule(self):
        shelf = self.env["stock.location"].create({"name": "Implant Shelf", "location_id": self.stock.id})
        self.env["stock.putaway.rule"].create(
            {"product_id": self.stent.id, "location_in_id": self.stock.id, "location_out_id": shelf.id}
        )
        receipt = self._picking(self.warehouse.in_type_id, self.supplier, [(self.gauze, 1), (self.stent, 2)])
        self.scan(receipt, f"01{self.gauze_di}")
        self.scan(receipt, self.udi(self.stent_di, serial="S1"))
        self.assertEqual(self.lines(receipt, self.stent).location_dest_id, shelf)

    def test_count_has_no_expected_lines(self):
        self.assertEqual(self.progress(self.stock), {"expected_label": "", "lines": []})
