"""Read `knowledge/*.yaml`, validate it, and build the frozen KnowledgeBase.

Every problem is reported as file + entry + reason, all at once, so a maintainer fixes a broken knowledge
base in one pass. Nothing here raises anything but KnowledgeError.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.knowledge import schema
from bot.knowledge.errors import KnowledgeError, Problem
from bot.knowledge.model import (
    Category,
    Control,
    Duty,
    KnowledgeBase,
    Language,
    Override,
    Provenance,
    Scenario,
    Service,
    Variant,
)
from bot.knowledge.paths import default_dir, knowledge_files

_Fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Fast):
    """YAML keeps the last of two equal keys without a word; in a knowledge file that silently drops the first
    block (a second `variants:` under one override), so a repeated key is an error with its line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


_MODELS: dict[str, type[schema.Strict]] = {
    "categories": schema.CategoryDoc,
    "duties": schema.DutyDoc,
    "services": schema.ServiceDoc,
    "scenarios": schema.ScenarioDoc,
    "controls": schema.ControlDoc,
    "retired_controls": schema.RetiredControlDoc,
    "language": schema.LanguageDoc,
}
_KINDS = {
    "categories": "category",
    "duties": "duty",
    "services": "service",
    "scenarios": "scenario",
    "controls": "control",
    "retired_controls": "retired control",
}


@dataclass
class _Doc:
    """One validated entry and where it came from."""

    file: str
    kind: str
    index: int
    model: Any

    @property
    def label(self) -> str:
        ident = getattr(self.model, "id", None)
        return f"{_KINDS[self.kind]} '{ident}'" if ident else f"{_KINDS[self.kind]} #{self.index + 1}"


def _entry_label(raw: Any, loc: tuple[Any, ...]) -> tuple[str | None, str]:
    """Turn a pydantic error location into ("service 'rds'", "overrides[1].duty")."""
    if not loc or loc[0] not in _KINDS or len(loc) < 2 or not isinstance(loc[1], int):
        return None, ".".join(str(p) for p in loc)
    kind, index, rest = loc[0], loc[1], loc[2:]
    ident = None
    with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
        ident = raw[kind][index].get("id")
    label = f"{_KINDS[kind]} '{ident}'" if ident else f"{_KINDS[kind]} #{index + 1}"
    path = ""
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return label, path


def _reason(err: dict[str, Any], path: str) -> str:
    field = path.rsplit(".", 1)[-1] if path else ""
    if err["type"] == "missing":
        return f"missing {'source' if field == 'sources' else field or 'value'}"
    if field == "sources" and err["type"] == "too_short":
        return "missing source: at least one AWS documentation URL is required"
    if err["type"] == "extra_forbidden":
        return f"unknown field '{field}'"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{path}: {msg}" if path else msg


def _read(path: Path, root: Path, problems: list[Problem], broken: dict[str, set[str]]) -> list[_Doc]:
    rel = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, None, f"YAML syntax error{where}: {getattr(exc, 'problem', exc)}"))
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, None, f"cannot read file: {exc}"))
        return []
    if raw is None:
        return []
    if not isinstance(raw, dict):
        problems.append(Problem(rel, None, "top level must be a mapping such as 'services:' or 'duties:'"))
        return []
    docs: list[_Doc] = []
    for key in raw:
        if key not in _MODELS:
            problems.append(Problem(rel, None, f"unknown top-level key '{key}' (expected one of: "
                                    f"{', '.join(_MODELS)})"))
    for kind, model in _MODELS.items():
        items = raw.get(kind)
        if items is None:
            continue
        if kind == "language":
            items = [items]
        elif not isinstance(items, list):
            problems.append(Problem(rel, None, f"'{kind}' must be a list"))
            continue
        for i, item in enumerate(items):
            try:
                docs.append(_Doc(rel, kind, i, model.model_validate(item)))
            except ValidationError as exc:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    broken.setdefault(kind, set()).add(item["id"])
                for err in exc.errors():
                    entry, path = _entry_label(raw, (kind, i, *err["loc"]))
                    problems.append(Problem(rel, entry, _reason(err, path)))
    return docs


def _variant(v: schema.VariantDoc) -> Variant:
    return Variant(tuple(v.when), v.owner, v.aws_does, v.customer_does, tuple(v.sources), v.evidence)


def _provenance(m: schema.Sourced) -> Provenance:
    return Provenance(tuple(m.sources), m.reviewed, m.review_days, m.evidence)


def _norm(alias: str) -> str:
    return " ".join(alias.lower().split())


