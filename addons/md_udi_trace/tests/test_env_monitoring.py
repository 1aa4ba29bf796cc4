"""Storage conditions: readings from data loggers, excursions, the lots held and their signed
disposition (ISO 13485:2016 7.5.11, 8.3; GSP, NMPA announcement 2023 No. 153, Art. 42, 49, 74)."""

import base64
import io
from datetime import datetime, timedelta

import xlsxwriter

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

PASSWORD = "md-env-Pw1!"
T0 = datetime(2026, 11, 3, 0, 0)


def utc(minutes):
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class MdEnvCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.supplier = cls.env.ref("stock.stock_location_suppliers")
        cls.customer = cls.env.ref("stock.stock_location_customers")
        cls.room = cls.env["stock.location"].create(
            {"name": "Cold Room T", "location_id": cls.stock.id, "usage": "internal"}
        )
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": cls.room.id, "usage": "internal"}
        )
        cls.place = cls.env["md.env.place"].create(
            {"name": "Cold room T", "kind": "cold_room", "location_id": cls.room.id, "temp_min": 2.0,
             "temp_max": 8.0, "humidity_monitored": True, "humidity_min": 35, "humidity_max": 75,
             "max_interval": 10}
        )  # fmt: skip
        cls.logger = cls.env["md.env.logger"].create(
            {
                "serial": "LOG-T1",
                "place_id": cls.place.id,
                "tz": "Asia/Shanghai",
                "calibration_due": "2027-06-30",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Reagent kit", "is_storable": True, "tracking": "lot"}
        )
        cls.manager = new_test_user(
            cls.env,
            "md_env_qm",
            groups="md_base.group_md_quality_manager,stock.group_stock_user",
            password=PASSWORD,
        )
        cls.clerk = new_test_user(
            cls.env, "md_env_clerk", groups="stock.group_stock_user,md_base.group_md_user"
        )

    def _lot(self, name, product=None):
        return self.env["stock.lot"].create({"name": name, "product_id": (product or self.product).id})

    def _move(self, lot, source, dest, minutes, quantity=1.0):
        """A done move line of ``lot`` at T0 + ``minutes``, as Odoo writes it."""
        move = self.env["stock.move"].create(
            {
                "name": "history",
                "product_id": lot.product_id.id,
                "product_uom_qty": quantity,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "state": "done",
                "move_line_ids": [
                    Command.create(
                        {"product_id": lot.product_id.id, "lot_id": lot.id, "quantity": quantity,
                         "location_id": source.id, "location_dest_id": dest.id}
                    )
                ],
            }
        )  # fmt: skip
        move.move_line_ids.date = T0 + timedelta(minutes=minutes)
        return move

    def _rows(self, temperatures, start=0, step=5, logger="LOG-T1", humidity=50.0):
        return [
            {
                "logger": logger,
                "measured_at": utc(start + step * index),
                "temperature": value,
                "humidity": humidity,
            }
            for index, value in enumerate(temperatures)
        ]

    def _ingest(self, rows):
        result = self.env["md.env.reading"].md_ingest(rows)
        self.assertFalse(result["errors"], result["errors"])
        return self.env["md.env.excursion"].browse(result["excursion_ids"])


@tagged("post_install", "-at_install")
class TestReadingIntake(MdEnvCase):
    def test_batch_with_bad_rows_stores_nothing_and_names_each_row(self):
        self._ingest(self._rows([5.0]))
        rows = [
            *self._rows([5.0, 5.1, 5.2], start=5),
            {"logger": "LOG-NONE", "measured_at": utc(30), "temperature": 5},
            {"logger": "LOG-T1", "measured_at": "yesterday noon", "temperature": 5},
            {"logger": "LOG-T1", "measured_at": utc(5), "temperature": 5},
            {"logger": "LOG-T1", "measured_at": utc(0), "temperature": 5},
            {"logger": "LOG-T1", "measured_at": utc(60), "temperature": "warm"},
            {"logger": "LOG-T1", "measured_at": utc(65), "temperature": 5, "humidity": 120},
            {"logger": "LOG-T1", "measured_at": "2099-01-01T00:00:00+00:00", "temperature": 5},
        ]
        result = self.env["md.env.reading"].md_ingest(rows)
        self.assertEqual(result["stored"], 0)
        self.assertEqual([error["row"] for error in result["errors"]], [4, 5, 6, 7, 8, 9, 10])
        messages = [error["message"] for error in result["errors"]]
        self.assertIn("LOG-NONE", messages[0])
        self.assertIn("yesterday noon", messages[1])
        self.assertIn("already has a reading", messages[2])  # twice in the batch
        self.assertIn("already has a reading", messages[3])  # stored before
        self.assertIn("warm", messages[4])
        self.assertIn("humidity", messages[5])
        self.assertIn("future", messages[6])
        self.assertEqual(self.env["md.env.reading"].search_count([("logger_id", "=", self.logger.id)]), 1)

    def test_local_time_is_read_in_the_loggers_time_zone(self):
        self._ingest([{"logger": "LOG-T1", "measured_at": "2026/11/03 14:05", "temperature": 4.0}])
        reading = self.env["md.env.reading"].search([("logger_id", "=", self.logger.id)])
        self.assertEqual(reading.measured_at, datetime(2026, 11, 3, 6, 5))  # Asia/Shanghai is UTC+8
        self.assertFalse(reading.humidity)

    def test_readings_after_the_calibration_due_date_are_refused(self):
        # ISO 13485:2016 7.6; GSP (NMPA announcement 2023 No. 153) Art. 49.
        self.logger.calibration_due = "2026-11-02"
        result = self.env["md.env.reading"].md_ingest(self._rows([5.0]))
        self.assertEqual(result["stored"], 0)
        self.assertIn("calibration", result["errors"][0]["message"])

    def test_a_logger_of_another_company_is_unknown(self):
        other = self.env["res.company"].create({"name": "Other Distribution Co."})
        self.env["md.env.logger"].create(
            {
                "serial": "LOG-B1",
                "place_id": self.env["md.env.place"]
                .create(
                    {"name": "B room", "company_id": other.id, "temp_min": 2, "temp_max": 8,
                     "location_id": self.env["stock.warehouse"].search(
                         [("company_id", "=", other.id)]).lot_stock_id.id}
                )
                .id,
                "tz": "UTC",
                "calibration_due": "2030-01-01",
            }
        )  # fmt: skip
        result = (
            self.env["md.env.reading"].with_user(self.clerk).md_ingest(self._rows([5.0], logger="LOG-B1"))
        )
        self.assertEqual(result["stored"], 0)
        self.assertIn("Unknown data logger", result["errors"][0]["message"])

    def test_readings_cannot_be_created_changed_or_deleted(self):
        # 21 CFR 11.10(a), (c); ISO 13485:2016 4.2.5: the record of storage conditions is kept as measured.
        self._ingest(self._rows([5.0]))
        reading = self.env["md.env.reading"].search([("logger_id", "=", self.logger.id)])
        with self.assertRaises(UserError):
            reading.write({"temperature": 4.0})
        with self.assertRaises(UserError):
            reading.unlink()
        with self.assertRaises(UserError):
            self.env["md.env.reading"].create(
                {"logger_id": self.logger.id, "place_id": self.place.id, "company_id": self.env.company.id,
                 "measured_at": T0, "temperature": 5.0}
            )  # fmt: skip

    def test_a_user_without_the_right_cannot_send_readings(self):
        reader = new_test_user(self.env, "md_env_reader", groups="md_base.group_md_user")
        with self.assertRaises(AccessError):
            self.env["md.env.reading"].with_user(reader).md_ingest(self._rows([5.0]))

    def test_upload_of_a_chinese_csv_in_gbk(self):
        text = (
            "记录仪编号,记录时间,温度(℃),湿度(%)\n"
            "LOG-T1,2026-11-03 08:00:00,5.1,50\n\n"
            "LOG-T1,2026-11-03 08:05:00,5.3,51\n"
        )
        wizard = self.env["md.env.reading.upload"].create(
            {"file": base64.b64encode(text.encode("gb18030")), "filename": "log.csv"}
        )
        wizard.action_upload()
        readings = self.env["md.env.reading"].search(
            [("logger_id", "=", self.logger.id)], order="measured_at"
        )
        self.assertEqual(readings.mapped("temperature"), [5.1, 5.3])
        self.assertEqual(readings[0].measured_at, datetime(2026, 11, 3, 0, 0))

    def test_upload_of_an_xlsx_reports_the_file_line_of_each_bad_row(self):
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream)
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["Time", "Temperature", "Humidity"])
        sheet.write_datetime(
            1, 0, datetime(2026, 11, 3, 8, 0), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        )
        sheet.write_row(1, 1, [5.0, 50])
        sheet.write_row(2, 0, ["not a time", 5.0, 50])
        book.close()
        wizard = self.env["md.env.reading.upload"].create(
            {"file": base64.b64encode(stream.getvalue()), "filename": "log.xlsx", "logger_id": self.logger.id}
        )
        wizard.action_upload()
        self.assertIn("Row 3", wizard.error_text)
        self.assertFalse(self.env["md.env.reading"].search_count([("logger_id", "=", self.logger.id)]))


