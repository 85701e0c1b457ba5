"""Problems found in the knowledge base: file + entry + reason. Light, so any surface can catch them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.reason}" if self.entry else f"{self.file}: {self.reason}"


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
