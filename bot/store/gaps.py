"""What to add to the knowledge base next: the learning loop's records turned into a ranked report.

Unanswered questions grouped by near-duplicate wording (rapidfuzz), unknown service names seen, answers
given with low confidence, 👎 by service and duty with their comments, and suggested corrections — each
with the questions behind it (when SRM_STORE_QUESTIONS kept them). Pure functions over rows; `gaps(store)`
reads them. Rendering is bot/render/gaps.py.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process

from bot.store.schema import answers, corrections, feedback
from bot.store.store import Store

SIMILAR = 85  # token_sort_ratio at or above which two questions are the same question reworded
EXAMPLES = 3  # questions shown per gap
LOW_CONFIDENCE = 0.9  # bot.engine.answer.SURE: below it an answer says it is less sure
WEIGHT = {"correction": 3.0, "downvote": 2.0, "unanswered": 1.0, "unknown_service": 1.0, "low_confidence": 0.5}
REASON = {"unsure": "not understood", "unknown_service": "unknown service", "other_cloud": "another cloud",
          "howto": "a how-to question", "unknown_control": "unknown control", "retired_control": "retired control"}
NOT_KEPT = "(question not stored)"
LOOKBACK = 7 * 86400  # feedback in the window may be about an answer given up to a week before it


@dataclass(frozen=True)
class Group:
    """Unanswered questions that say the same thing."""

    example: str
    count: int
    reasons: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Unknown:
    name: str
    count: int
    questions: tuple[str, ...]


@dataclass(frozen=True)
class LowConfidence:
    service: str | None
    duty: str | None
    count: int
    confidence: float  # the mean
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Downvote:
    service: str | None
    duty: str | None
    count: int
    helpful: int  # 👍 on the same service and duty, for scale
    comments: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class CorrectionItem:
    at: float
    question: str | None
    what_is_wrong: str
    right_owner: str | None
    source_url: str | None
    service: str | None = None
    duty: str | None = None


@dataclass(frozen=True)
class Gap:
    """One line of the ranked list: what, how often, and why it matters."""

    kind: str  # correction | downvote | unanswered | unknown_service | low_confidence
    title: str
    count: int
    score: float


@dataclass(frozen=True)
class Report:
    since: float
    until: float
    answers: int
    answered: int
    feedback_up: int
    feedback_down: int
    top: tuple[Gap, ...]
    unanswered: tuple[Group, ...]
    unknown_services: tuple[Unknown, ...]
    low_confidence: tuple[LowConfidence, ...]
    downvotes: tuple[Downvote, ...]
    corrections: tuple[CorrectionItem, ...] = field(default=())


def parse_since(text: str) -> float:
    """'7d', '24h', '2w', '90m' → seconds."""
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text or "")
    if not m:
        raise ValueError(f"--since takes a number and a unit (m, h, d, w), like 7d; got {text!r}")
    return int(m.group(1)) * {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[m.group(2)]


def _normal(q: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", q.lower()).split())


def group_questions(rows: list[dict[str, Any]]) -> list[Group]:
    """Greedy clustering, most frequent wording first: a question joins the first group it resembles."""
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_text[_normal(r["question"]) if r["question"] else ""].append(r)
    heads: list[str] = []
    members: dict[str, list[dict[str, Any]]] = {}
    for text in sorted(by_text, key=lambda t: (-len(by_text[t]), t)):
        match = process.extractOne(text, heads, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR) if text else None
        head = match[0] if match else text
        if not match:
            heads.append(text)
            members[head] = []
        members[head].extend(by_text[text])
    groups = []
    for rs in members.values():
        asked = Counter(r["question"] or NOT_KEPT for r in rs)
        reasons = Counter(REASON.get(r["reason"] or "", r["reason"] or "unsure") for r in rs)
        groups.append(Group(asked.most_common(1)[0][0], len(rs), tuple(k for k, _ in reasons.most_common()),
                            tuple(q for q, _ in asked.most_common(EXAMPLES))))
    return sorted(groups, key=lambda g: (-g.count, g.example))


def _questions(rows: list[dict[str, Any]]) -> tuple[str, ...]:
    asked = Counter(r.get("question") for r in rows if r.get("question"))
    return tuple(q for q, _ in asked.most_common(EXAMPLES))


def unknown_services(rows: list[dict[str, Any]]) -> list[Unknown]:
    named: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["reason"] == "unknown_service":
            named[(r["detail"] or "(name not stored)").strip().lower()].append(r)
    return sorted((Unknown(name, len(rs), _questions(rs)) for name, rs in named.items()),
                  key=lambda u: (-u.count, u.name))


def low_confidence(rows: list[dict[str, Any]], below: float = LOW_CONFIDENCE) -> list[LowConfidence]:
    about: dict[tuple[str | None, str | None], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["answered"] and r["confidence"] < below:
            about[(r["service"], r["duty"] or r["scenario"])].append(r)
    out = [LowConfidence(s, d, len(rs), round(sum(r["confidence"] for r in rs) / len(rs), 2), _questions(rs))
           for (s, d), rs in about.items()]
    return sorted(out, key=lambda x: (-x.count, x.confidence, str(x.service), str(x.duty)))


def downvotes(clicks: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
              fixes: list[dict[str, Any]]) -> list[Downvote]:
    """👎 by (service, duty); an answer's own record wins over what its button said."""
    comments_for: dict[str, list[str]] = defaultdict(list)
    for c in fixes:
        if c["answer_id"]:
            comments_for[c["answer_id"]].append(c["what_is_wrong"])
    down: dict[tuple[str | None, str | None], list[dict[str, Any]]] = defaultdict(list)
    up: Counter[tuple[str | None, str | None]] = Counter()
    for f in clicks:
        a = by_id.get(f["answer_id"] or "") or {}
        key = (a.get("service") or f["service"], a.get("duty") or a.get("scenario") or f["duty"])
        if f["helpful"]:
            up[key] += 1
            continue
        down[key].append({**f, "question": a.get("question") or f["question"],
                          "comments": ([f["comment"]] if f["comment"] else []) + comments_for.get(f["answer_id"], [])})
    out = [Downvote(s, d, len(rs), up[(s, d)], tuple(dict.fromkeys(c for r in rs for c in r["comments"])),
                    _questions(rs)) for (s, d), rs in down.items()]
    return sorted(out, key=lambda x: (-x.count, str(x.service), str(x.duty)))


