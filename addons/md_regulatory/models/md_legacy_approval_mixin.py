from datetime import datetime, time

from odoo import fields, models

APPROVED = "approved"
LEGACY_APPROVAL_FIELDS = ("legacy_approved_by", "legacy_approval_ref", "migration_id")


class MdLegacyApprovalMixin(models.AbstractModel):
    """An approval given in the legacy system before go-live, carried over by the go-live
    migration (md.migration).

    21 CFR 11.50, 11.70 and 11.100: an electronic signature is executed in this system by its
    signer and bound to the content signed, so a migrated approval creates no signature. It is
    reached through the approval's own checks (``_md_check_signable``) and keeps, as data, the
    legacy approver's printed name, the legacy approval date and the legacy record's reference,
    with the migration run whose audit entries give the migration as their reason. The record
    shows as approved and unsigned; the approval's evidence stays in the legacy system's records
    (首营 records: China GSP, NMPA announcement 2023 No. 153, Art. 53-54; ISO 13485:2016 4.2.5).
    Any later change or re-approval is signed in Odoo.
    """

    _name = "md.legacy.approval.mixin"
    _description = "Approval Migrated from a Legacy System"

    legacy_approved_by = fields.Char(
        "Approved By (Legacy System)", readonly=True, copy=False, help="Printed name in the legacy system."
    )
    legacy_approval_ref = fields.Char(
        "Legacy Approval Reference",
        readonly=True,
        copy=False,
        help="The approval's record in the legacy system.",
    )
    migration_id = fields.Many2one(
        "md.migration",
        "Migrated By",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_system,md_base.group_md_regulatory,md_base.group_md_quality_manager",
    )

    def _md_approve_migrated(self, migration, approved_on, approved_by, reference):
        """Record the legacy approval, refused by the same rules as an approval made in Odoo."""
        self._md_check_signable(APPROVED)
        self._md_write_transition(
            {
                **self._md_migrated_approval_state(),
                "approved_on": datetime.combine(approved_on, time(12)),
                "legacy_approved_by": approved_by,
                "legacy_approval_ref": reference or False,
                "migration_id": migration.id,
            }
        )
        for record in self:
            record.sudo().message_post(
                body=self.env._(
                    "Approved in the legacy system by %(name)s on %(date)s (%(reference)s), migrated by "
                    "%(run)s: not signed in Odoo.",
                    name=approved_by,
                    date=approved_on,
                    reference=reference or "-",
                    run=migration.name,
                )
            )

    def _md_migrated_approval_state(self):
        """The lifecycle values of an approved record besides its approval date."""
        return {}
