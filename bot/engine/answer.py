"""The Answer: what every renderer (text, JSON, Block Kit) gets. Built from a Match, pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.knowledge.model import Category, Duty, KnowledgeBase, Provenance, Scenario, Service, Variant

OWNER_LABEL = {"aws": "AWS", "customer": "You (the customer)", "shared": "Shared: AWS and you"}
OWNER_SHORT = {"aws": "AWS", "customer": "you", "shared": "shared"}
CATEGORY_EXAMPLE = {"infrastructure": "EC2", "container": "RDS", "abstracted": "S3, Lambda"}
SURE = 0.9  # below this an answer says it is less sure
MAX_SOURCES = 4
MAX_CONTROLS = 6


@dataclass(frozen=True)
class Ref:
    id: str
    name: str
    category: str | None = None


@dataclass(frozen=True)
class ControlRef:
    id: str
    title: str
    cis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    owner: str | None = None
    service: Ref | None = None
    duty: Ref | None = None
    scenario: Ref | None = None
    confidence: float = 0.0
    summary: str = ""
    aws_does: str = ""
    customer_does: str = ""
    controls: tuple[ControlRef, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    outdated: bool = False
    suggestions: tuple[str, ...] = ()
    category_owners: tuple[tuple[str, str], ...] = ()  # (category, owner) when a general answer varies
    steps: tuple[str, ...] = ()  # first steps for an incident scenario
    reason: str | None = None  # why it was not answered: empty | other_cloud | unsure
    related: tuple[Answer, ...] = ()  # the same duty for other services in the question
    alternative: Answer | None = None  # a close second reading that names another owner

    @property
    def sure(self) -> bool:
        """At SURE or above an answer is right at least 98% of the time on real questions (README)."""
        return self.answered and self.confidence >= SURE


def headline(a: Answer) -> str:
    """The summary without its leading owner label, for layouts that show the owner on its own."""
    label = OWNER_LABEL.get(a.owner or "", "Shared")
    for prefix in (f"{label}: ", "Shared: "):
        if a.summary.startswith(prefix):
            rest = a.summary[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return a.summary


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _controls(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[ControlRef, ...]:
    refs = []
    for cid in _dedupe(ids)[:MAX_CONTROLS]:
        c = kb.controls[cid]
        refs.append(ControlRef(c.id, c.title, c.cis))
    return tuple(refs)


def compact_names(service: Service) -> set[str]:
    """'apigateway', 'secretsmanager', 'ssm': the service as Security Hub control IDs spell their families."""
    return {service.id.replace("-", ""), *(a.replace(" ", "").replace("-", "").lower() for a in service.aliases)}


def _fitting_controls(kb: KnowledgeBase, control_ids: tuple[str, ...], service: Service) -> tuple[str, ...]:
    """A duty's controls that fit one service: its own family (RDS.* for RDS) or account-wide ones.
    An RDS answer should not recommend Systems Manager patch compliance for EC2 instances."""
    own = compact_names(service)
    return tuple(c for c in control_ids if c.split(".")[0].lower() in own | kb.account_families
                 and (not kb.controls[c].services or service.id in kb.controls[c].services))


def _oldest(provs: list[Provenance], today: dt.date) -> tuple[dt.date, bool]:
    reviewed = min(p.reviewed for p in provs)
    return reviewed, any(p.overdue(today) for p in provs)


def service_ref(s: Service) -> Ref:
    return Ref(s.id, s.name, s.category)


def resolve(kb: KnowledgeBase, duty: Duty, service: Service) -> Duty:
    """The duty as this service's docs speak to it: a broad duty ("patching") narrows to the service's own
    narrower entry ("worker node patching" on EKS) when it has no entry for the broad one."""
    if duty.id in service.overrides:
        return duty
    narrower = next((d for d in duty.narrows_to if d in service.overrides), None)
    return kb.duties[narrower] if narrower else duty


def stated(variants: Iterable[Variant], said: Callable[[str], float]) -> Variant | None:
    """The first variant whose setting the question states (files list the more specific ones first)."""
    return next((v for v in variants if any(said(w) for w in v.when)), None)


def for_duty(kb: KnowledgeBase, question: str, duty: Duty, service: Service | None, confidence: float,
             today: dt.date, said: Callable[[str], float] = lambda _: 0.0) -> Answer:
    """`said(phrase)` tells whether (how plainly, 0 for not) the question states a setting an override's
    variant depends on; the first variant stated applies, so a file lists the more specific ones first."""
    if service is None:
        return _general(kb, question, duty, confidence, today, said)
    duty = resolve(kb, duty, service)
    override = service.overrides.get(duty.id)
    fitting = _fitting_controls(kb, duty.controls, service)
    if override is not None:
        owner, aws_does, you_do = override.owner, override.aws_does, override.customer_does
        # the service's own stated setting first, then one that holds for every service ("an AWS owned key")
        variant = stated((*override.variants, *duty.variants), said)
        own_sources: tuple[str, ...] = ()
        if variant is not None:  # "beanstalk with managed updates turned off"
            owner, aws_does, you_do = variant.owner, variant.aws_does, variant.customer_does
            own_sources = variant.sources
        control_ids = (*override.controls, *fitting)
        provs = [override.provenance, service.provenance]
        sources = (*own_sources, *override.provenance.sources, service.provenance.sources[0])
    else:
        owner = duty.owner_for(service.category)
        cat = kb.categories[service.category]
        aws_does, you_do = duty.aws_does, duty.customer_does
        variant = stated(duty.variants, said)
        if variant is not None:  # "our dynamodb table uses an AWS owned key": the same for every service
            owner, aws_does, you_do = variant.owner, variant.aws_does, variant.customer_does
        # the service's own controls only where they check this duty ("physical security on EC2" is no
        # place for EC2.8): every control declares the duties it evidences
        own = tuple(c for c in service.controls if c in kb.controls and duty.id in kb.controls[c].evidences)
        control_ids = (*fitting, *own)  # none rather than another service's (SSM.1 is no RDS control)
        provs = [duty.provenance, service.provenance]
        sources = (*(variant.sources if variant else ()), service.provenance.sources[0], *duty.provenance.sources,
                   cat.provenance.sources[0])
    reviewed, outdated = _oldest(provs, today)
    summary = (f"{OWNER_LABEL[owner]}: {duty.title.lower()} on {service.name}"
               f" ({kb.categories[service.category].name.lower()}).")
    return Answer(
        question=question, answered=True, owner=owner, service=service_ref(service),
        duty=Ref(duty.id, duty.title), confidence=confidence, summary=summary, aws_does=aws_does,
        customer_does=you_do, controls=_controls(kb, control_ids), sources=_dedupe(sources)[:MAX_SOURCES],
        reviewed=reviewed, outdated=outdated,
    )


CONTROL_URL = "https://docs.aws.amazon.com/securityhub/latest/userguide/{family}-controls.html#{family}-{number}"


def control_url(control_id: str) -> str:
    family, number = control_id.lower().split(".", 1)
    return CONTROL_URL.format(family=family, number=number)


def for_control(kb: KnowledgeBase, question: str, control_id: str, service: Service | None, duty: Duty | None,
                confidence: float, today: dt.date) -> Answer:
    """'Who owns EC2.8?': a Security Hub control checks *your* configuration, so fixing a failed one is yours;
    the duty it evidences says what AWS does around it."""
    c = kb.controls[control_id]
    base = for_duty(kb, question, duty, service, confidence, today) if duty is not None else None
    if base is not None:
        aws_does, you_do, more = base.aws_does, base.customer_does, base.controls
        sources, reviewed, outdated = base.sources, base.reviewed, base.outdated
    elif service is not None:
        aws_does, you_do, more = service.aws_does, service.customer_does, ()
        sources, reviewed, outdated = (service.provenance.sources[0],), service.provenance.reviewed, \
            service.provenance.overdue(today)
    else:
        aws_does, you_do, more, sources, reviewed, outdated = (
            "AWS runs Security Hub, which evaluates this check against your resources.", "", (), (), None, False)
    return Answer(
        question=question, answered=True, owner="customer",
        service=service_ref(service) if service else None,
        duty=Ref(base.duty.id, base.duty.name) if base and base.duty else None, confidence=confidence,
        summary=f"{OWNER_LABEL['customer']}: Security Hub control {c.id} checks your configuration — {c.title}.",
        aws_does=aws_does, customer_does=f"Make {c.id} pass: {c.title.rstrip('.')}. {you_do}".strip(),
        controls=(ControlRef(c.id, c.title, c.cis), *(x for x in more if x.id != c.id))[:MAX_CONTROLS],
        sources=_dedupe((control_url(c.id), *sources))[:MAX_SOURCES], reviewed=reviewed, outdated=outdated,
    )


def in_category(kb: KnowledgeBase, question: str, duty: Duty, category: Category, confidence: float,
                today: dt.date) -> Answer:
    """A duty asked about a whole category ("the operating system on infrastructure services")."""
    owner = duty.owner_for(category.id)
    return Answer(
        question=question, answered=True, owner=owner, duty=Ref(duty.id, duty.title), confidence=confidence,
        summary=f"{OWNER_LABEL[owner]}: {duty.title.lower()} on {category.name.lower()}.",
        aws_does=duty.aws_does, customer_does=duty.customer_does, controls=_controls(kb, duty.controls),
        sources=_dedupe((*duty.provenance.sources, *category.provenance.sources))[:MAX_SOURCES],
        reviewed=min(duty.provenance.reviewed, category.provenance.reviewed),
        outdated=duty.provenance.overdue(today) or category.provenance.overdue(today),
    )


def for_category(question: str, category: Category, confidence: float, today: dt.date) -> Answer:
    """'Who secures abstracted services?': shared, with the category's split."""
    return Answer(
        question=question, answered=True, owner="shared", confidence=confidence,
        summary=f"Shared: {category.name.lower()} — {category.definition}",
        aws_does=category.aws_does, customer_does=category.customer_does,
        sources=category.provenance.sources[:MAX_SOURCES], reviewed=category.provenance.reviewed,
        outdated=category.provenance.overdue(today),
    )


