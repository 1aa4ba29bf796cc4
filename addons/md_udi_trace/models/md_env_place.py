from odoo import api, fields, models
from odoo.exceptions import ValidationError

PLACE_KINDS = [
    ("warehouse_area", "Warehouse Area"),
    ("cold_room", "Cold Room"),
    ("refrigerator", "Refrigerator"),
    ("freezer", "Freezer"),
    ("vehicle", "Vehicle"),
]


class MdEnvPlace(models.Model):
    """A place whose temperature (and humidity) is monitored: a warehouse area, a cold room, a
    refrigerator or a vehicle, mapped to the stock location that holds its goods (and the
    locations inside it).

    ISO 13485:2016 6.4.1 and 7.5.11: documented requirements for the work environment and the
    preservation of product, with records. China's medical device GSP (医疗器械经营质量管理规范,
    NMPA announcement 2023 No. 153) Art. 42: devices with special temperature and humidity
    requirements are stored with equipment that controls and monitors them; Art. 44(2): cold
    storage has automatic monitoring, display, recording, control and alarm equipment.
    """

    _name = "md.env.place"
    _description = "Monitored Place"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(PLACE_KINDS, required=True, default="warehouse_area", tracking=True)
    location_id = fields.Many2one(
        "stock.location",
        "Stock Location",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('usage', 'in', ('internal', 'transit'))]",
        help="The goods stored in this location and in the locations inside it are in this place.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True, tracking=True)
    temp_min = fields.Float("Minimum Temperature (°C)", required=True, tracking=True)
    temp_max = fields.Float("Maximum Temperature (°C)", required=True, tracking=True)
    humidity_monitored = fields.Boolean(tracking=True)
    humidity_min = fields.Float("Minimum Relative Humidity (%)", tracking=True)
    humidity_max = fields.Float("Maximum Relative Humidity (%)", tracking=True)
    max_interval = fields.Integer(
        "Maximum Interval (minutes)",
        required=True,
        default=30,
        tracking=True,
        help="The longest time allowed between two readings of this place; a longer silence is an "
        "excursion (a gap in the record).",
    )
    logger_ids = fields.One2many("md.env.logger", "place_id", string="Data Loggers")
    excursion_ids = fields.One2many("md.env.excursion", "place_id", string="Excursions")
    open_excursion_count = fields.Integer(compute="_compute_open_excursion_count")

    _sql_constraints = [
        ("location_unique", "unique(location_id)", "A stock location is monitored as one place only."),
    ]

    @api.depends("excursion_ids.state")
    def _compute_open_excursion_count(self):
        for place in self:
            place.open_excursion_count = len(place.excursion_ids.filtered(lambda e: e.state != "closed"))

    @api.constrains(
        "temp_min", "temp_max", "humidity_monitored", "humidity_min", "humidity_max", "max_interval"
    )
    def _check_limits(self):
        for place in self:
            if place.temp_min >= place.temp_max:
                raise ValidationError(
                    self.env._("%s: the minimum temperature must be below the maximum.", place.name)
                )
            if place.humidity_monitored and not 0 <= place.humidity_min < place.humidity_max <= 100:
                raise ValidationError(
                    self.env._(
                        "%s: the humidity limits must satisfy 0 ≤ minimum < maximum ≤ 100 %%.", place.name
                    )
                )
            if place.max_interval <= 0:
                raise ValidationError(self.env._("%s: the maximum interval must be positive.", place.name))

    def _md_limit_sets(self, until):
        """``[(kind, low, high, product template ids or None)]``: the limits readings are checked
        against: the place's own, and the storage range of each temperature-controlled product
        stored there up to ``until`` whose range is narrower (the device's labelled storage
        conditions, ISO 13485 7.5.11; EU MDR Annex I 23.2(m))."""
        self.ensure_one()
        limits = [("temperature", self.temp_min, self.temp_max, None)]
        if self.humidity_monitored:
            limits.append(("humidity", self.humidity_min, self.humidity_max, None))
        self.env.cr.execute(
            """
            SELECT t.md_storage_temp_min, t.md_storage_temp_max, array_agg(DISTINCT t.id)
              FROM product_template t
             WHERE t.md_storage_temp_controlled
               AND (t.md_storage_temp_min > %(low)s OR t.md_storage_temp_max < %(high)s)
               AND EXISTS (
                   SELECT 1 FROM stock_move_line ml
                     JOIN product_product p ON p.id = ml.product_id
                    WHERE p.product_tmpl_id = t.id AND ml.state = 'done' AND ml.date <= %(until)s
                      AND ml.location_dest_id IN (
                          SELECT id FROM stock_location
                           WHERE parent_path LIKE (
                               SELECT parent_path FROM stock_location WHERE id = %(loc)s) || '%%'))
             GROUP BY t.md_storage_temp_min, t.md_storage_temp_max
             ORDER BY 1, 2
            """,
            {"low": self.temp_min, "high": self.temp_max, "until": until, "loc": self.location_id.id},
        )
        limits += [
            ("product_temperature", low, high, tuple(ids)) for low, high, ids in self.env.cr.fetchall()
        ]
        return limits

    def action_view_excursions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Excursions"),
            "res_model": "md.env.excursion",
            "view_mode": "list,form",
            "domain": [("place_id", "=", self.id)],
            "context": {"default_place_id": self.id},
        }

    def action_view_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_udi_trace.action_md_env_reading")
        action["domain"] = [("place_id", "=", self.id)]
        return action
