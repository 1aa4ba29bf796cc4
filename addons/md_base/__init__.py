from odoo.tools import SQL

from . import models
from . import wizard


def uninstall_hook(env):
    """Remove what pins md_base's data before Odoo removes it.

    Nobody can delete a signature through the ORM (21 CFR 11.70), and a
    signature keeps its meaning with ``ondelete='restrict'``: the signatures go
    first, then the activities of md_base's activity types. The signature and
    audit tables go with the module.
    """
    env.cr.execute(SQL("DELETE FROM md_signature"))
    delete_module_activities(env, "md_base")


def load_base_terms(env):
    """Load md_base's translations again (an adopting addon's post_init_hook).

    The fields md_base's mixins give a model of a later addon (the signature status, the
    lifecycle fields) are md_base's records, translated from md_base's terms: they exist only
    once the adopting addon is installed, after md_base's terms were loaded."""
    env["ir.module.module"].search([("name", "=", "md_base")])._update_translations()


def delete_module_signatures(env, module):
    """Delete the signatures that would pin ``module``'s data at its uninstall: those of the
    records of the models only ``module`` declares, and those with a meaning it declares."""
    env.cr.execute(
        SQL(
            """DELETE FROM md_signature
                WHERE res_model IN (
                          SELECT m.model FROM ir_model m
                           WHERE EXISTS (SELECT 1 FROM ir_model_data d
                                          WHERE d.model = 'ir.model' AND d.res_id = m.id
                                            AND d.module = %(module)s)
                             AND NOT EXISTS (SELECT 1 FROM ir_model_data d
                                              WHERE d.model = 'ir.model' AND d.res_id = m.id
                                                AND d.module != %(module)s))
                   OR meaning_id IN (
                          SELECT res_id FROM ir_model_data
                           WHERE module = %(module)s AND model = 'md.signature.meaning')""",
            module=module,
        )
    )


def delete_module_activities(env, module):
    """Delete the activities of the activity types ``module`` declares."""
    env.cr.execute(
        SQL(
            """DELETE FROM mail_activity WHERE activity_type_id IN (
                   SELECT res_id FROM ir_model_data WHERE module = %s AND model = 'mail.activity.type')""",
            module,
        )
    )
