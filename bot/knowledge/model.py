"""Frozen domain objects built from the validated YAML. The engine reads these and nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

CATEGORIES = ("infrastructure", "container", "abstracted")
# Security Hub control families that fit an answer about any service: the account's own checks (Account.1) and
# those of account-scope services (see Service.scope) are added to them by the engine.
ACCOUNT_FAMILY = "account"


@dataclass(frozen=True)
class Provenance:
    sources: tuple[str, ...]
    reviewed: dt.date
    review_days: int
    evidence: str | None = None  # what the cited section establishes, in our words

    @property
    def anchored(self) -> bool:
        """Some source names the exact section (a URL with a #fragment)."""
        return any("#" in url for url in self.sources)

    @property
    def due(self) -> dt.date:
        return self.reviewed + dt.timedelta(days=self.review_days)

    def overdue(self, today: dt.date) -> bool:
        return today > self.due


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    service: str
    cis: tuple[str, ...] = ()
    evidences: tuple[str, ...] = ()  # the duties whose customer side it checks
    services: tuple[str, ...] = ()  # the services whose resources it checks; empty: not limited


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    definition: str
    examples: tuple[str, ...]
    aws_does: str
    customer_does: str
    provenance: Provenance
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    when: tuple[str, ...]
    owner: str
    aws_does: str
    customer_does: str
    sources: tuple[str, ...] = ()  # cited before the override's own
    evidence: str | None = None


@dataclass(frozen=True)
class Duty:
    id: str
    title: str
    phrases: tuple[str, ...]
    owner: str
    by_category: dict[str, str]
    aws_does: str
    customer_does: str
    controls: tuple[str, ...]
    provenance: Provenance
    narrows_to: tuple[str, ...] = ()
    controls_exempt: str | None = None  # why no control is recommended (none checks this duty)
    variants: tuple[Variant, ...] = ()  # stated settings that decide the owner where a service has no entry
    frame: bool = False  # a frame around another task ("for their SOC report"), not a task of its own

    def owner_for(self, category: str) -> str:
        return self.by_category[category]

    @property
    def varies_by_category(self) -> bool:
        return len(set(self.by_category.values())) > 1


@dataclass(frozen=True)
class Override:
    duty: str
    owner: str
    aws_does: str
    customer_does: str
    controls: tuple[str, ...]
    provenance: Provenance
    variants: tuple[Variant, ...] = ()


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    aliases: tuple[str, ...]
    weak_aliases: tuple[str, ...]
    category: str
    aws_does: str
    customer_does: str
    primary_duty: str | None
    controls: tuple[str, ...]
    overrides: dict[str, Override]
    provenance: Provenance
    scope: str = "workload"  # workload | account | reporting (schema.ServiceDoc says what each means)

    @property
    def account_wide(self) -> bool:
        """Never the subject next to a workload: an account-scope service or a reporting tool."""
        return self.scope != "workload"

    @property
    def reports(self) -> bool:
        """A tool that reports on other services' resources (Inspector, Security Hub, Trusted Advisor…)."""
        return self.scope == "reporting"


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    phrases: tuple[str, ...]
    services: tuple[str, ...]
    duty: str
    owner: str
    aws_does: str
    customer_does: str
    now: tuple[str, ...]
    prevent: tuple[str, ...]
    provenance: Provenance
    prevent_duties: tuple[str, ...] = ()  # duties besides `duty` its prevention is about


@dataclass(frozen=True)
class Language:
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    translations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    other_clouds: tuple[str, ...] = ()
    outside_aws: tuple[str, ...] = ()
    other_parties: tuple[str, ...] = ()
    billing_phrases: tuple[str, ...] = ()
    privacy_law_phrases: tuple[str, ...] = ()
    howto_phrases: tuple[str, ...] = ()
    request_phrases: tuple[str, ...] = ()
    ownership_phrases: tuple[str, ...] = ()
    security_words: tuple[str, ...] = ()
    action_words: tuple[str, ...] = ()
    incident_words: tuple[str, ...] = ()
    resource_words: tuple[str, ...] = ()
    general_duty: str | None = None
    stopwords: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    categories: dict[str, Category]
    duties: dict[str, Duty]
    services: dict[str, Service]
    scenarios: dict[str, Scenario]
    controls: dict[str, Control]
    retired_controls: dict[str, tuple[str, ...]]
    language: Language
    version: str

    def counts(self) -> dict[str, int]:
        return {
            "categories": len(self.categories),
            "duties": len(self.duties),
            "services": len(self.services),
            "overrides": sum(len(s.overrides) for s in self.services.values()),
            "scenarios": len(self.scenarios),
            "controls": len(self.controls),
        }

    @cached_property
    def account_families(self) -> frozenset[str]:
        """Control ID families (lowercase) that fit an answer about any service: Account.* and account-scope
        services' own (IAM.*, CloudTrail.*, KMS.*…)."""
        return frozenset({ACCOUNT_FAMILY, *(s.id.replace("-", "") for s in self.services.values()
                                            if s.scope == "account")})

    @cached_property
    def setting_phrases(self) -> tuple[str, ...]:
        """Every stated-setting phrase of every variant, of service overrides and of duties alike."""
        variants = [v for s in self.services.values() for o in s.overrides.values() for v in o.variants]
        variants += [v for d in self.duties.values() for v in d.variants]
        return tuple(dict.fromkeys(w for v in variants for w in v.when))

    @cached_property
    def _evidence_index(self) -> dict[str, tuple[tuple[str | None, str], ...]]:
        index: dict[str, tuple[tuple[str | None, str], ...]] = {}
        for c in self.controls.values():
            services: tuple[str | None, ...] = c.services or (None,)
            index[c.id] = tuple((sid, duty) for duty in c.evidences for sid in services)
        return index

    def evidenced_by(self, control_id: str) -> tuple[tuple[str | None, str], ...]:
        """What a control checks, from its `evidences` declaration: (service id or None for any service,
        duty id) pairs, in the order declared. Empty for an unknown or retired control."""
        return self._evidence_index.get(control_id, ())

    def controls_for(self, duty_id: str) -> tuple[str, ...]:
        """Every known control that declares it evidences this duty (the reverse of `evidenced_by`)."""
        return tuple(c.id for c in self.controls.values() if duty_id in c.evidences)

    def service_by_name(self, name: str) -> Service | None:
        key = " ".join(name.lower().split())
        for service in self.services.values():
            if key in (service.id, service.name.lower()) or key in (a.lower() for a in service.aliases):
                return service
        return None
