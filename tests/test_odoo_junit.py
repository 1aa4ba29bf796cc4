"""tests/tools/odoo_junit.py: the JUnit file of the Odoo tests, from Odoo's own result object."""

import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tools"))
odoo_junit = pytest.importorskip("odoo_junit", reason="needs Odoo importable")
from odoo.tests import case  # noqa: E402
from odoo.tests.result import OdooTestResult  # noqa: E402
from odoo.tests.suite import OdooSuite  # noqa: E402

MODULE = "odoo.addons.md_fake.tests.test_fake"


class TestOutcomes(case.TestCase):
    __test__ = False  # run by the tests below, not collected by pytest

    def test_passes(self):
        self.assertTrue(True)

    def test_fails(self):
        self.assertEqual(1, 2)

    def test_raises(self):
        raise ValueError("broken fixture")

    def test_subtest_fails(self):
        for value in (1, 2):
            with self.subTest(value=value):
                self.assertEqual(value, 1)


class TestBrokenSetup(case.TestCase):
    __test__ = False

    @classmethod
    def setUpClass(cls):
        raise RuntimeError("no database")

    def test_a(self):
        pass

    def test_b(self):
        pass


@pytest.fixture
def fake_addon(monkeypatch):
    """The two classes as the tests of an addon md_fake; Odoo's result class restored afterwards."""
    module = types.ModuleType(MODULE)
    module.__file__ = __file__
    for cls in (TestOutcomes, TestBrokenSetup):
        monkeypatch.setattr(cls, "__module__", MODULE)
        setattr(module, cls.__name__, cls)
    monkeypatch.setitem(sys.modules, MODULE, module)
    for name in ("startTest", "stopTest", "addError", "addFailure", "addSkip"):
        monkeypatch.setattr(OdooTestResult, name, getattr(OdooTestResult, name))


def run_suite(tmp_path):
    collector = odoo_junit.Collector()
    odoo_junit.install(collector)
    names = ["test_passes", "test_fails", "test_raises", "test_subtest_fails"]
    suite = OdooSuite(
        [TestOutcomes(n) for n in names] + [TestBrokenSetup("test_a"), TestBrokenSetup("test_b")]
    )
    result = OdooTestResult()
    suite.run(result)
    path = tmp_path / "odoo.xml"
    collector.write(path)
    return result, ET.parse(path).getroot()


def outcomes(root):
    found = {}
    for testcase in root.iter("testcase"):
        child = next(iter(testcase), None)
        found[f"{testcase.get('classname')}/{testcase.get('name')}"] = (
            child.tag if child is not None else "passed"
        )
    return found


def test_every_outcome_under_its_stable_id(fake_addon, tmp_path):
    result, root = run_suite(tmp_path)
    assert outcomes(root) == {
        "odoo/md_fake/TestOutcomes/test_passes": "passed",
        "odoo/md_fake/TestOutcomes/test_fails": "failure",
        "odoo/md_fake/TestOutcomes/test_raises": "error",
        "odoo/md_fake/TestOutcomes/test_subtest_fails": "failure",
        "odoo/md_fake/TestBrokenSetup/test_a": "error",
        "odoo/md_fake/TestBrokenSetup/test_b": "error",
    }
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("6", "2", "3")
    # Odoo's own counts are unchanged by the collector.
    assert (result.failures_count, result.errors_count) == (2, 2)


def test_messages_carry_the_traceback(fake_addon, tmp_path):
    _result, root = run_suite(tmp_path)
    texts = {f"{t.get('classname')}/{t.get('name')}": (next(iter(t), None)) for t in root.iter("testcase")}
    assert "AssertionError: 1 != 2" in texts["odoo/md_fake/TestOutcomes/test_fails"].text
    assert "ValueError: broken fixture" in texts["odoo/md_fake/TestOutcomes/test_raises"].text
    assert "setUpClass failed" in texts["odoo/md_fake/TestBrokenSetup/test_b"].text
    assert "RuntimeError: no database" in texts["odoo/md_fake/TestBrokenSetup/test_b"].text
