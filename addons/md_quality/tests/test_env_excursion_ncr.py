"""A storage excursion opens a nonconformance report per product whose lots it held
(ISO 13485:2016 8.3.1; GSP, NMPA announcement 2023 No. 153, Art. 74)."""

from odoo.tests import tagged

from odoo.addons.md_udi_trace.tests.test_env_monitoring import MdEnvCase


@tagged("post_install", "-at_install")
class TestExcursionNcr(MdEnvCase):
    def test_one_ncr_per_product_with_its_lots_and_quantities(self):
        other = self.env["product.product"].create(
            {"name": "Control kit", "is_storable": True, "tracking": "lot"}
        )
        first, second, third = self._lot("RK-N1"), self._lot("RK-N2"), self._lot("CK-N1", other)
        self._move(first, self.supplier, self.room, -60, quantity=3.0)
        self._move(second, self.supplier, self.shelf, -60, quantity=2.0)
        self._move(third, self.supplier, self.room, -60, quantity=4.0)
        excursion = self._ingest(self._rows([5.0, 9.0, 5.0]))
        self.assertEqual(len(excursion.ncr_ids), 2)
        reagent = excursion.ncr_ids.filtered(lambda ncr: ncr.product_id == self.product)
        self.assertEqual(reagent.lot_ids, first | second)
        self.assertEqual(reagent.quantity, 5.0)
        self.assertEqual(
            (reagent.source, reagent.origin, reagent.cause), ("storage", excursion.name, "environment")
        )
        self.assertEqual(excursion.ncr_ids.filtered(lambda ncr: ncr.product_id == other).quantity, 4.0)

    def test_an_excursion_with_no_lot_opens_no_ncr(self):
        excursion = self._ingest(self._rows([5.0, 9.0, 5.0]))
        self.assertFalse(excursion.lot_ids)
        self.assertFalse(excursion.ncr_ids)
