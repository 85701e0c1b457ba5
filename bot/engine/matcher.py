"""Find what a question is about: services, a duty or an incident scenario, and how sure we are.

The index is built once per knowledge base; `Matcher.match` is a pure function of the question.
Approach: clean Slack markup → words → typo correction against the knowledge vocabulary (rapidfuzz) →
synonym folding → service aliases (longest first; weak aliases only when no other service is named) and
category names → stemmed content words scored against every duty and scenario phrase, each word
weighted by how rare it is across phrases (so "host" outweighs "patch").

A whole phrase always counts; part of one only under the rules of `_partial_ok`. An incident-shaped
question favours scenarios. When no duty is named, `_decide` reads the question as "who secures X?",
a service's main duty ("enable guardduty"), or an account-wide tool applied to a workload.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from bot.engine.text import (
    MAX_QUESTION_CHARS,
    SynonymFolder,
    clauses,
    clean_slack,
    control_type_subject,
    exam_options,
    exam_stem,
    expand_findings,
    is_english,
    linked_cloud,
    offered_owners,
    reports_noncompliance,
    says_no_action,
    stated_claims,
    statement_stem,
    stem,
    unread_share,
    words,
)
from bot.knowledge.model import KnowledgeBase

ACCEPT = 0.5  # minimum confidence to claim an owner
TITLE_WORDS = 5  # a control title this long is a pasted finding, not everyday words
SPLIT_EXTRA = 2  # words besides security ones a "who secures X?" question may leave unread
_CONTROL_ID = re.compile(r"(?<![\w.])([A-Za-z][A-Za-z0-9]*)\.(\d{1,3})(?![\w.])")  # EC2.8, s3.1, RDS.13
_CAPITALISED = re.compile(r"(?<!:)\b[A-Z][A-Za-z]{2,}\b")  # not a condition key's name ("s3:TlsVersion")
_POSSESSIVE = re.compile(r"\b([A-Za-z]+)'s\b")
_HUMP = re.compile(r"[a-z][A-Z]")  # a lower-case letter then a capital: one hump of camelCase
_HOSTED_ON = re.compile(r"\b(?:on|at|with|via)\s+([A-Z][A-Za-z0-9]{2,})\b")
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*\b|\b[A-Z][a-z]{2,}\b")
INCIDENT_BOOST = 1.6  # scenario scores when the question reads like an incident report
# account-wide services that are a workload's own subject more often than its reporter ("our S3 bucket's KMS key")
REPORTER_EXCEPTIONS = frozenset({"iam", "kms"})
PLATFORM_WORDS = frozenset({"on", "in", "using", "atop"})  # not "via": "created via CloudFormation" is a tool
# "if we move to RDS", "switching over to Fargate", "migrate it onto MSK": the service the question is about is
# the one it would run on, not the one it runs on today (whose stated settings describe the past).
# Not "port": "port 5432 to rds" opens a port.
MOVE_VERBS = frozenset({"move", "moved", "moving", "moves", "migrate", "migrated", "migrating", "migrates",
                        "switch", "switched", "switching", "transition", "transitioning", "porting"})
# "moving off Azure", "migrating from GCP": where a move starts
ORIGIN = MOVE_VERBS | {"off", "leaving", "exiting"}
LEAVING = MOVE_VERBS | {"coming", "come", "came"}  # "coming from X on EC2": where the team comes from
LEFT_REACH = 6  # words between that "from" and the platform's "on"
QUESTION_WORDS = frozenset({"how", "much", "many", "long", "often", "what", "where", "when", "why", "which"})
SERVICE_ASKED = frozenset({"does", "will", "did", "doesn", "won"})  # "does ACM …": is it the service's job
MOVE_REACH = 4  # words between the verb and "to" ("move the whole thing over to")
BACK_REFERENCES = frozenset({"it", "that", "this", "them", "those"})
MODAL = frozenset({"would", "could", "will", "does", "did", "can", "do", "should"})
PART_WORDS = frozenset({"agent"})  # software of a service's that runs on our own machines
AUXILIARY_INGS = frozenset({"going", "doing", "being", "getting", "having", "trying", "saying"})  # never a name
DETERMINERS = BACK_REFERENCES | {"the", "a", "an", "its", "our", "their", "your", "to"}  # after a verb, not a name
DISTINCTIVE = 5.0  # word weight of a word found in the phrases of at most two duties or scenarios
PARTIAL_SCENARIO = 1.0  # part of an incident's phrase, in a question that reports no incident
SERVICE_FIT = 1.5  # a scenario about the service named in the question gains this much
OTHER_SERVICE = 3.0  # a scenario about other services than the ones named loses this much
# "not", "no", "never", "without", "wasn't"… all read as one content word, so "certificate not renewed"
# is not matched by "the certificate was renewed" (and negations never vanish as stopwords).
NEG = "~not"
NEGATORS = frozenset({"not", "no", "never", "without", "nothing", "none", "nor", "neither", "cannot", "isn",
                      "wasn", "didn", "doesn", "don", "aren", "weren", "hasn", "haven", "hadn", "wouldn",
                      "shouldn", "couldn", "non", "unable"})
# "we don't pay for Shield Advanced", "we aren't using a customer managed key": words a negation may stand
# before a stated setting with and still deny it
NEGATED_VIA = frozenset({"pay", "paying", "use", "using", "have", "run", "running", "enable", "enabled", "need",
                         "want", "got", "for", "any", "the", "an", "on", "with", "our", "it", "add", "added", "set",
                         "configure", "configured", "turn", "turned", "switch", "switched", "ever", "yet", "old",
                         "previous", "former"})
NEGATION_REACH = 4
# "imported key material instead of AWS-generated", "instead of GuardDuty's automated agent": the setting after
# these (one word may stand between) is the one *not* in use
REPLACED = frozenset({("instead", "of"), ("rather", "than"), ("opposed", "to"),
                      # "switched from on-demand to provisioned": the setting left behind
                      ("switched", "from"), ("changed", "from"), ("moved", "from"), ("migrated", "from"),
                      ("converted", "from")})
# "moving SQS queues from SSE-SQS to SSE-KMS": a setting right after "from", a few words after one of these, is
# the one left behind too
MOVING = frozenset({"move", "moving", "moved", "migrate", "migrating", "migrated", "switch", "switching", "switched",
                    "change", "changing", "changed", "convert", "converting", "converted", "going", "went",
                    "flip", "flipped", "flipping"})
MOVING_REACH = 6
LIKING = frozenset({"i", "d", "would", "we", "you", "they", "really", "don't", "dont", "also", "just"})
# "managed platform updates should be enabled" (a finding's title): a recommendation, so not the setting in use
RECOMMENDING = frozenset({"should", "must"})


TRAFFIC = frozenset({"traffic", "addresses", "ips", "ranges", "requests", "bots", "crawlers", "scanners"})
# "this is an IOM that CrowdStrike flags", "remote ISP Akamai", "flagged by Wiz": the vendor reports or carries
# what happened to the AWS resource; it is not the subject
REPORTS = frozenset({"flags", "flagged", "flag", "reports", "reported", "found", "finds", "detected", "detects",
                     "alerts", "alerted", "raise", "raised", "raises"})
REPORTED_BY = frozenset({"isp", "asn"})
# "our ALB behind Cloudflare", "bypassing Cloudflare WAF": the vendor is in front of the AWS resource asked about
FRONTED = frozenset({"behind", "bypassing", "bypass", "bypasses", "bypassed"})
COMPARING = frozenset({"unlike", "like", "than", "vs", "versus", "compared", "similar", "whereas"})
# "the auth token for the Crowdstrike API", "our Stripe webhook secret": a vendor's API that the AWS workload calls
CALLED = frozenset({"api", "apis", "webhook", "webhooks"})


def _compared(said: list[str], phrase: str) -> bool:
    """The other cloud is named only to compare ("unlike GKE", "compared to Azure", "vs gcp"), as where a
    move starts ("moving off Azure", "migrating from GCP", "moving the whole vSphere estate to EVS"), as where
    traffic comes from ("bot traffic from Google Cloud addresses"), or as who reported it ("CrowdStrike flags")."""
    size = len(phrase.split())
    return any(" ".join(said[i:i + size]) == phrase and _aside(said[:i], said[i + size:])
               for i in range(len(said)))


def _aside(before: list[str], after: list[str]) -> bool:
    """What stands around a vendor's name makes it an aside to a question about AWS."""
    near, next_two = before[-2:], after[:2]
    return bool(COMPARING.intersection(near)  # "unlike GKE"
                or ORIGIN.intersection(before[-(MOVE_REACH - 1):])  # "migrating from GCP"
                or ("from" in before[-6:] and TRAFFIC.intersection(next_two))  # "traffic from … Google Cloud addresses"
                or REPORTS.intersection(next_two) or REPORTED_BY.intersection(near)  # "CrowdStrike flags", "ISP Akamai"
                or near in (["flagged", "by"], ["reported", "by"], ["detected", "by"])
                or FRONTED.intersection(near)  # "behind Cloudflare"
                or _listed_with_aws(before[-3:]))  # "AWS, GCP and Azure each…"


