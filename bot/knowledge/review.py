"""Review cycle and coverage: which entries are past their review date, what the knowledge base covers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.knowledge.model import CATEGORIES, KnowledgeBase, Provenance
from bot.knowledge.sources import per_page


@dataclass(frozen=True)
class DueEntry:
    kind: str
    id: str
    reviewed: dt.date
    due: dt.date


def _provenances(kb: KnowledgeBase) -> Iterator[tuple[str, str, Provenance]]:
    for c in kb.categories.values():
        yield "category", c.id, c.provenance
    for d in kb.duties.values():
        yield "duty", d.id, d.provenance
    for s in kb.services.values():
        yield "service", s.id, s.provenance
        for o in s.overrides.values():
            yield "override", f"{s.id}/{o.duty}", o.provenance
    for sc in kb.scenarios.values():
        yield "scenario", sc.id, sc.provenance


@dataclass(frozen=True)
class Checkability:
    """How many fact-bearing entries a reviewer can check without reading whole pages (issue 8 §2)."""

    entries: int
    without_evidence: tuple[str, ...]  # "duty guest-os-patching", "override rds/engine-patching", ...
    without_anchor: tuple[str, ...]


def _checkable_rows(kb: KnowledgeBase) -> Iterator[tuple[str, bool, bool]]:
    """(label, has an evidence line, cites a section #anchor) for every fact-bearing entry. A variant may
    rest on its override's anchored section, but says in its own evidence line why its owner differs."""
    for kind, ident, p in _provenances(kb):
        yield f"{kind} {ident}", bool(p.evidence), p.anchored
    for s in kb.services.values():
        for o in s.overrides.values():
            for v in o.variants:
                anchored = any("#" in u for u in v.sources) or o.provenance.anchored
                yield f"variant {s.id}/{o.duty} when {v.when[0]!r}", bool(v.evidence), anchored
    for d in kb.duties.values():
        for v in d.variants:
            anchored = any("#" in u for u in v.sources) or d.provenance.anchored
            yield f"variant {d.id} when {v.when[0]!r}", bool(v.evidence), anchored


def checkability(kb: KnowledgeBase) -> Checkability:
    rows = list(_checkable_rows(kb))
    return Checkability(len(rows), tuple(label for label, ev, _ in rows if not ev),
                        tuple(label for label, _, anchored in rows if not anchored))


def due_for_review(kb: KnowledgeBase, today: dt.date) -> list[DueEntry]:
    return [DueEntry(kind, ident, p.reviewed, p.due) for kind, ident, p in _provenances(kb) if p.overdue(today)]


def coverage(kb: KnowledgeBase, today: dt.date) -> dict[str, Any]:
    per_category = Counter(s.category for s in kb.services.values())
    cited = {c for d in kb.duties.values() for c in d.controls}
    cited |= {c for s in kb.services.values() for c in s.controls}
    cited |= {c for s in kb.services.values() for o in s.overrides.values() for c in o.controls}
    cited |= {c for sc in kb.scenarios.values() for c in sc.prevent}
    due = due_for_review(kb, today)
    pages = per_page(kb)
    return {
        "version": kb.version,
        "services": len(kb.services),
        "services_per_category": {c: per_category.get(c, 0) for c in CATEGORIES},
        "duties": len(kb.duties),
        "overrides": sum(len(s.overrides) for s in kb.services.values()),
        "scenarios": len(kb.scenarios),
        "controls_known": len(kb.controls),
        "controls_cited": len(cited),
        "source_pages": len(pages),
        # page (URL without anchor) → how many entries rest on it, most cited first: what one moved page breaks
        "entries_per_source_page": pages,
        # every duty's recommended controls (each evidences it, checked at load), or why none fits
        "controls_per_duty": {
            d.id: {"controls": list(d.controls), "exempt": d.controls_exempt} for d in kb.duties.values()
        },
        "checkable": (lambda c: {"entries": c.entries, "without_evidence": len(c.without_evidence),
                                 "without_anchor": len(c.without_anchor)})(checkability(kb)),
        "due_for_review": [
            {"kind": d.kind, "id": d.id, "reviewed": d.reviewed.isoformat(), "due": d.due.isoformat()}
            for d in due
        ],
    }
