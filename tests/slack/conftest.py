"""Fixtures every Slack test module shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.slack.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    """The recording stand-in for the Slack Web API, one per module (modules that need a fresh one per test
    define their own `fake`)."""
    with FakeSlack() as f:
        yield f
