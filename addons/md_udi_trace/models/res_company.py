from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..labels import LabelError, normalise_resolver

DEFAULT_DL_RESOLVER = "https://id.gs1.org"


class ResCompany(models.Model):
    _inherit = "res.company"

    md_dl_resolver = fields.Char(
        "Digital Link Resolver",
        default=DEFAULT_DL_RESOLVER,
        help="Base address of the GS1 Digital Link URIs printed as QR codes on UDI labels: "
        "any https domain, optionally with a path. GS1's global resolver is https://id.gs1.org.",
    )
    md_cold_chain_required = fields.Boolean(
        "Cold-Chain Transport Records",
        help="Deliveries, receipts and sales returns of devices that need a controlled temperature are "
        "validated only with their cold-chain transport record (GSP, NMPA announcement 2023 No. 153, "
        "Art. 63, 67, 95, 97).",
    )

    @api.constrains("md_dl_resolver")
    def _check_md_dl_resolver(self):
        for company in self.filtered("md_dl_resolver"):
            try:
                normalise_resolver(company.md_dl_resolver)
            except LabelError as error:
                raise ValidationError(
                    self.env._("%(company)s: %(error)s", company=company.name, error=error)
                ) from error

    def _md_dl_resolver(self):
        """The resolver of Digital Link URIs; GS1's global resolver when none is set."""
        self.ensure_one()
        return normalise_resolver(self.md_dl_resolver or DEFAULT_DL_RESOLVER)
