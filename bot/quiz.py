"""The onboarding quiz: ten "whose job is it?" questions drawn from the knowledge base. Pure, no Slack.

Three pools, so a run mixes the model's rules with the facts people get wrong:
- *surprising*: a service's own documentation gives another owner than its category would (RDS engine
  patching is AWS's although you choose the window; EKS nodes; Lambda container images; Outposts racks…);
- *service*: any other service-specific entry;
- *category*: a duty on a category of service (guest OS patching on infrastructure services).
A run is a tuple of question ids, drawn without repeats; the id says everything needed to rebuild the
question, its owner, the one-line why and its source, so a run can travel in a button's value and be
replayed by any worker.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bot.engine.answer import CATEGORY_EXAMPLE
from bot.knowledge.model import CATEGORIES, KnowledgeBase

LENGTH = 10
MIX = (("featured", 2), ("surprising", 3), ("service", 2), ("category", 3))
OWNERS = ("aws", "customer", "shared")
# The overrides onboarding should always be able to reach; only those present in the knowledge base are used.
FEATURED = (("rds", "guest-os-patching"), ("rds", "engine-patching"), ("eks", "guest-os-patching"),
            ("lambda", "container-images"), ("outposts", "physical-security"), ("kms", "key-management"),
            ("lambda", "runtime-patching"), ("fargate", "guest-os-patching"))
WHY_CHARS = 240
# A title that names an owner gives the answer away ("Awareness and training (shared control)"), and the
# model's own summary rows are not tasks.
_GIVES_AWAY = re.compile(r"\b(shared|aws|customer)\b", re.IGNORECASE)
_NOT_TASKS = frozenset({"shared-model", "security-of-the-cloud", "security-in-the-cloud"})


@dataclass(frozen=True)
class Question:
    id: str  # "s:<service>:<duty>" or "c:<category>:<duty>"
    prompt: str
    owner: str
    why: str
    source: str


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    out = m.group(1) if m else text
    return out if len(out) <= WHY_CHARS else out[: WHY_CHARS - 1].rstrip() + "…"


def _why(owner: str, aws_does: str, customer_does: str) -> str:
    if owner == "aws":
        return f"AWS: {_first_sentence(aws_does)}"
    if owner == "customer":
        return f"You: {_first_sentence(customer_does)}"
    return f"AWS: {_first_sentence(aws_does)} You: {_first_sentence(customer_does)}"


def question(kb: KnowledgeBase, qid: str) -> Question | None:
    """The question an id names, or None for an id the knowledge base no longer has."""
    kind, _, rest = qid.partition(":")
    where, _, duty_id = rest.partition(":")
    duty = kb.duties.get(duty_id)
    if duty is None:
        return None
    if kind == "s" and where in kb.services and duty_id in kb.services[where].overrides:
        s, o = kb.services[where], kb.services[where].overrides[duty_id]
        return Question(qid, f"{duty.title} on {s.name}: whose job is it?", o.owner,
                        _why(o.owner, o.aws_does, o.customer_does), o.provenance.sources[0])
    if kind == "c" and where in kb.categories:
        c = kb.categories[where]
        owner = duty.owner_for(where)
        prompt = f"{duty.title} on {c.name.lower()} (e.g. {CATEGORY_EXAMPLE[where]}): whose job is it?"
        return Question(qid, prompt, owner, _why(owner, duty.aws_does, duty.customer_does), duty.provenance.sources[0])
    return None


def pools(kb: KnowledgeBase) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"featured": [], "surprising": [], "service": [], "category": []}
    featured = {f"s:{s}:{d}" for s, d in FEATURED}
    fair = {d.id for d in kb.duties.values() if d.id not in _NOT_TASKS and not _GIVES_AWAY.search(d.title)}
    for s in kb.services.values():
        for duty_id, o in s.overrides.items():
            if duty_id not in fair:
                continue
            qid = f"s:{s.id}:{duty_id}"
            if qid in featured:
                out["featured"].append(qid)
            elif o.owner != kb.duties[duty_id].owner_for(s.category):
                out["surprising"].append(qid)
            else:
                out["service"].append(qid)
    out["category"] = [f"c:{c}:{d}" for d in sorted(fair) for c in CATEGORIES]
    return {k: sorted(v) for k, v in out.items()}


def draw(kb: KnowledgeBase, rng: random.Random, length: int = LENGTH) -> tuple[str, ...]:
    """`length` different questions: the MIX from each pool, topped up from the others if one runs short."""
    p = pools(kb)
    picked: list[str] = []
    for name, n in MIX:
        picked += rng.sample(p[name], min(n, len(p[name])))
    rest = [q for name in p for q in p[name] if q not in picked]
    picked += rng.sample(rest, min(max(0, length - len(picked)), len(rest)))
    rng.shuffle(picked)
    return tuple(picked[:length])


@dataclass(frozen=True)
class Run:
    """Where a run stands: which questions, how many answered, the score, which were missed."""

    id: str
    questions: tuple[str, ...]
    answered: int = 0
    score: int = 0
    missed: tuple[int, ...] = ()

    @property
    def finished(self) -> bool:
        return self.answered >= len(self.questions)

    def answer(self, kb: KnowledgeBase, choice: str) -> tuple[Run, Question | None, bool]:
        """The run after answering the current question with `choice`, that question, and whether it was right."""
        q = question(kb, self.questions[self.answered]) if not self.finished else None
        if q is None:  # finished, or a question the knowledge base dropped since: skip it, no score
            return Run(self.id, self.questions, min(self.answered + 1, len(self.questions)), self.score,
                       self.missed), None, False
        right = choice == q.owner
        return Run(self.id, self.questions, self.answered + 1, self.score + right,
                   self.missed if right else (*self.missed, self.answered)), q, right

    def to_dict(self) -> dict:
        return {"r": self.id, "q": list(self.questions), "a": self.answered, "s": self.score, "m": list(self.missed)}

    @classmethod
    def from_dict(cls, data: object) -> Run | None:
        """From a button's value; anything malformed is None."""
        if not isinstance(data, dict):
            return None
        rid, qs, a, s, m = (data.get(k) for k in ("r", "q", "a", "s", "m"))
        if not (isinstance(rid, str) and isinstance(qs, list) and all(isinstance(q, str) for q in qs)
                and 0 < len(qs) <= 20 and isinstance(a, int) and isinstance(s, int) and isinstance(m, list)
                and all(isinstance(i, int) for i in m) and 0 <= s <= a <= len(qs)):
            return None
        return cls(rid, tuple(qs), a, s, tuple(i for i in m if 0 <= i < len(qs)))


def record(progress: dict | None, run: Run, today: str) -> dict:
    """Per-user progress after this step of `run`: the current run, and past runs' best and last scores.
    Applying the same step twice gives the same progress (a retried delivery must not count a run twice)."""
    p = dict(progress) if isinstance(progress, dict) else {}
    if run.finished:
        last = p.get("last") if isinstance(p.get("last"), dict) else {}
        if last.get("run") != run.id:
            p["runs"] = int(p.get("runs") or 0) + 1
            p["best"] = max(int(p.get("best") or 0), run.score)
        p["last"] = {"run": run.id, "score": run.score, "of": len(run.questions), "on": today,
                     "missed": [run.questions[i] for i in run.missed]}
        p.pop("current", None)
    else:
        p["current"] = {"run": run.id, "answered": run.answered, "score": run.score, "of": len(run.questions)}
    return p
