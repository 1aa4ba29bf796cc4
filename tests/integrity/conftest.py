"""Fixtures of the adversarial integrity suite (tests/integrity).

``world`` reads, once per session and from the running server (tests/conftest.py's
``server``, ``admin`` and ``login_as``), what the attacks are generated from: the
lifecycle declarations (``md_workflow_specs``), fields, access lines, records and the
context keys of the project's code. See integrity_kit.py.
"""

import pytest
from integrity_kit import World


@pytest.fixture(scope="session")
def world(server, admin, login_as):
    return World(server, admin, login_as)