def _about(service: str | None, duty: str | None) -> str:
    return " · ".join(x for x in (service, duty) if x) or "general"


def rank(report: Report) -> tuple[Gap, ...]:
    gaps = [Gap("correction", f"{c.what_is_wrong[:120]} ({_about(c.service, c.duty)})", 1, WEIGHT["correction"])
            for c in report.corrections]
    gaps += [Gap("downvote", f"👎 {_about(d.service, d.duty)}", d.count, d.count * WEIGHT["downvote"])
             for d in report.downvotes]
    gaps += [Gap("unanswered", g.example, g.count, g.count * WEIGHT["unanswered"]) for g in report.unanswered]
    gaps += [Gap("unknown_service", f"unknown service “{u.name}”", u.count, u.count * WEIGHT["unknown_service"])
             for u in report.unknown_services]
    gaps += [Gap("low_confidence", f"low confidence: {_about(x.service, x.duty)}", x.count,
                 x.count * WEIGHT["low_confidence"]) for x in report.low_confidence]
    return tuple(sorted(gaps, key=lambda g: (-g.score, -g.count, g.kind, g.title)))


def build(given: list[dict[str, Any]], clicks: list[dict[str, Any]], fixes: list[dict[str, Any]],
          since: float, until: float, below: float = LOW_CONFIDENCE,
          lookup: list[dict[str, Any]] | None = None) -> Report:
    """`given`: the answers of the window; `lookup`: also older ones that feedback in the window is about."""
    by_id = {a["id"]: a for a in (lookup if lookup is not None else given)}
    missed = [a for a in given if not a["answered"] and a["reason"] not in ("empty", "unknown_service")]
    items = tuple(_correction(c, by_id.get(c["answer_id"] or "", {})) for c in fixes)
    report = Report(
        since=since, until=until, answers=len(given), answered=sum(1 for a in given if a["answered"]),
        feedback_up=sum(1 for f in clicks if f["helpful"]), feedback_down=sum(1 for f in clicks if not f["helpful"]),
        top=(), unanswered=tuple(group_questions(missed)), unknown_services=tuple(unknown_services(given)),
        low_confidence=tuple(low_confidence(given, below)), downvotes=tuple(downvotes(clicks, by_id, fixes)),
        corrections=items)
    return replace(report, top=rank(report))


def _correction(c: dict[str, Any], answer: dict[str, Any]) -> CorrectionItem:
    return CorrectionItem(c["at"], c["question"] or answer.get("question"), c["what_is_wrong"], c["right_owner"],
                          c["source_url"], answer.get("service"), answer.get("duty") or answer.get("scenario"))


def gaps(store: Store, seconds: float, now: float | None = None, below: float = LOW_CONFIDENCE) -> Report:
    """The report for the last `seconds`: answers, feedback and corrections in that window."""
    until = time.time() if now is None else now
    since = until - seconds
    recent = store.rows(answers, since - LOOKBACK)
    return build([a for a in recent if a["at"] >= since], store.rows(feedback, since), store.rows(corrections, since),
                 since, until, below, lookup=recent)
