"""Effectively-once answers: the claim protocol. Its implementation lives in the store (bot/store/claims.py),
on the one database behind SRM_DATABASE_URL; this module keeps the names the Slack layer imports."""

from __future__ import annotations

from bot.store.claims import KEEP_SECONDS, MAX_AGE_SECONDS, MAX_ATTEMPTS, Claim, ClaimStore

__all__ = ["KEEP_SECONDS", "MAX_AGE_SECONDS", "MAX_ATTEMPTS", "Claim", "ClaimStore"]