@tagged("post_install", "-at_install")
class TestExcursions(MdEnvCase):
    def test_excursion_holds_the_lots_that_were_in_the_place_then(self):
        inside = self._lot("RK-IN")
        left_before = self._lot("RK-LEFT")
        arrived_during = self._lot("RK-DURING")
        arrived_after = self._lot("RK-AFTER")
        elsewhere = self._lot("RK-ELSEWHERE")
        self._move(inside, self.supplier, self.shelf, -60)
        self._move(left_before, self.supplier, self.room, -60)
        self._move(left_before, self.room, self.customer, 10)
        self._move(arrived_during, self.supplier, self.shelf, 32)
        self._move(arrived_after, self.supplier, self.room, 80)
        self._move(elsewhere, self.supplier, self.stock, -60)
        # 5-minute readings: 9.5 °C from minute 30 to minute 40, back at 45.
        excursion = self._ingest(self._rows([5.0] * 6 + [9.5] * 3 + [5.0] * 6))
        self.assertEqual(len(excursion), 1)
        self.assertEqual(excursion.kind, "temperature")
        self.assertEqual(
            (excursion.start, excursion.end), (T0 + timedelta(minutes=30), T0 + timedelta(minutes=45))
        )
        self.assertEqual((excursion.value_max, excursion.reading_count), (9.5, 3))
        self.assertEqual(excursion.lot_ids, inside | arrived_during)
        self.assertEqual(set(excursion.hold_ids.mapped("state")), {"active"})
        self.assertEqual(excursion.hold_ids.mapped("res_model"), ["md.env.excursion"] * 2)
        self.assertEqual((inside | arrived_during).mapped("md_status"), ["on_hold"] * 2)
        self.assertEqual((left_before | arrived_after | elsewhere).mapped("md_status"), ["released"] * 3)

    def test_an_excursion_continued_by_the_next_batch_is_extended_not_repeated(self):
        first = self._ingest(self._rows([5.0, 5.0, 1.0, 0.5]))
        self.assertTrue(first.ongoing)
        second = self._ingest(self._rows([0.8, 5.0], start=20))
        self.assertEqual(second, first)
        self.assertEqual((first.end, first.value_min, first.reading_count, first.ongoing),
                         (T0 + timedelta(minutes=25), 0.5, 3, False))  # fmt: skip
        self.assertEqual(self.env["md.env.excursion"].search_count([("place_id", "=", self.place.id)]), 1)

    def test_humidity_and_gaps_are_excursions(self):
        rows = self._rows([5.0, 5.0]) + self._rows([5.0, 5.0], start=30, humidity=80.0)
        excursions = self._ingest(rows)
        self.assertEqual(sorted(excursions.mapped("kind")), ["gap", "humidity"])
        gap = excursions.filtered(lambda e: e.kind == "gap")
        self.assertEqual((gap.start, gap.end), (T0 + timedelta(minutes=5), T0 + timedelta(minutes=30)))
        # A gap before the first reading of a later batch counts too.
        later = self._ingest(self._rows([5.0], start=60, humidity=50.0))
        self.assertEqual(later.filtered(lambda e: e.kind == "gap").start, T0 + timedelta(minutes=35))

    def test_a_products_own_storage_range_holds_only_its_lots(self):
        # The device's labelled storage conditions (ISO 13485 7.5.11; EU MDR Annex I 23.2(m)).
        self.place.write({"temp_min": 0.0, "temp_max": 25.0})
        cold = self.env["product.product"].create(
            {"name": "Cold reagent", "is_storable": True, "tracking": "lot",
             "md_storage_temp_controlled": True,
             "md_storage_temp_min": 2.0, "md_storage_temp_max": 8.0}
        )  # fmt: skip
        cold_lot = self._lot("COLD-1", cold)
        ambient_lot = self._lot("AMB-1")
        self._move(cold_lot, self.supplier, self.room, -60)
        self._move(ambient_lot, self.supplier, self.room, -60)
        excursion = self._ingest(self._rows([5.0, 12.0, 5.0]))
        self.assertEqual(excursion.kind, "product_temperature")
        self.assertEqual((excursion.limit_low, excursion.limit_high), (2.0, 8.0))
        self.assertEqual(excursion.lot_ids, cold_lot)
        self.assertEqual(ambient_lot.md_status, "released")

    def test_found_facts_and_state_cannot_be_written(self):
        lot = self._lot("RK-W")
        self._move(lot, self.supplier, self.room, -60)
        excursion = self._ingest(self._rows([5.0, 9.0, 5.0]))
        for vals in ({"state": "closed"}, {"start": T0}, {"lot_ids": [Command.clear()]}, {"value_max": 8.0}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                excursion.with_user(self.manager).write(vals)
        with self.assertRaises(UserError):
            excursion.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.env["md.env.excursion"].with_user(self.manager).create(
                {"place_id": self.place.id, "kind": "temperature", "start": T0}
            )

    def _assessed(self, disposition):
        lot = self._lot(f"RK-{disposition}")
        self._move(lot, self.supplier, self.room, -60)
        excursion = self._ingest(self._rows([5.0, 9.0, 5.0])).with_user(self.manager)
        with self.assertRaises(UserError):
            excursion.action_assessed()  # no assessment written yet
        excursion.write(
            {"assessment": "Stability data cover 10 minutes at 9 °C.", "disposition": disposition}
        )
        excursion.action_assessed()
        return excursion, lot

    def test_release_needs_the_quality_managers_signature(self):
        excursion, lot = self._assessed("release")
        self.assertEqual(lot.md_status, "on_hold")
        with self.assertRaises(UserError):
            excursion.with_user(self.clerk).md_sign("approved", PASSWORD, "no right")
        excursion.md_sign("approved", PASSWORD, "Within the stability data.")
        self.assertEqual(excursion.state, "closed")
        self.assertEqual(excursion.decided_by_id, self.manager)
        self.assertEqual(lot.md_status, "released")
        with self.assertRaises(UserError):
            excursion.write({"disposition": "reject"})

    def test_reject_keeps_the_lots_rejected(self):
        excursion, lot = self._assessed("reject")
        excursion.md_sign("approved", PASSWORD, "Exposure beyond the stability data.")
        self.assertEqual(lot.md_status, "rejected")
        self.assertEqual(excursion.hold_ids.filtered(lambda h: h.state == "active").hold_type, "rejected")

    def test_place_limits_are_checked(self):
        with self.assertRaises(ValidationError):
            self.place.temp_min = 9.0
        with self.assertRaises(ValidationError):
            self.place.write({"humidity_min": 80.0})
        with self.assertRaises(ValidationError):
            self.place.max_interval = 0

    def test_lots_held_by_an_excursion_cannot_ship(self):
        lot = self._lot("RK-SHIP")
        self._move(lot, self.supplier, self.room, -60)
        self.env["stock.quant"]._update_available_quantity(self.product, self.room, 1, lot_id=lot)
        self._ingest(self._rows([5.0, 9.0, 5.0]))
        delivery = self.env["stock.move"].create(
            {"name": "ship", "product_id": self.product.id, "product_uom_qty": 1, "location_id": self.room.id,
             "location_dest_id": self.customer.id}
        )  # fmt: skip
        delivery._action_confirm()
        delivery._action_assign()
        self.assertFalse(delivery.move_line_ids, "held stock is not reserved")
        with self.assertRaisesRegex(UserError, "not released"):
            delivery.move_line_ids = [
                Command.create({"product_id": self.product.id, "lot_id": lot.id, "quantity": 1,
                                "picked": True,
                                "location_id": self.room.id, "location_dest_id": self.customer.id})
            ]  # fmt: skip


@tagged("post_install", "-at_install")
class TestMonthlyRecord(MdEnvCase):
    def test_the_monthly_record_has_a_row_per_day_and_the_excursions(self):
        # GSP (NMPA announcement 2023 No. 153) Art. 21(9), 74(4): the temperature record of a place.
        self.env.user.tz = "UTC"
        self._ingest(self._rows([5.0, 9.0, 5.0]))
        wizard = self.env["md.env.record.print"].create({"place_id": self.place.id, "month": "2026-11-17"})
        days = wizard._md_days()
        self.assertEqual(len(days), 30)
        third = days[2]
        self.assertEqual(
            (third["count"], third["low"], third["high"], bool(third["outside"])), (3, 5.0, 9.0, True)
        )
        self.assertEqual(days[3]["count"], 0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("md_udi_trace.report_md_env_record", wizard.ids)[0]
            .decode()
        )
        self.assertIn(wizard._md_excursions().name, html)
        self.assertIn("LOG-T1", html)