def _called(said: list[str], phrase: str) -> bool:
    """The vendor is named as an API the AWS workload calls ("the auth token for the Crowdstrike API")."""
    size = len(phrase.split())
    return any(" ".join(said[i:i + size]) == phrase and CALLED.intersection(said[i + size:i + size + 2])
               for i in range(len(said)))


def _ranked(c: Candidate) -> tuple[float, float, str]:
    """Best first: score, then how much of the phrase was found, then a stable tie-break."""
    return -c.score, -c.coverage, c.target


def _listed_with_aws(before: list[str]) -> bool:
    """'AWS, GCP, and Azure each hold SOC 2 reports': another cloud listed beside AWS, not instead of it."""
    return bool(AWS_NAMES.intersection(before)) and "or" not in before and "to" not in before


def _not_in_use(tokens: list[str], i: int) -> bool:
    """The service named at i is said not to be in use: "(SSM access NOT enabled on the variant)". Not "no WAF
    logs" or "CloudTrail disabled": what is missing or switched off is often the very subject."""
    after = tokens[i + 1:i + 5]  # folded: "enabled", "activated" read "enable"
    # "would not activate" is a failure, not a setting
    return any(w == "not" and after[k + 1] == "enable" and after[k - 1] not in MODAL
               for k, w in enumerate(after[:-1]) if k)


def _compared_with(tokens: list[str], i: int) -> bool:
    """The service named at i is only a comparison: "isn't that encrypted by default like SQS now?", "unlike
    EKS". Not "I'd like S3 to …", where "like" is the verb."""
    return i > 0 and tokens[i - 1] in ("like", "unlike") and (i < 2 or tokens[i - 2] not in LIKING)


def _uncompared(tokens: list[str]) -> list[str]:
    """'aws like normal rds or us' → 'aws or us': a comparison inside a list of owners names no task."""
    out, skipping = [], False
    for t in tokens:
        if t in COMPARING:
            skipping = True
        elif t == "or":
            skipping = False
        if not skipping:
            out.append(t)
    return out


def _in_order(stems: list[str], seq: tuple[str, ...], reach: int) -> bool:
    """These (distinct) words in this order, within `reach` words of the first."""
    for first in (i for i, s in enumerate(stems) if s == seq[0]):
        pos: int | None = first
        for w in seq[1:]:
            pos = next((j for j in range(pos + 1, min(len(stems), first + reach)) if stems[j] == w), None)
            if pos is None:
                break
        if pos is not None:
            return True
    return False


def _after_from(tokens: list[str], at: int, verbs: frozenset[str], span: int, verb_reach: int,
                starts: tuple[str, ...] = ("from",)) -> bool:
    """A 'from' (or another start word) within `span` words before `at`, with one of `verbs` within `verb_reach`
    words before it: where a move or a team starts."""
    for j in range(max(0, at - span), at):
        if tokens[j] in starts and verbs.intersection(tokens[max(0, j - verb_reach):j]):
            return True
    return False


def _left(tokens: list[str], i: int) -> bool:
    """'coming from self-managed Cassandra on EC2', 'moving from Postgres on EC2': the platform named is the one
    being left, not the one asked about."""
    return _after_from(tokens, i, LEAVING, LEFT_REACH, 2)


def _moved_from(tokens: tuple[str, ...], start: int) -> bool:
    """'moving SQS queues from SSE-SQS to SSE-KMS': the setting just after 'from' is the one being left."""
    return start > 0 and tokens[start - 1] == "from" and bool(
        MOVING.intersection(tokens[max(0, start - 1 - MOVING_REACH):start - 1]))


def _negated_before(tokens: tuple[str, ...] | list[str], start: int) -> bool:
    for i in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        if tokens[i] in NEGATORS:
            return True
        if tokens[i] not in NEGATED_VIA:
            return False
    return False


ASIDE_NEGATORS = frozenset({"not", "no", "non", "without"})  # "isn't it managed?" is a question, not an aside
NEGATED_ASIDE = 8  # a clause this short that starts with a negation only says what is not meant
OWN_WORDS = 0.15  # score per (service-rare) word a service's own entry for the duty shares with the question
# words that name who owns something, not the task: an asking clause made only of them has no task words
OWNER_VOCABULARY = ("aws amazon customer customers shared inherited specific customer-specific us we our ours "
                    "them their both neither party entity control controls type category responsibility "
                    "responsible model which option options job task")
AWS_NAMES = frozenset({"aws", "amazon"})  # the words that name AWS itself
AWS_WORDS = AWS_NAMES | {"cloud"}
US = frozenset({"us", "we", "ours", "our"})
PARTY_REACH = 2  # words between "or" and a party offered as the owner ("microsoft fixes or us")
OWNED_REACH = 4  # … when it is named as an owner ("GitHub's responsibility to revoke or ours")
NEAR_TWIN = 90  # a real English word this close to one of ours is still a typo of it ("polices" → "policies")
LONG_MESSAGE = 8  # task words beyond which a message is "long"
LONG_CAP = 0.85
UNREAD_SHARE = 0.3  # a message with more than this share of its letters in scripts srm cannot read …
UNREAD_CAP = 0.75  # … is answered at most this sure
FOREIGN_SHARE = 0.5  # likewise a message with more than this share of its words unknown (Spanish, German, mash)
STATEMENT_CAP = 0.85  # "which statement is true about X? A) …": X's answer, not a check of each option
NEAR_SLACK = 3  # a phrase's words may spread over this many extra words before it counts less
FOCUS_FLOOR = 0.5  # a reading whose words all lie outside the asking clause keeps this share of its score
FRAME_SHARE = 0.5  # a whole task reading at least this share of an evidence frame's score is the question's task
UNEXPLAINED_MIN = 3.0  # task words at least this rare, left out by the reading, lower the confidence


@dataclass(frozen=True)
class Phrase:
    target: str  # "duty:<id>" or "scenario:<id>"
    text: str
    stems: frozenset[str]
    whole_only: bool = False  # titles ("Instance management and access") count only when matched whole


