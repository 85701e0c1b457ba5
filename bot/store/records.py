"""What the learning loop records, and the privacy settings that decide how much of it is kept."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Privacy:
    """SRM_STORE_USER_IDS (default false: a salted hash), SRM_STORE_QUESTIONS (default true),
    SRM_RETENTION_DAYS (default 90)."""

    store_user_ids: bool = False
    store_questions: bool = True
    retention_days: int = 90

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Privacy:
        env = os.environ if env is None else env
        days = env.get("SRM_RETENTION_DAYS", "").strip()
        if days and not (days.isdigit() and int(days) > 0):
            raise ValueError(f"SRM_RETENTION_DAYS must be a whole number of days, got {days!r}")
        return cls(store_user_ids=_flag(env, "SRM_STORE_USER_IDS", False),
                   store_questions=_flag(env, "SRM_STORE_QUESTIONS", True),
                   retention_days=int(days) if days else 90)

    def user_key(self, user: str | None, salt: str) -> str | None:
        """The user id itself only if SRM_STORE_USER_IDS; else an HMAC keyed with this database's salt, which
        cannot be reversed by hashing every user id of a workspace without the salt."""
        if not user:
            return None
        if self.store_user_ids:
            return user
        return "h:" + hmac.new(salt.encode(), user.encode(), hashlib.sha256).hexdigest()[:32]

    def question(self, text: str | None) -> str | None:
        return text[:2000] if text and self.store_questions else None


def record_id(key: str | None = None) -> str:
    """A fresh id, or one derived from a question key so a retried answer is recorded once."""
    if key:
        return hashlib.sha256(key.encode()).hexdigest()[:32]
    return uuid.uuid4().hex


@dataclass(frozen=True)
class AnswerRecord:
    """One answer given: where, to whom (hashed), what was asked, what it matched, and whether it answered."""

    surface: str
    answered: bool
    question: str | None = None
    team: str | None = None
    channel: str | None = None
    user: str | None = None  # the raw Slack user id; the store keeps a hash unless SRM_STORE_USER_IDS
    owner: str | None = None
    service: str | None = None
    duty: str | None = None
    scenario: str | None = None
    confidence: float = 0.0
    reason: str | None = None  # unsure | unknown_service | other_cloud | howto | unknown_control | …
    detail: str | None = None  # the unknown service or control named
    id: str = field(default_factory=record_id)
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Correction:
    """A "Suggest a correction" submission."""

    what_is_wrong: str
    answer_id: str | None = None
    question: str | None = None
    right_owner: str | None = None  # aws | customer | shared | unsure
    source_url: str | None = None
    team: str | None = None
    user: str | None = None
    id: str = field(default_factory=record_id)
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class FeedbackAbout:
    """What a feedback button said about its answer (used when the answer's own row is missing)."""

    question: str | None = None
    service: str | None = None
    duty: str | None = None
    owner: str | None = None
    team: str | None = None
    user: str | None = None
