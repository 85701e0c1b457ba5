"""Where the knowledge base lives, and which files make it up. No heavy imports here."""

from __future__ import annotations

import os
from pathlib import Path


def default_dir() -> Path:
    """SRM_KNOWLEDGE_DIR, else the copy packaged in the wheel, else the repository's knowledge/."""
    if env := os.environ.get("SRM_KNOWLEDGE_DIR", "").strip():
        return Path(env)
    packaged = Path(__file__).resolve().parent.parent / "_knowledge"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "knowledge"


def knowledge_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml")) + sorted(root.rglob("*.yml"))
