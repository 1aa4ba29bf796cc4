from odoo_test_helper import FakeModelLoader

from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class MdBaseTesterCase(TransactionCase):
    """The tester models of md_base's mixins (tests/models.py) in the registry for the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .models import MdBaseTester, MdBaseTesterComputed, MdBaseTesterLine, MdBaseTesterTask

        cls.loader.update_registry((MdBaseTester, MdBaseTesterLine, MdBaseTesterTask, MdBaseTesterComputed))
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