class _Checker:
    """Cross-file checks: duplicates, dangling references, aliases, controls."""

    def __init__(self, docs: list[_Doc], problems: list[Problem], broken: dict[str, set[str]]):
        self.problems = problems
        self.broken = broken  # ids of entries that already failed the schema: no cascade of errors
        self.by_kind: dict[str, list[_Doc]] = {k: [] for k in (*_KINDS, "language")}
        for doc in docs:
            self.by_kind[doc.kind].append(doc)
        self.ids: dict[str, dict[str, _Doc]] = {}
        for kind in _KINDS:
            self.ids[kind] = {}
            for doc in self.by_kind[kind]:
                if doc.model.id in self.ids[kind]:
                    first = self.ids[kind][doc.model.id]
                    self.add(doc, f"duplicate {_KINDS[kind]} id (first defined in {first.file})")
                else:
                    self.ids[kind][doc.model.id] = doc
        self.retired = {d.model.id: d.model for d in self.by_kind["retired_controls"]}

    def add(self, doc: _Doc, reason: str) -> None:
        self.problems.append(Problem(doc.file, doc.label, reason))

    def controls(self, doc: _Doc, ids: Iterable[str], where: str, duties: tuple[str, ...] = (),
                 service: str | None = None) -> None:
        """Each control exists, is not retired, evidences one of `duties` (when given) and, when it names the
        services it checks, is recommended only from one of them."""
        for cid in ids:
            if cid in self.retired:
                use = ", ".join(self.retired[cid].replaced_by) or "no direct replacement"
                self.add(doc, f"{where}: cites retired control {cid} (use instead: {use})")
            elif cid not in self.ids["controls"]:
                if cid not in self.broken.get("controls", ()):
                    self.add(doc, f"{where}: unknown control {cid}")
            else:
                c = self.ids["controls"][cid].model
                known = [d for d in duties if d in self.ids["duties"]]  # an unknown duty is reported already
                if known and not set(known) & set(c.evidences):
                    what = " or ".join(f"'{d}'" for d in known)
                    self.add(doc, f"{where}: control {cid} does not evidence duty {what} (it evidences: "
                             f"{', '.join(c.evidences)})")
                if service is not None and c.services and service not in c.services:
                    self.add(doc, f"{where}: control {cid} checks {', '.join(c.services)}, not '{service}'")

    def ref(self, doc: _Doc, kind: str, ident: str | None, where: str) -> None:
        if ident is not None and ident not in self.ids[kind] and ident not in self.broken.get(kind, ()):
            self.add(doc, f"{where}: unknown {_KINDS[kind]} '{ident}'")

    def run(self) -> None:
        if not self.by_kind["categories"] and not self.problems:
            self.problems.append(Problem("knowledge", None, "no categories defined"))
        for doc in self.by_kind["categories"]:
            for sid in doc.model.examples:
                self.ref(doc, "services", sid, "examples")
        for doc in self.by_kind["controls"]:
            for duty in doc.model.evidences:
                self.ref(doc, "duties", duty, "evidences")
            for sid in doc.model.services:
                self.ref(doc, "services", sid, "services")
        for doc in self.by_kind["duties"]:
            d = doc.model
            self.controls(doc, d.controls, "controls", (d.id,))
            for narrower in d.narrows_to:
                self.ref(doc, "duties", narrower, "narrows_to")
            owners = {d.owner, *d.by_category.model_dump().values()}
            if owners & {"customer", "shared"} and not d.controls and not d.controls_exempt:
                self.add(doc, "controls: a duty with a customer side must recommend at least one control "
                         "(or say in controls_exempt why no Security Hub control checks it)")
            if d.controls and d.controls_exempt:
                self.add(doc, "controls_exempt: the duty recommends controls, so it is not exempt")
        claimed: dict[str, str] = {}
        weak: dict[str, str] = {}
        for doc in self.by_kind["services"]:
            s = doc.model
            self.ref(doc, "duties", s.primary_duty, "primary_duty")
            self.controls(doc, s.controls, "controls", service=s.id)
            seen: set[str] = set()
            for i, o in enumerate(s.overrides):
                self.ref(doc, "duties", o.duty, f"overrides[{i}].duty")
                self.controls(doc, o.controls, f"overrides[{i}].controls", (o.duty,), s.id)
                if o.duty in seen:
                    self.add(doc, f"overrides[{i}]: duty '{o.duty}' overridden twice")
                seen.add(o.duty)
            for alias in {_norm(a) for a in (*s.aliases, s.id, s.name)}:
                if claimed.setdefault(alias, s.id) != s.id:
                    self.add(doc, f"alias '{alias}' is also claimed by service '{claimed[alias]}'")
            for alias in {_norm(a) for a in s.weak_aliases}:
                if weak.setdefault(alias, s.id) != s.id:
                    self.add(doc, f"weak alias '{alias}' is also claimed by service '{weak[alias]}'")
        for alias, sid in weak.items():
            if alias in claimed and claimed[alias] != sid:
                doc = self.ids["services"][sid]
                self.add(doc, f"weak alias '{alias}' is an alias of service '{claimed[alias]}'")
        for doc in self.by_kind["scenarios"]:
            sc = doc.model
            self.ref(doc, "duties", sc.duty, "duty")
            for sid in sc.services:
                self.ref(doc, "services", sid, "services")
            for duty in sc.prevent_duties:
                self.ref(doc, "duties", duty, "prevent_duties")
            self.controls(doc, sc.prevent, "prevent", (sc.duty, *sc.prevent_duties))
        for doc in self.by_kind["language"]:
            self.ref(doc, "duties", doc.model.general_duty, "general_duty")
        if len(self.by_kind["language"]) > 1:
            self.add(self.by_kind["language"][1], "language is defined in more than one file")