@dataclass(frozen=True)
class Layout:
    """Where each content word of the question stands, and which positions belong to the asking clause."""

    positions: dict[str, tuple[int, ...]]
    focus: frozenset[int] | None = None  # None: one clause, or no clause asks

    def span(self, stems: frozenset[str]) -> int:
        """The fewest consecutive words that hold every one of these stems."""
        return self.window(stems)[0]

    def window(self, stems: frozenset[str]) -> tuple[int, int]:
        """The shortest run of words holding every one of these stems: its length and where it starts."""
        marks = sorted((p, s) for s in stems for p in self.positions.get(s, ()))
        if not marks:
            return 0, 0
        need, have, left = len(stems), defaultdict(int), 0
        best = (marks[-1][0] - marks[0][0] + 1, marks[0][0])
        for pos, stem_ in marks:
            have[stem_] += 1
            while len(have) == need:
                best = min(best, (pos - marks[left][0] + 1, marks[left][0]))
                have[marks[left][1]] -= 1
                if not have[marks[left][1]]:
                    del have[marks[left][1]]
                left += 1
        return best

    def in_focus(self, stem_: str) -> bool:
        return self.focus is None or any(p in self.focus for p in self.positions.get(stem_, ()))


@dataclass(frozen=True)
class Candidate:
    target: str
    phrase: str
    score: float  # matched weight × coverage³ × placement: what ranks candidates
    coverage: float  # share of the phrase's weight found in the question
    matched: float = 0.0  # weight of the phrase's words found in the question
    size: int = 0  # how many words the phrase has
    stems: frozenset[str] = frozenset()  # the phrase's words found in the question

    @property
    def kind(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def id(self) -> str:
        return self.target.split(":", 1)[1]


@dataclass(frozen=True)
class Match:
    text: str  # the cleaned question
    services: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    content: frozenset[str] = frozenset()  # stemmed content words of the question
    rest: frozenset[str] = frozenset()  # content stems that are not part of a service name
    corrections: tuple[tuple[str, str], ...] = ()
    other_cloud: str | None = None
    confidence: float = 0.0
    tokens: tuple[str, ...] = ()  # the question's words after typo fixes and synonym folding
    asks_owner: bool = False  # "who", "whose job", "aws or us", "responsible"...
    anchored: bool = False  # names an AWS service or category, or reads like an incident report
    named: bool = False  # names an AWS service by one of its own names (not only a technology: "kubernetes")
    incident: bool = False  # reads like an incident report ("was public", "got hacked")
    howto: bool = False  # "how do i", "pricing"...
    request: bool = False  # "create a", "in terraform": a how-to unless a whole task is read on a named service
    billing: bool = False  # "savings plans", "free tier": a question about money even when it asks "us or AWS"
    privacy_law: bool = False  # "article 17", "the data controller": a data-protection law's own terms
    about_service_only: bool = False  # "who secures EKS?" (or, with no service, a whole category)
    category: str | None = None  # "infrastructure services", when named
    unknown_service: str | None = None  # "amazon kendra" when no such service is known
    controls: tuple[str, ...] = ()  # Security Hub control IDs named ("EC2.8"), as the knowledge base spells them
    retired_controls: tuple[str, ...] = ()  # … that Security Hub has retired ("S3.4")
    unknown_controls: tuple[str, ...] = ()  # … of a known family but not known ("EC2.999")
    moved_to: tuple[str, int] | None = None  # "if we move to RDS": that service, and where it is named
    exam: tuple[str | None, tuple[str, ...]] = (None, ())  # "which is the customer's job? A) … B) …"
    offered: frozenset[str] = frozenset()  # the owners an exam's party options offer ("A) AWS B) Your team")
    noncompliant: bool = False  # an AWS Config or audit result pasted in: "`lambda-dlq-check` NON_COMPLIANT"
    no_action: bool = False  # a notice quoted as asking nothing of customers: "manualRemediation: None required"
    claims: tuple[tuple[str, str], ...] = ()  # "which statement is true? A. AWS manages …": each option's owner
    unknown_product: str | None = None  # "CockroachDB", "Proxmox": a product name the KB does not know
    unexplained: frozenset[str] = frozenset()  # task words the KB knows that the best reading leaves out
    asking: str = ""  # the clause that asks, when the message has several (its words weigh most)
    why: str = ""  # how the confidence was reached, for --explain

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class _AliasTable:
    strong: dict[tuple[str, ...], str] = field(default_factory=dict)
    weak: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Words that name the service itself; the other words of an alias ("nodes" in "eks nodes") still
    # describe the task and stay available to duty matching.
    name_words: dict[str, frozenset[str]] = field(default_factory=dict)
    categories: dict[tuple[str, ...], str] = field(default_factory=dict)
    longest: int = 1


class Matcher:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        lang = kb.language
        self.folder = SynonymFolder({k: (*lang.synonyms.get(k, ()), *lang.translations.get(k, ()))
                                     for k in (*lang.synonyms, *lang.translations)})
        self.stopwords = frozenset(words(" ".join(lang.stopwords)))
        self.security = frozenset(stem(w) for w in words(" ".join(lang.security_words)))
        self.resources = frozenset(stem(w) for w in self.folder.fold(words(" ".join(lang.resource_words))))
        self.actions = frozenset(stem(w) for w in words(" ".join(lang.action_words)))
        self.incident = frozenset(self.folder.fold(words(" ".join(lang.incident_words))))
        self.owner_words = frozenset(stem(w) for w in self.folder.fold(words(OWNER_VOCABULARY)))
        self.model_words = frozenset(stem(w) for w in self.folder.fold(words("aws shared responsibility model")))
        self.other_clouds = [tuple(words(c)) for c in lang.other_clouds]
        self.outside_aws = [tuple(words(c)) for c in lang.outside_aws]
        self.other_parties = frozenset(lang.other_parties)
        self.howto = [tuple(words(c)) for c in lang.howto_phrases]
        self.requests = [tuple(words(c)) for c in lang.request_phrases]
        self.billing = [tuple(words(c)) for c in lang.billing_phrases]
        self.privacy_law = [tuple(words(c)) for c in lang.privacy_law_phrases]
        self.ownership = [tuple(words(c)) for c in lang.ownership_phrases]
        self.aliases = self._alias_table()
        self.frames = frozenset(f"duty:{d.id}" for d in kb.duties.values() if d.frame)  # "for their SOC report"
        self.reporters = frozenset(s.id for s in kb.services.values() if s.account_wide) - REPORTER_EXCEPTIONS
        self.service_text = {s.id: self._service_text(s) for s in kb.services.values()}
        self.phrases = self._phrases()
        self.by_stem: dict[str, list[int]] = defaultdict(list)  # stem → indexes into self.phrases
        for i, p in enumerate(self.phrases):
            for s in p.stems:
                self.by_stem[s].append(i)
        targets_per_stem = {s: len({self.phrases[i].target for i in ix}) for s, ix in self.by_stem.items()}
        n = len({p.target for p in self.phrases}) or 1
        self.weight = {s: 1.0 + math.log(n / df) for s, df in targets_per_stem.items()}
        self.total = [sum(self.weight[t] for t in p.stems) for p in self.phrases]
        self.target_stems: dict[str, frozenset[str]] = defaultdict(frozenset)  # every word of a target's phrases
        for p in self.phrases:
            self.target_stems[p.target] |= p.stems
        self.vocabulary, self.known, self.kb_words = self._vocabulary()
        self.own_words = self._own_words()
        self.control_ids = {c.lower(): c for c in (*kb.controls, *kb.retired_controls)}
        # a service's one-word names ("outposts", "lambda"): a setting naming one is said in its own order
        self.product_words = frozenset(a for sv in kb.services.values() for a in sv.aliases
                                       if " " not in a and len(a) > 3)
        self.held_families = frozenset(c.split(".")[0].lower() for c in self.control_ids)
        # a finding pasted without its ID still carries the control's title, word for word
        self.control_titles = {" ".join(words(c.title)): c.id for c in kb.controls.values()
                               if len(words(c.title)) >= TITLE_WORDS}
        # "[ElasticBeanstalk.2]": a family we hold no control of, named like a service we know, is a control still
        self.control_families = self.held_families | {
            joined for s in kb.services.values() for a in s.aliases
            if (joined := a.replace(" ", "")).isalpha() and len(joined) > 3}
        # the words of every variant's phrases ("managed updates turned off"), read once, for says()
        self._said = {w: self._setting(w) for w in kb.setting_phrases}

    # ---- index construction -------------------------------------------------------------------
    def _tokens(self, text: str) -> list[str]:
        return self.folder.fold(words(text))

    def _content(self, tokens: list[str]) -> frozenset[str]:
        negated = frozenset({NEG}) if NEGATORS.intersection(tokens) else frozenset()
        return frozenset(stem(t) for t in tokens if t not in self.stopwords and t not in NEGATORS) | negated

    def _layout(self, tokens: list[str], clause_of: list[int], ask: int | None) -> Layout:
        positions: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(tokens):
            if t in NEGATORS:
                positions[NEG].append(i)
            elif t not in self.stopwords:
                positions[stem(t)].append(i)
        several = len(set(clause_of)) > 1
        if not several or ask is None:
            return Layout({k: tuple(v) for k, v in positions.items()})
        focus = frozenset(i for i, c in enumerate(clause_of) if c == ask)
        return Layout({k: tuple(v) for k, v in positions.items()}, focus or None)

    def _alias_table(self) -> _AliasTable:
        table = _AliasTable()
        for service in self.kb.services.values():
            for alias in (*service.aliases, service.name):  # not the id: "config", "batch" are words
                table.strong.setdefault(tuple(self._tokens(alias)), service.id)
            for alias in service.weak_aliases:
                table.weak.setdefault(tuple(self._tokens(alias)), service.id)
            single = [a for a in service.aliases if len(self._tokens(a)) == 1]
            # "hsm cluster", "ses account": the word before a resource word names the service too
            single += [w[0] for w in map(self._tokens, service.aliases)
                       if len(w) == 2 and stem(w[1]) in self.resources]
            table.name_words[service.id] = frozenset(
                stem(t) for text in (service.name, service.id.replace("-", " "), *single) for t in self._tokens(text))
        for category in self.kb.categories.values():
            for alias in category.aliases:
                table.categories.setdefault(tuple(self._tokens(alias)), category.id)
        table.strong.pop((), None)
        table.weak.pop((), None)
        table.longest = max(len(k) for k in (*table.strong, *table.weak, *table.categories, ("",)))
        return table

    def _service_text(self, service) -> str:
        """Every word a service's entry says (names, what each side does, stated settings), for "is this
        other product part of the service's own story?"."""
        texts = [*service.aliases, service.name, service.aws_does, service.customer_does]
        for o in service.overrides.values():
            texts += [o.aws_does, o.customer_does, *(w for v in o.variants for w in v.when)]
        return f" {' '.join(' '.join(self._tokens(t)) for t in texts)} "

    def _phrases(self) -> list[Phrase]:
        out = []
        for target, phrases, title in [
            *((f"duty:{d.id}", d.phrases, d.title) for d in self.kb.duties.values()),
            *((f"scenario:{sc.id}", sc.phrases, sc.title) for sc in self.kb.scenarios.values()),
        ]:
            out += [Phrase(target, text, self._content(self._tokens(text))) for text in phrases]
            out.append(Phrase(target, title, self._content(self._tokens(title)), whole_only=True))
        return [p for p in out if p.stems]

    def _own_words(self) -> dict[str, dict[str, dict[str, float]]]:
        """Per service, per duty it overrides: the words its own entry uses ("layers", "deployment package"),
        weighted by how few of that service's entries use them. A question about a service is also read
        against what that service's docs say, not only against the general duty phrases."""
        generic = self.security | self.resources | self.actions
        out: dict[str, dict[str, dict[str, float]]] = {}
        for service in self.kb.services.values():
            names = self.aliases.name_words[service.id]
            bags = {}
            for duty, o in service.overrides.items():
                texts = [o.aws_does, o.customer_does, *(w for v in o.variants for w in v.when)]
                bags[duty] = self._content(self._tokens(" ".join(texts))) - names - generic - {NEG}
            df: dict[str, int] = defaultdict(int)
            for bag in bags.values():
                for t in bag:
                    df[t] += 1
            n = len(bags) or 1
            out[service.id] = {d: {t: math.log(1 + n / df[t]) for t in bag} for d, bag in bags.items()}
        return out

    def _vocabulary(self) -> tuple[list[str], frozenset[str], frozenset[str]]:
        """Words typos are corrected to (phrases, aliases, synonyms), every word the KB knows, and the KB's own
        words: its phrases, service names and stated settings, without the language lists (which hold Spanish or
        German words)."""
        kb = self.kb
        lang = kb.language

        def words_of(texts) -> frozenset[str]:
            return frozenset(w for t in texts for w in words(t))

        named = words_of((*(p.text for p in self.phrases),
                          *(a for s in kb.services.values() for a in (*s.aliases, *s.weak_aliases, s.name))))
        corrected_to = named | words_of((*(v for vs in lang.synonyms.values() for v in vs), *lang.security_words,
                                         *lang.action_words))
        # a synonym's folded form ("incloud", "maintwindow") is ours, never what someone typed: no typo fixes to
        # it, unless a title uses it as a word ("hypervisor", which folds "xen")
        titled = words_of((*(d.title for d in kb.duties.values()), *(s.title for s in kb.scenarios.values())))
        folded = {k for k in lang.synonyms if k.isalpha() and not is_english(k) and k not in titled}
        vocab = sorted({w for w in corrected_to if len(w) >= 4 and w.isalpha()} - folded)
        own = named | words_of(kb.setting_phrases)  # a stated setting's own words ("fleetiq", "sse-c") are never typos
        said_by_kb = (t for e in (*kb.duties.values(), *kb.services.values()) for t in (e.aws_does, e.customer_does))
        known = corrected_to | own | words_of((*lang.synonyms, *lang.stopwords, *lang.other_clouds,
                                               *(v for vs in lang.translations.values() for v in vs), *said_by_kb))
        return vocab, known, own

    # ---- matching ---------------------------------------------------------------------------
    def correct(self, tokens: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        out, fixes = [], []
        for tok in tokens:
            if len(tok) < 4 or not tok.isalpha() or tok in self.known:
                out.append(tok)
                continue
            cutoff = 88 if len(tok) <= 5 else 80
            # A typo keeps its first letter ("pacthes"); a different word rarely does ("catches").
            hits = process.extract(tok, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
            best = next((h for h in hits if h[0][0] == tok[0]), None)
            fixed = best[0] if best else None
            if best and is_english(tok) and (best[1] < NEAR_TWIN or not is_english(best[0])):
                # a real word that merely looks like one of ours ("explicit" is not "exploit"), or like a
                # product's name ("documented" is not "documentdb")
                fixed = None
            out.append(fixed or tok)
            if fixed:
                fixes.append((tok, fixed))
        return out, fixes

    def find_services(self, tokens: list[str]) -> tuple[list[str], set[int], bool]:
        """Services named in the question, in order of appearance, and the token positions they used.
        A service named after "on", "in", "using" or "via" ("ecs tasks on fargate", "nginx on ec2") is
        the platform the question is about, so it comes first."""
        strong: list[tuple[int, str]] = []
        weak: list[tuple[int, str]] = []
        used: set[int] = set()
        i = 0
        while i < len(tokens):
            for size in range(min(self.aliases.longest, len(tokens) - i), 0, -1):
                key = tuple(tokens[i : i + size])
                sid = self.aliases.strong.get(key)
                if sid is None and size == 1 and key[0].endswith("s"):  # "60 ec2s", "our lambdas"
                    sid = self.aliases.strong.get((key[0][:-1],))
                bucket = strong
                if sid is None:
                    sid, bucket = self.aliases.weak.get(key), weak
                if sid is not None:
                    bucket.append((i, sid))
                    names = self.aliases.name_words[sid]
                    used.update(j for j in range(i, i + size) if stem(tokens[j]) in names)
                    i += size
                    break
            else:
                i += 1
        chosen = strong or weak  # weak only: a technology ("kubernetes"), not an AWS service by name
        # "(SSM access NOT enabled)": a service named only to say it is not in use is not the subject, as long as
        # another one is named
        unused = {sid for i, sid in chosen if _not_in_use(tokens, i) or _compared_with(tokens, i)}
        if unused and any(sid not in unused for _, sid in chosen):
            chosen = [(i, sid) for i, sid in chosen if sid not in unused]
        ordered: list[str] = []
        # "from ec2 to lambda" is a move; "data from the appliance to S3" is a flow, not a move: "from" counts only
        # before a service's name
        starts = {i for i, _ in chosen}
        moving = any(t in MOVE_VERBS for t in tokens) or any(
            t == "from" and (i + 1 in starts or i + 2 in starts) for i, t in enumerate(tokens))
        onto = PLATFORM_WORDS | {"to", "onto", "into"} if moving else PLATFORM_WORDS  # "from ec2 to lambda"
        platform = [(i, sid) for i, sid in chosen if i > 0 and tokens[i - 1] in onto and not _left(tokens, i)]
        for _, sid in [*sorted(platform), *sorted(chosen)]:
            if sid not in ordered:
                ordered.append(sid)
        # "our EKS cluster … EKS Auto Mode", "RDS Custom for Oracle (not plain RDS)": the variant named is the
        # subject, and the family it belongs to says nothing more.
        specific = [s for s in ordered if any(o != s and s.startswith(o + "-") for o in ordered)]
        ordered = specific + [s for s in ordered if s not in specific
                              and not any(x.startswith(s + "-") for x in specific)]
        # "AWS Health: your RDS instances…", "created via CloudFormation": a tool that reports on or deploys a
        # workload is named beside it, and the workload is the subject
        ordered.sort(key=lambda sid: sid in self.reporters)
        return ordered, used, bool(strong)

    def services_in(self, text: str) -> list[str]:
        """The services a piece of text names by name, platform first ("servers" alone names none)."""
        services, _, named = self.find_services(self._tokens(text))
        return services if named else []

    def _moved_to(self, tokens: list[str], services: list[str]) -> tuple[str, int] | None:
        """The service a move goes to ("if we move to aws managed microsoft ad", "switching over to fargate"),
        and the position where its name starts."""
        if not services:
            return None
        for i in range(1, len(tokens)):
            if tokens[i - 1] not in {"to", "onto", "into"}:
                continue
            if not (MOVE_VERBS.intersection(tokens[max(0, i - 1 - MOVE_REACH):i - 1])
                    or self._moving_from(tokens, i - 1)):
                continue
            for size in range(min(self.aliases.longest, len(tokens) - i), 0, -1):
                sid = self.aliases.strong.get(tuple(tokens[i:i + size]))
                if sid is not None and sid in services:
                    return sid, i
        return None

    @staticmethod
    def _moving_from(tokens: list[str], to: int) -> bool:
        """'moving from our own DCs on EC2 to …', 'move the DB off Postgres-on-EC2 and onto Redshift': a move verb a
        few words before a 'from' (or 'off') a few words before 'to'."""
        return _after_from(tokens, to, MOVE_VERBS, 2 * MOVE_REACH, MOVE_REACH + 1, ("from", "off"))

    def _find_category(self, tokens: list[str], used: set[int]) -> str | None:
        """A category named as such ("abstracted services"); its words are then not duty words."""
        for size in range(self.aliases.longest, 0, -1):
            for i in range(len(tokens) - size + 1):
                cid = self.aliases.categories.get(tuple(tokens[i : i + size]))
                if cid is not None and not used & set(range(i, i + size)):
                    used.update(range(i, i + size))
                    return cid
        return None

    def says(self, tokens: tuple[str, ...], phrase: str) -> float:
        """How plainly the question states this phrase ("managed updates turned off" → manag, patch,
        disable): 0 unless every word, stopwords included, stands within a few words of the others ("function
        … update … runtime" scattered over a long message is not "function update runtime"); then more
        for longer and tighter phrases."""
        want, order = self._said.get(phrase) or self._setting(phrase)
        stems = [stem(t) for t in tokens]
        if not want or not want <= set(stems):
            return 0.0
        layout = Layout({s: tuple(i for i, t in enumerate(stems) if t == s) for s in want})
        span, start = layout.window(want)
        # a phrase that says "not" itself may of course contain it
        negated = not NEGATORS.intersection(words(phrase)) and (
            NEGATORS.intersection(tokens[max(0, start - 2):start + span]) or _negated_before(tokens, start)
            or any(tuple(tokens[i:i + 2]) in REPLACED for i in range(max(0, start - 3), start - 1))
            or _moved_from(tokens, start)
            or RECOMMENDING.intersection(tokens[max(0, start - 2):start + span]))
        if span > len(want) + NEAR_SLACK or negated:
            return 0.0  # scattered, or negated: "*no* runtime-version pinned"
        if order and not _in_order(stems, order, len(want) + NEAR_SLACK):
            # a setting that names AWS or a product is stated in its own order: "who owns the keys, us or AWS"
            # offers AWS as an owner, and "a server in our Outposts rack" is not an "Outposts server"
            return 0.0
        return len(want) + len(want) / span

    def _setting(self, text: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """A stated setting's words read exactly as a question's are (typo fixes included), so a phrase always
        matches the question that says it; and, when it names AWS or a product, the order they must come in."""
        seq = tuple(dict.fromkeys(stem(t) for t in self.folder.fold(self.correct(words(text))[0])))
        ordered = bool((AWS_WORDS | self.product_words).intersection(words(text)))
        return frozenset(seq), seq if ordered else ()

    @staticmethod
    def _find_phrase(tokens: list[str], names: list[tuple[str, ...]]) -> str | None:
        """The first of these word sequences that occurs in the question, if any."""
        joined = f" {' '.join(tokens)} "
        for seq in names:
            if f" {' '.join(seq)} " in joined:
                return " ".join(seq)
        return None

    def score(self, content: frozenset[str], weak: frozenset[str] = frozenset(),
              loose: bool = False, layout: Layout | None = None) -> list[Candidate]:
        """Every duty and scenario with a phrase the question covers; `weak` words (typo fixes, service
        names) count toward a whole phrase but cannot make a partial one."""
        best: dict[str, Candidate] = {}
        weight = self.weight
        # in knowledge-file order, so that of two phrases of one target scoring the same the same one always wins
        # (a set's order changes with the process's hash seed)
        for i in sorted({i for s in content for i in self.by_stem.get(s, ())}):
            p = self.phrases[i]
            if NEG in p.stems and NEG not in content:
                continue  # "certificate not renewed" is the opposite of "the certificate was renewed"
            matched = p.stems & content
            whole = len(matched) == len(p.stems)
            got = self.total[i] if whole else sum(weight[t] for t in matched)  # no float drift on whole
            coverage = 1.0 if whole else got / self.total[i]
            if not whole and (p.whole_only or not self._partial_ok(p, matched - weak, coverage, loose)):
                continue
            score = got * coverage**3 * self._placement(matched, layout)  # partial ranks below whole
            cur = best.get(p.target)
            if cur is None or score > cur.score:
                best[p.target] = Candidate(p.target, p.text, round(score, 4), round(coverage, 4), round(got, 4),
                                           len(p.stems), matched)
        return sorted(best.values(), key=_ranked)

    def _placement(self, matched: frozenset[str], layout: Layout | None) -> float:
        """A phrase whose words stand together, in the clause that asks, counts fully; words scattered over
        a long message ("windows" … "updates") or only in its context count less."""
        if layout is None:
            return 1.0
        factor = 1.0
        if len(matched) >= 2:
            factor = min(1.0, (len(matched) + NEAR_SLACK) / layout.span(matched))
        if layout.focus is not None:
            total = sum(self.weight[t] for t in matched)
            inside = sum(self.weight[t] for t in matched if layout.in_focus(t))
            factor *= FOCUS_FLOOR + (1 - FOCUS_FLOOR) * inside / total
        return factor

    def _partial_ok(self, phrase: Phrase, matched: frozenset[str], coverage: float, loose: bool) -> bool:
        """Most of a long phrase (of an incident, only in a question clearly about AWS security: loose);
        or, when loose, half of one whose matched word belongs to almost nothing else ("rbac" of
        "kubernetes rbac")."""
        if len(phrase.stems) >= 3 and len(matched) >= 2 and coverage >= 0.6:
            return loose or phrase.target.startswith("duty:")  # part of an incident needs a security cue
        # an incident is never half-named by a resource word ("domain" of "opensearch domain open to the internet")
        telling = matched - {NEG} - (self.resources if phrase.target.startswith("scenario:") else frozenset())
        return loose and coverage >= 0.5 and any(self.weight[t] >= DISTINCTIVE for t in telling)

    def _rank(self, duties: list[Candidate], scenarios: list[Candidate], services: list[str],
              incident: bool) -> list[Candidate]:
        """Duties and scenarios in one list. A scenario about other services than the ones named loses
        weight; an incident report ("our key was leaked") favours scenarios over the bare duty, and most
        the scenarios about a service it names."""
        ranked = list(duties)
        for c in scenarios:
            about = self.kb.scenarios[c.id].services
            factor = INCIDENT_BOOST if incident else 1.0 if c.coverage == 1.0 else PARTIAL_SCENARIO
            if services and about and not set(services) & set(about):
                factor /= OTHER_SERVICE
            elif services and about and incident:
                factor *= SERVICE_FIT
            ranked.append(replace(c, score=round(c.score * factor, 4)))
        return sorted(ranked, key=_ranked)

    def near_misses(self, content: frozenset[str], limit: int = 3) -> list[str]:
        """Targets sharing any word with the question, best first (for "did you mean")."""
        tally: dict[str, float] = defaultdict(float)
        for s in sorted(content):  # a float sum in a fixed order: ties rank the same in every process
            for target in {self.phrases[i].target for i in self.by_stem.get(s, ())}:
                tally[target] += self.weight[s]
        return [t for t, _ in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def _read(self, text: str) -> tuple[list[str], list[int], int | None, list[tuple[str, str]]]:
        """Clause by clause: typo fixes and synonym folding, which clause each word stands in, and which
        clause asks (the last that names an owner, else the last question)."""
        tokens: list[str] = []
        clause_of: list[int] = []
        fixes: list[tuple[str, str]] = []
        owner_clause = question_clause = None
        for i, (piece, is_question) in enumerate(clauses(text[:MAX_QUESTION_CHARS])):
            said = words(piece)
            if (said and said[0] in ASIDE_NEGATORS and len(said) <= NEGATED_ASIDE and not is_question
                    and not self._find_phrase(said, self.ownership)):  # "not sure who patches it" still asks
                continue  # "(not our guest os)", "(no custom AMI)": what the question is *not* about
            corrected, fixed = self.correct(said)
            folded = self.folder.fold(corrected)
            if i and self._only_owners(_uncompared(folded)):
                question_clause = owner_clause = i - 1  # "… — inherited, shared, or customer-specific?": options,
                continue  # not the task; the clause before them asks
            tokens += folded
            clause_of += [i] * len(folded)
            fixes += fixed
            if self._find_phrase(said, self.ownership) and not (
                    question_clause is not None and self._refers_back(folded)):
                owner_clause = i
            if is_question:
                question_clause = i
        return tokens, clause_of, owner_clause if owner_clause is not None else question_clause, fixes

    def _refers_back(self, tokens: list[str]) -> bool:
        """'… — compliance wants to know who owns it': the task is in the question before, not in this clause."""
        task = {stem(t) for t in tokens if t not in self.stopwords} - self.owner_words
        return bool(BACK_REFERENCES.intersection(tokens)) and len(task) <= 3

    def _only_owners(self, tokens: list[str]) -> bool:
        """'inherited, shared, or customer-specific?', 'AWS or us?': parties offered, no task named."""
        content = {stem(t) for t in tokens if t not in self.stopwords}
        offered = "or" in tokens and bool(US.intersection(tokens)) and bool(AWS_WORDS.intersection(tokens))
        return (bool(content) or offered) and content <= self.owner_words

    def match(self, question: str) -> Match:
        text = clean_slack(question)
        read = expand_findings(text)  # what the reading works on; `text` is what the user sees again
        statement = statement_stem(read)
        read = statement or exam_stem(read) or read  # "… A) The customer B) AWS": options that are parties
        control_type = control_type_subject(read)  # "X is an example of which type of control?": about X
        read = control_type or read
        partial_exam = bool(statement or control_type)  # an exam read through a part of it: never certain
        said = words(read)  # as typed: "pricing" must not become "picking" before we ask what kind of question
        tokens, clause_of, ask, fixes = self._read(read)
        services, used, named = self.find_services(tokens)
        moved_to = self._moved_to(tokens, services)
        category = self._find_category(tokens, used)
        content = self._content(tokens)
        rest = self._content([t for i, t in enumerate(tokens) if i not in used])
        incident = bool(self.incident & set(tokens))
        layout = self._layout(tokens, clause_of, ask)
        candidates = self._candidates(content, rest, services, fixes, named, incident, layout)
        base = Match(text=text, services=tuple(services), candidates=tuple(candidates), content=content,
                     rest=rest, corrections=tuple(fixes), category=category,
                     other_cloud=self._other_cloud(said, services, named, read) or (
                         None if named else linked_cloud(question)),
                     tokens=tuple(tokens), asks_owner=self._asks_owner(said),
                     anchored=named or category is not None or incident, named=named, incident=incident,
                     howto=bool(self._find_phrase(said, self.howto)), moved_to=moved_to,
                     request=bool(self._find_phrase(said, self.requests)),
                     billing=bool(self._find_phrase(said, self.billing)),
                     privacy_law=bool(self._find_phrase(said, self.privacy_law)))
        base = replace(self._named_controls(base), exam=exam_options(text), offered=offered_owners(text),
                       noncompliant=reports_noncompliance(text), no_action=says_no_action(text),
                       claims=stated_claims(text))
        if not services:
            base = replace(base, unknown_service=self._unknown_service(said))
        if not named:  # none, or only a technology ("postgres", "kafka"): whose product is it?
            base = replace(base, unknown_product=None if AWS_NAMES & set(said) else self._unknown_product(read))
        confidence, why = self._confidence(candidates, bool(services), len(fixes))
        unexplained = self._unexplained(rest, candidates, layout)
        if unexplained and candidates:
            left = sum(self.weight[t] for t in unexplained)
            factor = max(0.5, 1 - 0.5 * left / (left + candidates[0].matched))
            confidence, why = round(confidence * factor, 3), f"{why}; ×{factor:.2f} for words left unexplained"
        if unread_share(text) > UNREAD_SHARE and confidence > UNREAD_CAP:
            # much of the message is in a script srm cannot read (Korean, Chinese, Japanese…): the words that
            # decide it may be among them ("… 업데이트는 누가 해요?" asks who updates the rules)
            confidence, why = UNREAD_CAP, f"{why}; at most {UNREAD_CAP}: much of it is in a script srm cannot read"
        if self._foreign_share(said) > FOREIGN_SHARE and confidence > UNREAD_CAP:
            # mostly words srm does not know ("¿La réplica de DMS la parcheamos nosotros o AWS?"): it read a few
            # of them, and the words that decide it may be among the rest
            confidence, why = UNREAD_CAP, f"{why}; at most {UNREAD_CAP}: most of its words are not ones srm reads"
        if len(rest - {NEG}) > LONG_MESSAGE and confidence > LONG_CAP:
            # a long message read through a few of its words: likely right, never certain (measured: 93% right
            # at ≥ 0.9 on long real questions against 99.4% on short ones)
            confidence, why = LONG_CAP, f"{why}; at most {LONG_CAP} for a long message"
        asking = " ".join(tokens[i] for i in sorted(layout.focus)) if layout.focus else ""
        decided = self._decide(replace(base, unexplained=unexplained, asking=asking, why=why), confidence)
        if partial_exam and decided.confidence > STATEMENT_CAP:
            decided = replace(decided, confidence=STATEMENT_CAP,
                              why=f"{decided.why}; at most {STATEMENT_CAP}: an exam read through part of it")
        return decided

    def _foreign_share(self, said: list[str]) -> float:
        """The share of a message's words that are neither English nor words of the knowledge base (a question
        in Spanish or German, or keyboard mash): measured at 0.5 and more only on such messages."""
        alpha = [w for w in said if w.isalpha() and len(w) > 2]
        if not alpha:
            return 0.0
        return sum(1 for w in alpha if w not in self.kb_words and not is_english(w)) / len(alpha)

    def _asks_owner(self, said: list[str]) -> bool:
        """Who is asked about: "who", "whose job", "aws or us" — or whether a named AWS service does it itself
        ("does ACM auto renew it?", "will GuardDuty patch …")."""
        if self._find_phrase(said, self.ownership):
            return True
        return any(word in SERVICE_ASKED and (i == 0 or said[i - 1] not in QUESTION_WORDS)  # not "how much does X cost"
                   and any(tuple(said[i + 1:i + 1 + n]) in self.aliases.strong for n in (1, 2, 3))
                   for i, word in enumerate(said[:-1]))

    def _other_cloud(self, said: list[str], services: list[str], named: bool, text: str) -> str | None:
        """Another cloud or vendor named ("azure", "heroku"), unless a named AWS service's own entry names it
        (its name, "Amazon Elastic VMware Service", or what it runs on, a Storage Gateway VM on ESXi); places
        outside AWS only when no AWS service is named."""
        party = self._offered_party(said, text) if "or" in said else None  # only a choice offers a party
        if party:
            return party
        cloud = self._find_phrase(said, self.other_clouds)
        if cloud and any(f" {cloud} " in self.service_text[sid] for sid in services):
            cloud = None  # part of the service's own story: "Elastic VMware Service", a gateway VM on ESXi
        if cloud and (named or "aws" in said) and _compared(said, cloud):
            cloud = None  # "unlike GKE, EKS does not upgrade itself": the question is about the AWS service
        if cloud and named and _called(said, cloud):
            cloud = None  # "… in SSM Parameter Store, for the Crowdstrike API": a vendor's API our workload calls
        return cloud or (None if named else self._find_phrase(said, self.outside_aws))

    def _offered_party(self, said: list[str], text: str) -> str | None:
        """A vendor offered as the owner instead of AWS: "microsoft fixes or us?", "IBM or us", "us or Microsoft?"
        ("on Docker, AWS, or us" still asks about AWS). A vendor is one we list, or a capitalised name the
        knowledge base has never seen ("Thales", "Scalingo")."""
        strange = frozenset(w.lower() for w in _CAPITALISED.findall(text) if w.lower() not in self.known)
        owning = frozenset(w.lower() for w in _POSSESSIVE.findall(text))  # "GitHub's responsibility … or ours"
        for i, word in enumerate(said):
            if word != "or":
                continue
            if AWS_WORDS.intersection(said[max(0, i - 2 * OWNED_REACH):i + 1 + PARTY_REACH]):
                continue
            left, right = said[max(0, i - OWNED_REACH):i], said[i + 1:i + 1 + OWNED_REACH]
            for one, near, other in ((left, left[-PARTY_REACH:], right[:PARTY_REACH]),
                                     (right, right[:PARTY_REACH], left[-PARTY_REACH:])):
                party = next((w for w in one if (w in self.other_parties or w in strange)
                              and (w in near or w in owning)), None)
                if party and US.intersection(other):
                    return party
        return None

    def _named_controls(self, m: Match) -> Match:
        """Security Hub control IDs in the question: known, retired, or of a known family but unknown; and
        known controls named only by their title ("EKS clusters should use encrypted Kubernetes secrets")."""
        known, retired, unknown = [], [], []
        for family, number in _CONTROL_ID.findall(m.text):
            if family.lower() not in self.control_families:
                continue  # "python3.12", "v1.2": not a control
            cid = self.control_ids.get(f"{family}.{number}".lower())
            bucket = unknown if cid is None else retired if cid in self.kb.retired_controls else known
            name = cid or f"{family}.{number}"
            if name not in bucket:
                bucket.append(name)
        if not (known or retired or unknown):
            said = f" {' '.join(words(m.text))} "
            known = [cid for title, cid in self.control_titles.items() if f" {title} " in said][:1]
        return replace(m, controls=tuple(known), retired_controls=tuple(retired), unknown_controls=tuple(unknown))

    def holds_family(self, control_id: str) -> bool:
        """Whether the knowledge base holds controls of this ID's family ("EC2.999" is then not a control)."""
        return control_id.split(".")[0].lower() in self.held_families

    def _unknown_service(self, said: list[str]) -> str | None:
        """'amazon kendra', 'aws foo': a name after AWS's own that no service of ours carries."""
        for i, (before, word) in enumerate(itertools.pairwise(said)):
            after = said[i + 2] if i + 2 < len(said) else ""
            if before in AWS_NAMES and word.isalpha() and word not in self.known and word not in NEGATORS \
                    and not word.endswith("ed") and word not in AUXILIARY_INGS \
                    and not (word.endswith("ing") and after in DETERMINERS):
                return f"{before} {word}"  # not a verb: "AWS emailed …", "AWS maintaining the configuration"
        return None

    def _unknown_product(self, text: str) -> str | None:
        """A capitalised name inside a sentence ("CockroachDB Dedicated", "our Proxmox cluster") that the
        knowledge base has never seen: a product of someone else, not a duty of ours."""
        for m in _NAME.finditer(text):
            name = m.group(0)
            starts = m.start() == 0 or text[:m.start()].rstrip().endswith((".", "?", "!", ":", "—"))
            follows = text[m.end():m.end() + 1]
            if follows == "=":
                continue  # "HttpTokens=optional": a parameter set to a value, not a product
            label = follows == ":"  # "Zorbdb: are patches applied…" names its subject
            if starts and name[1:].islower() and not label:
                continue  # a sentence's first word is capitalised anyway; "CockroachDB" is a name anywhere
            if len(_HUMP.findall(name)) >= 2:
                continue  # "CrossAccountZoneDelegationRecord": a class or parameter in code, not a product
            if all(w not in self.known for w in words(name)) and not NEGATORS & set(words(name)):
                return name
        hosted = _HOSTED_ON.search(text)  # "the postgres on IONOS", "kafka at Aiven": the platform is theirs
        if hosted and all(w not in self.known for w in words(hosted.group(1))):
            return hosted.group(1)
        return None

    def _unexplained(self, rest: frozenset[str], candidates: list[Candidate], layout: Layout) -> frozenset[str]:
        """Rare task words of the asking clause that belong to other duties or incidents than the best reading
        ("layers" next to "runtime update"): what decides the answer may be among them."""
        if not candidates:
            return frozenset()
        generic = self.security | self.resources | self.actions | self.model_words | {NEG}
        explained = self.target_stems[candidates[0].target] | generic
        # the words of a compliance-evidence frame set aside for the task ("for their SOC report") are read
        explained |= frozenset().union(*(c.stems for c in candidates if c.score == 0.0 and c.target in self.frames))
        return frozenset(t for t in rest - explained
                         if self.weight.get(t, 0.0) >= UNEXPLAINED_MIN and layout.in_focus(t))

    def _candidates(self, content: frozenset[str], rest: frozenset[str], services: list[str],
                    fixes: list[tuple[str, str]], named: bool, incident: bool, layout: Layout) -> list[Candidate]:
        # Duties are scored without the words that name a service ("auto scaling" is not the scaling
        # duty) unless nothing else matches ("bucket acl"); scenarios keep them ("rds snapshot public").
        # Half a phrase is enough only in a question clearly about AWS security (a service or a
        # security word), and never on the strength of a typo fix alone ("lunch" → "launch").
        # Words that only name a service ("s3 bucket") never make half a phrase on their own either.
        named_words = content - rest  # the words that name a service
        weak = frozenset().union(*(self._content(self.folder.fold([fixed])) for _, fixed in fixes)) | named_words
        loose = named or incident or bool(content & self.security)
        whole = self.score(content, weak, loose, layout)
        duties = [c for c in (self.score(rest, weak, loose, layout) if rest != content else whole)
                  if c.kind == "duty"]
        duties = duties or [c for c in whole if c.kind == "duty"]
        # an agent named by its service's name ("cloudwatch agent", "ssm agent") is read whole: the agent on our
        # servers is not CloudWatch's own upgrade
        parts = {c.target: c for c in whole if c.kind == "duty" and c.coverage == 1.0
                 and c.stems & named_words and c.stems - named_words - {NEG} and PART_WORDS & c.stems}
        if parts:
            kept = {c.target: c for c in duties}
            for target, c in parts.items():
                if target not in kept or kept[target].score < c.score:
                    kept[target] = c
            duties = sorted(kept.values(), key=_ranked)
        scenarios = [c for c in whole if c.kind == "scenario"]
        if services:
            duties = self._own_reading(duties, services[0], rest)
        return self._framed(self._rank(duties, scenarios, services, incident))

    def _framed(self, ranked: list[Candidate]) -> list[Candidate]:
        """'Under the shared responsibility model, who patches RDS?': the model is the frame of the question,
        not its task; it is the answer only when no other whole phrase names one. Compliance evidence is a
        frame too: in "AWS logs everything anyway for their SOC report, right?" or "our auditor asks for
        evidence of hardware decommissioning", the task is logging or decommissioning, when a whole phrase
        names it with at least FRAME_SHARE of the frame's score."""
        general = f"duty:{self.kb.language.general_duty}"
        named = [c for c in ranked if c.target == general and c.stems <= self.model_words]
        task = [c for c in ranked if c not in named]
        if named and any(c.coverage == 1.0 for c in task):
            ranked = task + [replace(c, score=0.0) for c in named]  # never a near tie with the task
        top = ranked[0] if ranked else None
        if top is None or top.target not in self.frames:
            return ranked
        other = next((c for c in ranked[1:] if c.target not in self.frames and c.coverage == 1.0
                      and c.score >= FRAME_SHARE * top.score), None)
        if other is None:
            return ranked
        rest = [c for c in ranked if c is not other]
        return [other, *(replace(c, score=0.0) if c.target in self.frames else c for c in rest)]

    def _own_reading(self, duties: list[Candidate], service: str, rest: frozenset[str]) -> list[Candidate]:
        """Readings whose entry for this service uses the question's own words rank higher."""
        own = self.own_words.get(service, {})
        out = []
        for c in duties:
            bag = own.get(c.id) if c.coverage == 1.0 else None  # re-ranks whole readings, makes no new ones
            bonus = sum(bag.get(t, 0.0) for t in rest) if bag else 0.0
            out.append(replace(c, score=round(c.score + OWN_WORDS * bonus, 4)) if bonus else c)
        return sorted(out, key=_ranked)

    def _decide(self, m: Match, confidence: float) -> Match:
        """Questions that name no duty: "security?" alone, "who secures EKS?", "enable guardduty"."""
        general = self.kb.language.general_duty
        task = m.rest - {NEG}
        only_security = bool(task) and task <= self.security
        # "security of our rds databases": resource words alone do not name a duty either
        about_resources = bool(task) and task - self.resources <= self.security
        if m.category and (not task or only_security or confidence < ACCEPT):
            return replace(m, confidence=0.8, about_service_only=True)  # "who secures abstracted services?"
        if not m.services:
            if (general and confidence < ACCEPT and m.content & self.security
                    and m.content - self.resources - self.actions <= self.security
                    and AWS_WORDS.intersection(m.tokens)):  # "who owns security?" is about the org chart
                return replace(m, candidates=(Candidate(f"duty:{general}", "(security words only)", 0.0, 1.0),),
                               confidence=0.8)
            return replace(m, confidence=confidence)
        tools = [self.kb.services[s] for s in m.services if self.kb.services[s].account_wide]
        if len(tools) < len(m.services) and tools and tools[0].primary_duty and (not task or only_security):
            # "identity and access management for dynamodb": the tool's duty, on the workload
            cand = Candidate(f"duty:{tools[0].primary_duty}", "(account-wide tool)", 0.0, 1.0)
            return replace(m, candidates=(cand, *m.candidates), confidence=0.8)
        if confidence >= ACCEPT and not only_security:
            return replace(m, confidence=confidence)
        if not task and unread_share(m.text) > UNREAD_SHARE:
            return replace(m, confidence=confidence)  # its task is in a script srm cannot read: not "who secures X?"
        if only_security or about_resources or not task:
            return replace(m, confidence=0.9 if task else 0.7, about_service_only=True)
        primary = self.kb.services[m.services[0]].primary_duty
        if primary and (task <= self.actions | self.security or task & self.actions - self.security):
            # "enable guardduty", "cloudtrail wasn't enabled so we can't investigate": its main duty
            cand = Candidate(f"duty:{primary}", "(primary duty)", 0.0, 1.0)
            return replace(m, candidates=(cand, *m.candidates), confidence=0.75)
        if task & self.security and len(task - self.security) <= SPLIT_EXTRA:
            # "who is responsible for eks security, mgmt wants to know"; with more unexplained words
            # than that the question is about something srm did not read, so the split is no answer
            return replace(m, confidence=0.6, about_service_only=True)
        return replace(m, confidence=confidence)

    def _confidence(self, candidates: list[Candidate], has_service: bool, fixes: int) -> tuple[float, str]:
        if not candidates:
            return 0.0, "nothing matched"
        top = candidates[0]
        evidence = top.matched + (1.5 if has_service else 0.0)
        conf = math.sqrt(top.coverage) * min(1.0, evidence / 3.0)
        why = f"coverage {top.coverage:.2f}, evidence {evidence:.1f}"
        if len(candidates) > 1 and candidates[1].score >= 0.95 * top.score and candidates[1].kind == top.kind:
            conf *= 0.85  # two readings almost tied
            why += "; ×0.85 two readings almost tied"
        if fixes:
            why += f"; ×{0.95**fixes:.2f} for typo fixes"
        return round(conf * (0.95**fixes), 3), why

