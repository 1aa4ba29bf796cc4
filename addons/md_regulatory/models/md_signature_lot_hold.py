from odoo import models
from odoo.exceptions import UserError

RELEASED = "released"


class MdLotHold(models.Model):
    """Releasing a hold is a regulated decision (ISO 13485 8.3, 8.2.6: who
    authorised release): it can be signed electronically with the meaning
    "released", and the signature performs the release with its reason.

    The rule (md.lot.hold, released) decides who may sign it and, when
    "required" is set, refuses any release without that signature, so the
    release wizard, stock.lot actions and XML-RPC all meet it.

    Signed content: the lot, the hold type, the reason and the source.
    A hold is a closed record once released (md_udi_trace), so a change of
    signed content is refused rather than voiding the signature.
    """

    _name = "md.lot.hold"
    _inherit = ["md.lot.hold", "md.signable.mixin"]

    _md_signed_fields = ["lot_id", "hold_type", "reason", "res_model", "res_id"]
    _md_sign_on_change = "refuse"
    _md_author_field = "placed_by_id"

    def _md_check_signable(self, meaning):
        released = self.filtered(lambda hold: hold.state != "active")
        if meaning == RELEASED and released:
            raise UserError(
                self.env._(
                    "These holds are already released: %s",
                    ", ".join(released.mapped("display_name")),
                )
            )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        for signature in signatures.filtered(lambda s: s.meaning == RELEASED):
            hold = self.browse(signature.res_id)
            if hold.state == "active":
                hold._md_release(signature.reason)
        return result

    def _md_release(self, reason):
        self._md_check_required_signature(RELEASED)
        return super()._md_release(reason)