def _build(docs: list[_Doc], version: str) -> KnowledgeBase:
    by_kind: dict[str, list[Any]] = {k: [] for k in (*_KINDS, "language")}
    for doc in docs:
        by_kind[doc.kind].append(doc.model)
    lang = by_kind["language"][0] if by_kind["language"] else schema.LanguageDoc()
    return KnowledgeBase(
        categories={
            c.id: Category(c.id, c.name, c.definition, tuple(c.examples), c.aws_does, c.customer_does,
                           _provenance(c), tuple(c.aliases))
            for c in by_kind["categories"]
        },
        duties={
            d.id: Duty(d.id, d.title, tuple(d.phrases), d.owner, d.by_category.model_dump(), d.aws_does,
                       d.customer_does, tuple(d.controls), _provenance(d), tuple(d.narrows_to),
                       d.controls_exempt, tuple(_variant(v) for v in d.variants), d.frame)
            for d in by_kind["duties"]
        },
        services={
            s.id: Service(
                s.id, s.name, tuple(s.aliases), tuple(s.weak_aliases), s.category, s.aws_does,
                s.customer_does, s.primary_duty, tuple(s.controls),
                {o.duty: Override(o.duty, o.owner, o.aws_does, o.customer_does, tuple(o.controls),
                                  _provenance(o), tuple(_variant(v) for v in o.variants))
                 for o in s.overrides},
                _provenance(s), s.scope,
            )
            for s in by_kind["services"]
        },
        scenarios={
            sc.id: Scenario(sc.id, sc.title, tuple(sc.phrases), tuple(sc.services), sc.duty, sc.owner,
                            sc.aws_does, sc.customer_does, tuple(sc.now), tuple(sc.prevent), _provenance(sc),
                            tuple(sc.prevent_duties))
            for sc in by_kind["scenarios"]
        },
        controls={c.id: Control(c.id, c.title, c.service, tuple(c.cis), tuple(c.evidences), tuple(c.services))
                  for c in by_kind["controls"]},
        retired_controls={r.id: tuple(r.replaced_by) for r in by_kind["retired_controls"]},
        language=Language(
            synonyms={k: tuple(v) for k, v in lang.synonyms.items()},
            translations={k: tuple(v) for k, v in lang.translations.items()},
            other_clouds=tuple(lang.other_clouds),
            outside_aws=tuple(lang.outside_aws),
            other_parties=tuple(lang.other_parties),
            billing_phrases=tuple(lang.billing_phrases),
            privacy_law_phrases=tuple(lang.privacy_law_phrases),
            howto_phrases=tuple(lang.howto_phrases),
            request_phrases=tuple(lang.request_phrases),
            ownership_phrases=tuple(lang.ownership_phrases),
            security_words=tuple(lang.security_words),
            action_words=tuple(lang.action_words),
            incident_words=tuple(lang.incident_words),
            stopwords=tuple(lang.stopwords),
            resource_words=tuple(lang.resource_words),
            general_duty=lang.general_duty,
        ),
        version=version,
    )


def load(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem."""
    root = Path(directory) if directory is not None else default_dir()
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), None, "knowledge directory not found")])
    files = knowledge_files(root)
    if not files:
        raise KnowledgeError([Problem(str(root), None, "no .yaml files in the knowledge directory")])
    problems: list[Problem] = []
    digest = hashlib.sha256()
    docs: list[_Doc] = []
    broken: dict[str, set[str]] = {}
    for path in files:
        digest.update(path.read_bytes() if path.is_file() else b"")
        docs.extend(_read(path, root, problems, broken))
    _Checker(docs, problems, broken).run()
    if problems:
        raise KnowledgeError(problems)
    return _build(docs, digest.hexdigest()[:12])
