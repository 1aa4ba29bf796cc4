"""Batch scanning (md.scan.scan_batch): the rules of single scans, all or nothing, few queries."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from .test_scan import ScanCase

# A random receipt session: lot scans (lot index, box or unit, count override) and serial scans.
scan_sequences = st.lists(
    st.one_of(
        st.tuples(st.just("lot"), st.integers(0, 3), st.booleans(), st.sampled_from([None, 2, 7])),
        st.tuples(st.just("serial"), st.integers(0, 30)),
        st.tuples(st.just("untracked")),
    ),
    min_size=1,
    max_size=25,
)


@tagged("post_install", "-at_install")
class TestScanBatch(ScanCase):
    examples = 0

    def batch(self, record, raws):
        return self.env["md.scan"].scan_batch(record._name, record.id, raws)

    def picked(self, picking):
        """What the transfer holds: {(product, lot, location): quantity} of its picked lines."""
        summary = {}
        for line in picking.move_line_ids.filtered("picked"):
            key = (line.product_id.id, line.lot_id.name, line.location_id.id)
            summary[key] = summary.get(key, 0) + line.quantity
        return summary

    def test_batch_receipt_creates_lots_and_lines(self):
        raws = [self.udi(self.stent_di, serial=f"B{n}", production_days=-3) for n in range(5)]
        raws += [
            self.udi(self.catheter_box_di, lot="L1"),
            self.udi(self.catheter_di, lot="L1"),
            self.udi(self.gauze_di),
        ]
        result = self.batch(self.receipt, raws)
        self.assertEqual((result["status"], result["count"], result["quantity"]), ("added", 8, 17))
        stents = self.lines(self.receipt, self.stent)
        self.assertEqual(sorted(stents.lot_id.mapped("name")), [f"B{n}" for n in range(5)])
        self.assertEqual(set(stents.mapped("quantity")), {1})
        self.assertEqual(stents.lot_id.mapped("md_production_date"), [self.today - timedelta(days=3)] * 5)
        catheter = self.lines(self.receipt, self.catheter)
        self.assertEqual((catheter.lot_id.name, catheter.quantity), ("L1", 11))
        self.assertEqual(self.lines(self.receipt, self.gauze).quantity, 1)

    def test_split_label_in_a_batch(self):
        self.batch(
            self.receipt, [self.udi(self.stent_di, expiry_days=None), "21S-SPLIT", self.udi(self.gauze_di)]
        )
        self.assertEqual(self.lines(self.receipt, self.stent).lot_id.name, "S-SPLIT")

    def test_batch_ending_with_a_di_refused(self):
        with self.refused("last scan is the device identifier of Coronary Stent"):
            self.batch(self.receipt, [self.udi(self.gauze_di), self.udi(self.stent_di, expiry_days=None)])
        self.assertFalse(self.receipt.move_line_ids.filtered("picked"))

    def test_refused_scan_named_and_nothing_written(self):
        raws = [self.udi(self.gauze_di), self.udi(self.gauze_di), "01" + "0" * 13 + "7"]
        with self.refused(r"Scan 3 of 3 refused, nothing of the batch was recorded: (Not a valid|Unknown)"):
            self.batch(self.receipt, raws)
        self.assertFalse(self.receipt.move_line_ids.filtered("picked"))

    def test_serial_twice_in_a_batch_refused(self):
        raws = [
            self.udi(self.stent_di, serial="DUP"),
            self.udi(self.stent_di, serial="X"),
            self.udi(self.stent_di, serial="DUP"),
        ]
        with self.refused(
            "refused, nothing of it was recorded: Serial number DUP of Coronary Stent was already scanned"
        ):
            self.batch(self.receipt, raws)
        self.assertFalse(
            self.env["stock.lot"].search([("product_id", "=", self.stent.id), ("name", "in", ["DUP", "X"])])
        )

    def test_serial_scanned_before_refused(self):
        self.scan(self.receipt, self.udi(self.stent_di, serial="ONCE"))
        with self.refused("Serial number ONCE of Coronary Stent was already scanned"):
            self.batch(
                self.receipt, [self.udi(self.stent_di, serial="NEW"), self.udi(self.stent_di, serial="ONCE")]
            )

    def test_serial_named_like_another_products_lot_accepted(self):
        """A serial number is unique per product (ISO 13485 7.5.9): another product's lot of the
        same name on the operation is not a second scan of it."""
        self.scan(self.receipt, self.udi(self.catheter_di, lot="SAME"))
        self.batch(self.receipt, [self.udi(self.stent_di, serial="SAME")])
        self.assertEqual(self.lines(self.receipt, self.stent).lot_id.name, "SAME")

    def test_serial_in_stock_refused(self):
        lot = self.lot(self.stent, "INSTOCK")
        self.env["stock.quant"]._update_available_quantity(self.stent, self.stock, 1, lot_id=lot)
        with self.refused("Serial number INSTOCK of Coronary Stent is already in stock"):
            self.batch(
                self.receipt,
                [self.udi(self.stent_di, serial="OK1"), self.udi(self.stent_di, serial="INSTOCK")],
            )

    def test_serial_on_another_open_receipt_refused(self):
        """A serial number identifies one unit (21 CFR 830.3): it is received on one receipt only."""
        other = self._picking(self.warehouse.in_type_id, self.supplier, [(self.stent, 5)])
        self.batch(other, [self.udi(self.stent_di, serial="TWICE")])
        with self.refused(f"Serial number TWICE of Coronary Stent is already being received on {other.name}"):
            self.batch(self.receipt, [self.udi(self.stent_di, serial="TWICE")])
        self.assertFalse(self.receipt.move_line_ids.filtered("picked"))

    def test_created_lots_are_claimed_once(self):
        """Each lot or serial number a scan creates is claimed (md.lot.claim), so that two
        concurrent scans of a new number cannot both create it (tests/e2e/test_races_rpc.py)."""
        self.batch(self.receipt, [self.udi(self.stent_di, serial="C1"), self.udi(self.catheter_di, lot="CL")])
        claims = self.env["md.lot.claim"].search([("name", "in", ["C1", "CL"])])
        company = self.receipt.company_id.id
        self.assertEqual(
            {(claim.product_id.id, claim.name, claim.company_id.id) for claim in claims},
            {(self.catheter.id, "CL", company), (self.stent.id, "C1", company)},
        )
        self.batch(self.receipt, [self.udi(self.catheter_di, lot="CL")])  # existing lot: no new claim
        self.assertEqual(self.env["md.lot.claim"].search_count([("name", "=", "CL")]), 1)

    def test_expired_scan_refuses_the_batch(self):
        with self.refused("expired on"):
            self.batch(
                self.receipt,
                [
                    self.udi(self.catheter_di, lot="GOOD"),
                    self.udi(self.catheter_di, lot="OLD", expiry_days=-1),
                ],
            )
        self.assertFalse(
            self.env["stock.lot"].search([("product_id", "=", self.catheter.id), ("name", "=", "GOOD")])
        )

    def test_held_lot_refused_on_delivery(self):
        delivery = self._picking(self.warehouse.out_type_id, self.customer, [(self.catheter, 20)])
        free, held = self.lot(self.catheter, "FREE"), self.lot(self.catheter, "HELD")
        for lot in free | held:
            self.env["stock.quant"]._update_available_quantity(self.catheter, self.stock, 10, lot_id=lot)
        held._md_place_hold("hold", "Recall investigation")
        with self.refused("not released"):
            self.batch(
                delivery, [self.udi(self.catheter_di, lot="FREE"), self.udi(self.catheter_di, lot="HELD")]
            )
        self.batch(
            delivery, [self.udi(self.catheter_di, lot="FREE"), self.udi(self.catheter_box_di, lot="FREE")]
        )
        self.assertEqual(self.picked(delivery), {(self.catheter.id, "FREE", self.stock.id): 11})

    def test_product_not_in_operation_refused(self):
        with self.refused("Guide Wire is not in"):
            self.batch(self.receipt, [self.udi(self.gauze_di), self.udi(self.other_di, lot="G1")])

    def test_empty_batch_refused(self):
        with self.refused("Give the list of scanned codes"):
            self.batch(self.receipt, [])

    def test_queries_do_not_grow_with_the_batch(self):
        """Set-based checks: 10 and 200 serials cost about the same number of statements."""

        def queries(count, prefix):
            picking = self._picking(self.warehouse.in_type_id, self.supplier, [(self.stent, count)])
            raws = [self.udi(self.stent_di, serial=f"{prefix}{n}") for n in range(count)]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.batch(picking, raws)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        small, large = queries(10, "Q"), queries(200, "R")
        self.assertLess(large, small + 40, f"{small} statements for 10 serials, {large} for 200")

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(scan_sequences)
    def test_batch_equals_scans_one_by_one(self, sequence):
        """A batch leaves a transfer exactly as the same scans made one by one (lot and serial
        names carry a prefix per transfer, so both can be received side by side)."""
        self.__class__.examples += 1
        lines = [(self.catheter, 500), (self.stent, 50), (self.gauze, 50)]
        results = []
        for way in ("one", "batch"):
            prefix = f"{way}{self.examples}-"
            raws = self.raws(sequence, prefix)
            picking = self._picking(self.warehouse.in_type_id, self.supplier, lines)
            if way == "one":
                for raw in raws:
                    self.scan(picking, raw)
            else:
                self.batch(picking, raws)
            results.append(
                {
                    (p, (lot or "").removeprefix(prefix), loc): qty
                    for (p, lot, loc), qty in self.picked(picking).items()
                }
            )
        self.assertEqual(results[1], results[0])

    def raws(self, sequence, prefix):
        raws, serials = [], set()
        for step in sequence:
            if step[0] == "lot":
                _kind, lot, box, count = step
                di = self.catheter_box_di if box else self.catheter_di
                raws.append(self.udi(di, lot=f"{prefix}{lot}", count=count))
            elif step[0] == "serial" and step[1] not in serials:
                serials.add(step[1])
                raws.append(self.udi(self.stent_di, serial=f"{prefix}{step[1]}"))
            elif step[0] == "untracked":
                raws.append(self.udi(self.gauze_di))
        return raws


@tagged("post_install", "-at_install")
class TestScanBatchIdempotency(ScanCase):
    """A batch sent again with its idempotency key after a timeout is applied once."""

    def batch(self, raws, key, record=None):
        record = record or self.receipt
        return self.env["md.scan"].scan_batch(record._name, record.id, raws, idempotency_key=key)

    def test_a_batch_sent_twice_with_its_key_is_applied_once(self):
        raws = [self.udi(self.stent_di, serial=f"K{n}") for n in range(3)]
        first = self.batch(raws, "handheld-7:batch-0001")
        again = self.batch(raws, "handheld-7:batch-0001")
        self.assertEqual((first["count"], first.get("replayed")), (3, None))
        self.assertEqual((again["count"], again["quantity"], again["replayed"]), (3, 3, True))
        self.assertEqual(len(self.lines(self.receipt, self.stent)), 3)

    def test_a_key_cannot_carry_another_batch(self):
        self.batch([self.udi(self.gauze_di)], "handheld-7:batch-0002")
        with self.refused("already used for another batch"):
            self.batch([self.udi(self.gauze_di), self.udi(self.gauze_di)], "handheld-7:batch-0002")
        self.assertEqual(self.lines(self.receipt, self.gauze).quantity, 1)

    def test_a_refused_batch_leaves_its_key_free(self):
        raws = [self.udi(self.gauze_di), "01" + "0" * 13 + "7"]
        with self.refused("nothing of the batch was recorded"):
            self.batch(raws, "handheld-7:batch-0003")
        self.assertFalse(self.env["md.scan.batch.key"].sudo().search([("key", "=", "handheld-7:batch-0003")]))
        self.assertEqual(self.batch([self.udi(self.gauze_di)], "handheld-7:batch-0004")["count"], 1)

    def test_keys_are_per_user_and_checked(self):
        self.batch([self.udi(self.gauze_di)], "shared-key")
        other = self.env["md.scan"].with_user(self.env.ref("base.user_admin"))
        result = other.scan_batch(
            self.receipt._name, self.receipt.id, [self.udi(self.gauze_di)], "shared-key"
        )
        self.assertNotIn("replayed", result)
        with self.refused("1 to 128 characters"):
            self.batch([self.udi(self.gauze_di)], "")

    def test_keys_are_forgotten_after_30_days(self):
        self.batch([self.udi(self.gauze_di)], "old-key")
        self.batch([self.udi(self.gauze_di)], "recent-key")
        self.env.cr.execute(
            "UPDATE md_scan_batch_key SET create_date = create_date - interval '31 days' "
            "WHERE key = 'old-key'"
        )
        self.env["md.scan.batch.key"]._gc_md_scan_batch_keys()
        keys = self.env["md.scan.batch.key"].sudo().search([("key", "in", ["old-key", "recent-key"])])
        self.assertEqual(keys.mapped("key"), ["recent-key"])
