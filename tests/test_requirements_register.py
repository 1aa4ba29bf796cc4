"""validation/requirements.yaml: its structure, and every test it names exists."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import validation_report  # noqa: E402


def test_register_structure():
    requirements = validation_report.load_register()
    assert len(requirements) >= 60
    prefixes = ("21 CFR", "ISO", "EU", "GSP", "CFDA", "GS1", "ANSI", "ISBT", "NMPA", "医疗器械")
    for requirement in requirements:
        assert any(prefix in requirement["clause"] for prefix in prefixes), requirement["id"]


def test_every_referenced_test_exists_in_the_source_tree():
    requirements = validation_report.load_register()
    assert validation_report.stale_references(requirements, validation_report.source_test_ids()) == []


def test_every_addon_is_covered():
    referenced = {
        t.split("/")[1]
        for r in validation_report.load_register()
        for t in r["tests"]
        if t.startswith("odoo/")
    }
    assert referenced == {
        path.name for path in (ROOT / "addons").iterdir() if (path / "__manifest__.py").exists()
    }
