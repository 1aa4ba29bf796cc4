"""Demo-only storage-conditions story, called once from demo/md_env_demo.xml: three days of a
cold room's readings with a door left open yesterday (never called by business code)."""

from datetime import timedelta

from odoo import api, fields, models

DEMO_INTERVAL_MINUTES = 10
DEMO_DAYS = 3


class MdEnvPlace(models.Model):
    _inherit = "md.env.place"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _md_demo_readings(self):
        logger = self.env.ref("md_udi_trace.md_env_logger_demo_cold_room")
        now = fields.Datetime.now().replace(second=0, microsecond=0)
        start = now - timedelta(days=DEMO_DAYS)
        door_open = (now - timedelta(days=1)).replace(hour=2, minute=0)  # 10:00 in Shanghai
        rows = []
        for step in range(DEMO_DAYS * 24 * 60 // DEMO_INTERVAL_MINUTES):
            moment = start + timedelta(minutes=step * DEMO_INTERVAL_MINUTES)
            warm = door_open <= moment < door_open + timedelta(minutes=40)
            temperature = 9.6 if warm else 4.5 + (step % 7) * 0.2
            rows.append(
                {
                    "logger": logger.serial,
                    "measured_at": moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    "temperature": temperature,
                    "humidity": 48.0 + step % 5,
                }
            )
        return self.env["md.env.reading"].md_ingest(rows)
