"""The Procfile's worker (Socket Mode) fails at start with one line naming what is missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(("env", "missing"), [({}, "SLACK_BOT_TOKEN"),
                                              ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN")])
def test_worker_names_the_missing_variable(env: dict[str, str], missing: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    r = subprocess.run([sys.executable, "-m", "bot"], env={**clean, **env}, cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 1
    [line] = r.stderr.strip().splitlines()
    assert line.startswith(f"srm: {missing} is not set")
