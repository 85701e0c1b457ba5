"""Settings from the environment (contract 3 in DESIGN.md). Missing values fail with one line."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.paths import default_dir

SLACK_API_DEFAULT = "https://slack.com/api/"


class ConfigError(Exception):
    """One line that names what is missing or wrong."""


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str | None
    app_token: str | None
    api_base_url: str
    port: int
    knowledge_dir: Path
    event_store: Path

    @classmethod
    def from_env(cls, *, mode: str, env: Mapping[str, str] | None = None) -> Settings:
        """mode is "http" (needs the signing secret) or "socket" (needs the app-level token)."""
        env = os.environ if env is None else env
        required = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if mode == "http" else "SLACK_APP_TOKEN"]
        for name in required:
            if not env.get(name, "").strip():
                raise ConfigError(f"{name} is not set; it is required to run srm in {mode} mode (see README).")
        port = env.get("PORT", "3000")
        if not port.isdigit():
            raise ConfigError(f"PORT must be a number, got {port!r}")
        base = env.get("SLACK_API_BASE_URL", "").strip() or SLACK_API_DEFAULT
        store = env.get("SRM_EVENT_STORE", "").strip() or str(Path(tempfile.gettempdir()) / "srm-events.sqlite3")
        knowledge = env.get("SRM_KNOWLEDGE_DIR", "").strip()
        return cls(
            bot_token=env["SLACK_BOT_TOKEN"].strip(),
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
            app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
            api_base_url=base if base.endswith("/") else base + "/",  # slack_sdk joins with urljoin
            port=int(port),
            knowledge_dir=Path(knowledge) if knowledge else default_dir(),
            event_store=Path(store),
        )
