from odoo.tools import SQL

from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Remove the signatures before Odoo removes the module's data.

    Nobody can delete a signature through the ORM (21 CFR 11.70), and a
    signature keeps its meaning with ``ondelete='restrict'``. Uninstalling the
    module drops the signature table anyway, but Odoo first deletes the
    module's records, the signature meanings among them, which the signatures
    would still reference.
    """
    env.cr.execute(SQL("DELETE FROM md_signature"))
    # Licences keep their type (module data) with ondelete='restrict', and activities their
    # activity type: both go before the data they point to; the tables go with the module.
    env.cr.execute(SQL("DELETE FROM md_partner_licence"))
    delete_module_activities(env, "md_regulatory")


def delete_module_activities(env, module):
    """Delete the activities of the activity types ``module`` declares."""
    env.cr.execute(
        SQL(
            """DELETE FROM mail_activity WHERE activity_type_id IN (
                   SELECT res_id FROM ir_model_data WHERE module = %s AND model = 'mail.activity.type')""",
            module,
        )
    )
