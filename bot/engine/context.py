"""What an earlier answer in a thread was about, so a follow-up ("and on fargate?", "what about lambda?",
"and backups?") keeps the part it does not restate. Pure data: the Slack layer stores it per thread."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.engine.answer import Answer


@dataclass(frozen=True)
class Context:
    duty: str | None = None
    service: str | None = None
    scenario: str | None = None

    @classmethod
    def of(cls, a: Answer) -> Context | None:
        """The context an answer leaves behind (None when it claimed nothing)."""
        if not a.answered or not (a.duty or a.service):
            return None
        return cls(a.duty.id if a.duty else None, a.service.id if a.service else None,
                   a.scenario.id if a.scenario else None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Context | None:
        """From stored JSON; anything malformed is no context at all."""
        if not isinstance(data, dict):
            return None
        values = {k: data.get(k) for k in ("duty", "service", "scenario")}
        if not all(v is None or isinstance(v, str) for v in values.values()) or not any(values.values()):
            return None
        return cls(**values)