def _general(kb: KnowledgeBase, question: str, duty: Duty, confidence: float, today: dt.date,
             said: Callable[[str], float] = lambda _: 0.0) -> Answer:
    variant = stated(duty.variants, said)
    if variant is not None:  # "who rotates AWS owned keys?": the stated setting decides, whatever the service
        return Answer(
            question=question, answered=True, owner=variant.owner, duty=Ref(duty.id, duty.title),
            confidence=confidence, summary=f"{OWNER_LABEL[variant.owner]}: {duty.title.lower()}.",
            aws_does=variant.aws_does, customer_does=variant.customer_does, controls=_controls(kb, duty.controls),
            sources=_dedupe((*variant.sources, *duty.provenance.sources))[:MAX_SOURCES],
            reviewed=duty.provenance.reviewed, outdated=duty.provenance.overdue(today))
    varies = duty.varies_by_category
    summary = f"{OWNER_LABEL[duty.owner]}: {duty.title.lower()}."
    if varies:
        parts = [f"{OWNER_SHORT[duty.owner_for(c)]} on {c} services ({CATEGORY_EXAMPLE[c]})"
                 for c in ("infrastructure", "container", "abstracted")]
        summary += " It depends on the service: " + "; ".join(parts) + "."
    return Answer(
        question=question, answered=True, owner=duty.owner, duty=Ref(duty.id, duty.title),
        confidence=confidence, summary=summary, aws_does=duty.aws_does, customer_does=duty.customer_does,
        controls=_controls(kb, duty.controls), sources=duty.provenance.sources[:MAX_SOURCES],
        reviewed=duty.provenance.reviewed, outdated=duty.provenance.overdue(today),
        category_owners=tuple((c, duty.owner_for(c)) for c in duty.by_category) if varies else (),
    )


