"""Whether a deletion is a module's uninstall, which no caller can pretend to be."""

from odoo.tools import SQL

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


def module_data_uninstalling(records):
    """Whether ``records`` are being removed by the uninstall of the module that created them.

    Odoo marks an uninstall with a context key (MODULE_UNINSTALL_FLAG), which any RPC caller
    could send too: the records must also be data (an external ID) of a module being removed.
    """
    if not records or not records.env.context.get(MODULE_UNINSTALL_FLAG):
        return False
    records.env.cr.execute(
        SQL(
            """SELECT DISTINCT d.res_id FROM ir_model_data d
                 JOIN ir_module_module m ON m.name = d.module
                WHERE d.model = %s AND d.res_id IN %s AND m.state = 'to remove'""",
            records._name,
            tuple(records.ids),
        )
    )
    return {row[0] for row in records.env.cr.fetchall()} >= set(records.ids)
