import contextlib

from odoo_test_helper import FakeModelLoader

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger

PASSWORD_SUFFIX = "-Pw1!"

TESTER_FORM = """
<form>
    <header>
        <button name="action_submit" type="object" string="Submit"/>
        <field name="state" widget="statusbar"/>
    </header>
    <sheet>
        <group>
            <field name="name"/>
            <field name="reason"/>
            <field name="company_id"/>
        </group>
        <notebook>
            <page string="Notes" name="notes">
                <field name="note"/>
            </page>
        </notebook>
    </sheet>
</form>
"""


class MdBaseTesterCase(TransactionCase):
    """The tester models of md_base's mixins (tests/models.py) in the registry for the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .models import (
            MdBaseTester,
            MdBaseTesterArchivable,
            MdBaseTesterComputed,
            MdBaseTesterLine,
            MdBaseTesterTask,
        )

        cls.loader.update_registry(
            (MdBaseTester, MdBaseTesterLine, MdBaseTesterTask, MdBaseTesterComputed, MdBaseTesterArchivable)
        )
        cls.addClassCleanup(cls.loader.restore_registry)
        cls.Tester = cls.env["md.base.tester"]

    @classmethod
    def _user(cls, login, groups, **values):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
            **values,
        )

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX

    def new_tester(self, **values):
        return self.Tester.create({"name": "T-1", "reason": "Suspected sterility breach", **values})

    @classmethod
    def _enter_registry_test_mode(cls):
        """One cursor for the class, as in HttpCase: what the code under test commits in a
        transaction of its own (a failed signing attempt) stays visible to the test."""
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)

    @classmethod
    def _grant_tester_access(cls, model="md.base.tester"):
        """Access rights for every user on a tester model (tester models have none)."""
        return cls.env["ir.model.access"].create(
            {
                "name": f"{model} tester",
                "model_id": cls.env["ir.model"]._get(model).id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )

    @classmethod
    def _tester_form_view(cls):
        """A form view of the tester (tester models have no view in the database)."""
        return cls.env["ir.ui.view"].create(
            {"name": "md.base.tester.form", "model": "md.base.tester", "type": "form", "arch": TESTER_FORM}
        )

    @classmethod
    def _signature_rule(cls, meaning, group_xmlids, model="md.base.tester", **values):
        return cls.env["md.signature.rule"].create(
            {
                "model_id": cls.env["ir.model"]._get(model).id,
                "meaning_id": meaning.id,
                "group_ids": [Command.set([cls.env.ref(xmlid).id for xmlid in group_xmlids])],
                **values,
            }
        )

    @contextlib.contextmanager
    def assertRefused(self, exception, regex):
        """assertRaises, which rolls back what the refused call wrote before raising, as the
        request would be (Odoo's assertRaisesRegex does not), and the message matching regex."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)

    def refused(self, call, *args, **kwargs):
        """Call and return the UserError it raised, without rolling back what the call
        committed on its own (the failed attempt's log)."""
        try:
            with mute_logger("odoo.addons.md_base.models.md_signature"):
                call(*args, **kwargs)
        except UserError as error:
            return error
        self.fail(f"{call} was not refused")