def for_service(kb: KnowledgeBase, question: str, service: Service, confidence: float,
                today: dt.date) -> Answer:
    """'Who secures X?': always shared, with that service's split."""
    customer_controls = [c for o in service.overrides.values() if o.owner != "aws" for c in o.controls]
    cat = kb.categories[service.category]
    return Answer(
        question=question, answered=True, owner="shared", service=service_ref(service),
        confidence=confidence,
        summary=f"Shared: securing {service.name} is split between AWS and you ({cat.name.lower()}).",
        aws_does=service.aws_does, customer_does=service.customer_does,
        controls=_controls(kb, (*service.controls, *customer_controls)),
        sources=_dedupe((*service.provenance.sources, cat.provenance.sources[0]))[:MAX_SOURCES],
        reviewed=service.provenance.reviewed, outdated=service.provenance.overdue(today),
    )


def for_scenario(kb: KnowledgeBase, question: str, scenario: Scenario, service: Service | None,
                 confidence: float, today: dt.date) -> Answer:
    if service is None and scenario.services:
        service = kb.services.get(scenario.services[0])
    return Answer(
        question=question, answered=True, owner=scenario.owner,
        service=service_ref(service) if service else None,
        duty=Ref(scenario.duty, kb.duties[scenario.duty].title), scenario=Ref(scenario.id, scenario.title),
        confidence=confidence, summary=f"{OWNER_LABEL[scenario.owner]}: {scenario.title}.",
        aws_does=scenario.aws_does, customer_does=scenario.customer_does,
        controls=_controls(kb, scenario.prevent), sources=scenario.provenance.sources[:MAX_SOURCES],
        reviewed=scenario.provenance.reviewed, outdated=scenario.provenance.overdue(today),
        steps=scenario.now,
    )


NOT_ANSWERED = {
    "empty": "Ask me who is responsible for a security task on AWS, for example \"who patches RDS?\".",
    "other_cloud": "I only know the AWS shared responsibility model, so I won't guess about {cloud}.",  # or a laptop
    "unsure": "I'm not sure what you are asking, so I won't name an owner.",
    "howto": "That reads like a how-to question; I answer who is responsible for a security task on AWS.",
    "unknown_service": "I don't know the service “{cloud}” yet, so I won't answer for a different one.",
    "retired_control": "Security Hub has retired control {cloud}; I don't answer for retired controls.",
    "unknown_control": "I don't know a Security Hub control called {cloud}, so I won't guess what it checks.",
}


def not_answered(question: str, reason: str, suggestions: tuple[str, ...], cloud: str = "") -> Answer:
    return Answer(question=question, answered=False, reason=reason, suggestions=suggestions[:3],
                  summary=NOT_ANSWERED[reason].format(cloud=cloud or "other clouds"))
