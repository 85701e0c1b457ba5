"""The JSON contract of `srm ask --json` (DESIGN.md, contract 1)."""

from __future__ import annotations

import json

from bot.engine import Engine
from bot.render.json import dumps

CONTRACT = {"question", "answered", "owner", "service", "duty", "confidence", "summary", "aws_does",
            "customer_does", "controls", "sources", "reviewed", "suggestions"}


def test_answered_fields(engine: Engine) -> None:
    data = json.loads(dumps(engine.ask("who patches rds")))
    assert set(data) >= CONTRACT
    assert data["answered"] is True and data["owner"] == "aws"
    assert set(data["service"]) == {"id", "name", "category"} and data["service"]["id"] == "rds"
    assert set(data["duty"]) == {"id", "title"}
    assert 0 <= data["confidence"] <= 1
    assert all(set(c) == {"id", "title"} for c in data["controls"])
    assert len(data["reviewed"]) == 10 and data["reviewed"][4] == "-"


def test_not_answered_has_null_owner(engine: Engine) -> None:
    data = json.loads(dumps(engine.ask("whats for lunch")))
    assert data["answered"] is False and data["owner"] is None and data["service"] is None
    assert data["reviewed"] is None and 0 < len(data["suggestions"]) <= 3


def test_sure_and_alternative_say_how_certain_the_reading_is(engine: Engine) -> None:
    sure = json.loads(dumps(engine.ask("who patches the guest os on ec2")))
    assert sure["sure"] is True and sure["alternative"] is None
    contested = next(a for a in map(engine.ask, (
        "vulnerable lodash version in our node app on ecs fargate, who patches it",
        "who patches lambda layers and the lambda runtime")) if a.alternative is not None)
    data = json.loads(dumps(contested))
    assert data["sure"] is False and data["alternative"]["owner"] != data["owner"]
    assert set(data["alternative"]) == {"owner", "about", "service", "summary"}
