"""Accuracy on a question file shaped like eval/dev.yaml: {q, owner: aws|customer|shared|none, service?}."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.engine import Engine
from bot.engine.answer import Answer


@dataclass(frozen=True)
class Question:
    q: str
    owner: str  # aws | customer | shared | none
    service: tuple[str, ...] = ()


@dataclass(frozen=True)
class Miss:
    question: Question
    got_owner: str
    got_service: str | None
    why: str


@dataclass
class Result:
    total: int = 0
    owner_right: int = 0
    service_checked: int = 0
    service_right: int = 0
    off_topic: int = 0
    off_topic_claimed: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def owner_accuracy(self) -> float:
        return self.owner_right / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total, "owner_right": self.owner_right, "owner_accuracy": round(self.owner_accuracy, 4),
            "service_checked": self.service_checked, "service_right": self.service_right,
            "off_topic": self.off_topic, "off_topic_claimed": self.off_topic_claimed,
            "misses": [{"q": m.question.q, "expected": m.question.owner, "got": m.got_owner,
                        "service": m.got_service, "why": m.why} for m in self.misses],
        }

    def report(self) -> str:
        lines = [f"owner right: {self.owner_right}/{self.total} ({self.owner_accuracy:.1%})",
                 f"service right: {self.service_right}/{self.service_checked}",
                 f"off-topic with an owner claimed: {self.off_topic_claimed}/{self.off_topic}"]
        for m in self.misses:
            lines.append(f"  MISS [{m.why}] {m.question.q!r}: expected {m.question.owner}, got {m.got_owner}"
                         f" (service {m.got_service})")
        return "\n".join(lines)


def load_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("expected a list of {q, owner, service} entries")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "q" not in item or "owner" not in item:
            raise ValueError(f"entry {i + 1}: needs q and owner")
        out.append(Question(str(item["q"]), str(item["owner"]), tuple(item.get("service") or ())))
    return out


def _service_ok(expected: tuple[str, ...], a: Answer) -> bool:
    if not expected:
        return True
    if a.service is None:
        return False
    hay = f"{a.service.id} {a.service.name}".lower()
    return any(token.lower() in hay for token in expected)


def evaluate(engine: Engine, questions: list[Question]) -> Result:
    r = Result()
    for q in questions:
        a = engine.ask(q.q)
        got = a.owner if a.answered and a.owner else "none"
        r.total += 1
        if q.owner == "none":
            r.off_topic += 1
            r.off_topic_claimed += got != "none"
        owner_ok = got == q.owner
        r.owner_right += owner_ok
        service_ok = _service_ok(q.service, a)
        if q.service:
            r.service_checked += 1
            r.service_right += service_ok
        if not owner_ok or not service_ok:
            why = "owner" if not owner_ok else "service"
            r.misses.append(Miss(q, got, a.service.id if a.service else None, why))
    return r
