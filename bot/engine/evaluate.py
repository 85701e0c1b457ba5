"""Accuracy on a question file shaped like eval/dev.yaml: {q, owner: aws|customer|shared|none, service?}, or like
eval/realworld.yaml, which adds `topic` (stems the answered duty or scenario should be about) and `kind`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.engine import Engine
from bot.engine.answer import Answer

BANDS = ((0.9, "≥ 0.9"), (0.7, "0.7–0.9"), (0.5, "0.5–0.7"))  # answered; below 0.5 nothing is claimed


@dataclass(frozen=True)
class Question:
    q: str
    owner: str  # aws | customer | shared | none
    service: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()


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
    topic_checked: int = 0  # answered questions with a topic
    topic_fit: int = 0  # … whose duty or scenario is about that topic
    bands: dict[str, list[int]] = field(default_factory=lambda: {label: [0, 0] for _, label in BANDS})
    misses: list[Miss] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(total for _, total in self.bands.values())

    @property
    def wrong_owner(self) -> int:
        return sum(total - right for right, total in self.bands.values())

    @property
    def owner_accuracy(self) -> float:
        return self.owner_right / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total, "owner_right": self.owner_right, "owner_accuracy": round(self.owner_accuracy, 4),
            "service_checked": self.service_checked, "service_right": self.service_right,
            "off_topic": self.off_topic, "off_topic_claimed": self.off_topic_claimed,
            "answered": self.answered, "wrong_owner": self.wrong_owner,
            "topic_checked": self.topic_checked, "topic_fit": self.topic_fit,
            "calibration": {label: {"right": r, "answered": t} for label, (r, t) in self.bands.items()},
            "misses": [{"q": m.question.q, "expected": m.question.owner, "got": m.got_owner,
                        "service": m.got_service, "why": m.why} for m in self.misses],
        }

    def report(self) -> str:
        lines = [f"owner right: {self.owner_right}/{self.total} ({self.owner_accuracy:.1%})",
                 f"service right: {self.service_right}/{self.service_checked}",
                 f"off-topic with an owner claimed: {self.off_topic_claimed}/{self.off_topic}",
                 f"answered: {self.answered}, with a wrong owner: {self.wrong_owner}"]
        if self.topic_checked:
            lines.append(f"about the topic asked: {self.topic_fit}/{self.topic_checked}")
        lines.append("confidence band: right owner / answered")
        lines += [f"  {label:<8} {r}/{t}" + (f" ({r / t:.1%})" if t else "") for label, (r, t) in self.bands.items()]
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
        out.append(Question(str(item["q"]), str(item["owner"]), tuple(item.get("service") or ()),
                            tuple(str(t) for t in item.get("topic") or ())))
    return out


def _service_ok(expected: tuple[str, ...], a: Answer) -> bool:
    if not expected:
        return True
    if a.service is None:
        return False
    hay = f"{a.service.id} {a.service.name}".lower()
    return any(token.lower() in hay for token in expected)


def _about(engine: Engine, a: Answer) -> str:
    """Everything the answered duty or scenario is about: ids, titles and phrases, lowercased."""
    kb, parts = engine.kb, []
    if a.scenario is not None and a.scenario.id in kb.scenarios:
        sc = kb.scenarios[a.scenario.id]
        parts += [sc.id, sc.title, *sc.phrases]
    if a.duty is not None and a.duty.id in kb.duties:
        d = kb.duties[a.duty.id]
        parts += [d.id, d.title, *d.phrases]
    return " ".join(parts).lower().replace("-", " ")


def evaluate(engine: Engine, questions: list[Question]) -> Result:
    r = Result()
    for q in questions:
        a = engine.ask(q.q)
        got = a.owner if a.answered and a.owner else "none"
        if got != "none":
            band = next(label for floor, label in (*BANDS, (0.0, BANDS[-1][1])) if a.confidence >= floor)
            r.bands[band][0] += got == q.owner
            r.bands[band][1] += 1
            if q.topic:
                r.topic_checked += 1
                r.topic_fit += any(t.lower() in _about(engine, a) for t in q.topic)
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
