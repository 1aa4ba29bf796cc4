"""The documentation: README.md stays a newcomer's page, each addon documents itself in readme/,
and every addon's README.rst is the one tools/readme_gen.py builds from those fragments."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_MAX_BYTES = 10_240


def addon_dirs():
    return sorted(path for path in (ROOT / "addons").iterdir() if path.is_dir() and path.name[0] not in "._")


def test_readme_is_a_short_page_with_the_two_commands():
    readme = ROOT / "README.md"
    assert readme.stat().st_size <= README_MAX_BYTES, "move detail into the addons' readme/ fragments"
    text = readme.read_text(encoding="utf-8")
    assert "docker compose up" in text
    assert "./tests/run.sh" in text


def test_every_addon_has_a_description():
    addons = addon_dirs()
    assert addons
    missing = [addon.name for addon in addons if not (addon / "readme" / "DESCRIPTION.md").is_file()]
    assert not missing, f"no readme/DESCRIPTION.md in {missing}"


def test_addon_readmes_are_generated_from_their_fragments():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "readme_gen.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_documentation_links_stay_in_the_repository():
    documents = [ROOT / "README.md", *ROOT.glob("addons/*/readme/*.md")]
    for document in documents:
        for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#", target):
                continue
            path = (document.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{document.relative_to(ROOT)}: {target}"


def test_addon_readmes_are_valid_restructuredtext():
    core = pytest.importorskip("docutils.core")
    for readme in sorted(ROOT.glob("addons/*/README.rst")):
        warnings = io.StringIO()
        core.publish_doctree(
            readme.read_text(encoding="utf-8"),
            source_path=str(readme),
            settings_overrides={"warning_stream": warnings, "report_level": 2, "halt_level": 5},
        )
        assert not warnings.getvalue(), warnings.getvalue()
