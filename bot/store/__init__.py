"""The store (issue 11): one database behind SRM_DATABASE_URL. See bot/store/store.py and README "Database"."""

from bot.store.claims import Claim, ClaimStore
from bot.store.db import database_url
from bot.store.records import AnswerRecord, Correction, FeedbackAbout, Privacy
from bot.store.store import Store, open_store

__all__ = ["AnswerRecord", "Claim", "ClaimStore", "Correction", "FeedbackAbout", "Privacy", "Store",
           "database_url", "open_store"]
