"""What the Slack surfaces keep between messages: thread context for follow-ups, quiz progress per user.

Both live in the database layer (bot.store, issue 11); this module names the part of its API the surfaces
use, so the surfaces can be built and tested against it. `Surfaces` wraps a store so that a database that is
down never loses an answer: a failed read is no context (the question is answered as asked), a failed
write is one log line.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

log = logging.getLogger("srm.state")


class SurfaceStore(Protocol):
    def get_context(self, team: str, channel: str, thread: str, now: float | None = None) -> dict | None: ...
    def put_context(self, team: str, channel: str, thread: str, context: dict, now: float | None = None) -> None: ...
    def get_quiz(self, team: str, user: str) -> dict | None: ...
    def put_quiz(self, team: str, user: str, progress: dict) -> None: ...


class NoStore:
    """No database configured: no follow-up context and no stored quiz progress (answers still go out)."""

    def get_context(self, team: str, channel: str, thread: str, now: float | None = None) -> dict | None:
        return None

    def put_context(self, team: str, channel: str, thread: str, context: dict, now: float | None = None) -> None:
        return None

    def get_quiz(self, team: str, user: str) -> dict | None:
        return None

    def put_quiz(self, team: str, user: str, progress: dict) -> None:
        return None


class Surfaces:
    """A SurfaceStore that never raises: the answer matters more than what is remembered about it."""

    def __init__(self, store: SurfaceStore | None):
        self.store: SurfaceStore = store if store is not None else NoStore()

    def _call(self, what: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # a locked or unreachable database: carry on without it
            log.error("store unavailable", extra={"call": what, "error": repr(exc)[:300]})
            return None

    def context(self, team: str | None, channel: str | None, thread: str | None) -> dict | None:
        if not (team and channel):
            return None
        got = self._call("get_context", self.store.get_context, team, channel, thread or "")
        return got if isinstance(got, dict) else None

    def remember(self, team: str | None, channel: str | None, thread: str | None, context: dict) -> None:
        if team and channel:
            self._call("put_context", self.store.put_context, team, channel, thread or "", context)

    def quiz(self, team: str | None, user: str | None) -> dict | None:
        if not (team and user):
            return None
        got = self._call("get_quiz", self.store.get_quiz, team, user)
        return got if isinstance(got, dict) else None

    def save_quiz(self, team: str | None, user: str | None, progress: dict) -> None:
        if team and user:
            self._call("put_quiz", self.store.put_quiz, team, user, progress)
