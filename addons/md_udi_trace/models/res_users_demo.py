from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _md_demo_activate_chinese(self):
        """Demo: the pilot of a Chinese device maker works in Simplified Chinese. Activate it and
        load the terms of every module installed so far; the modules installed after this one load
        theirs as they install."""
        self._activate_lang("zh_CN")
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        installed._update_translations(["zh_CN"])
