"""The answer engine: question in, Answer out. Knows nothing of Slack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.engine import answer as build
from bot.engine.answer import OWNER_LABEL, Answer
from bot.engine.context import Context
from bot.engine.matcher import ACCEPT, AWS_NAMES, Candidate, Match, Matcher
from bot.engine.text import stem, words
from bot.knowledge.model import Duty, KnowledgeBase, Service

STATED_SHARE = 0.5  # a reading the service's own stated setting supports may rank below the best by this much
RIVAL_SHARE = 0.75  # a reading scoring at least this share of the best one is a real alternative
CONTROL_CONFIDENCE = 0.95  # a control ID is named exactly; what it checks is in the knowledge base
EXAM_CONFIDENCE = 0.85  # one option of several fits the owner asked about: a reading of each, less sure
FOLLOW_UP_CONFIDENCE = 0.85  # the task comes from the thread, not from the words asked
UNKNOWN_CONTROL_CONFIDENCE = 0.8  # a finding of a control we do not know, read from its pasted title
REQUEST_CONFIDENCE = 0.7  # a task asked for ("create a …"), its owner implied rather than asked about
RESIDENCY = "data-residency"  # where data lives: a privacy-law question that is still about AWS
NOTICE_ONLY = 0.6  # how sure an answer read only from such a notice is
FIXED_BY_AWS = "aws-zero-day"  # the duty of AWS finding and fixing flaws in its own services
CONTESTED = 0.8  # the most confidence left when such an alternative names another owner: less sure, still answered

EXAMPLES = (
    "who patches rds?",
    "who patches the guest os on ec2?",
    "our s3 bucket was public — whose job was that?",
    "who manages kms key policies?",
    "who is responsible for eks security?",
)


@dataclass(frozen=True)
class DutyRow:
    duty_id: str
    title: str
    owner: str
    specific: bool  # the service's own documentation says so (an override)


@dataclass(frozen=True)
class ServiceCard:
    service: Service
    rows: tuple[DutyRow, ...]


def _lowered(option: str) -> str:
    """'Maintaining physical hardware' inside a sentence: an option's capital is the list's, not a name's."""
    first = option.split(" ", 1)[0]
    return option[:1].lower() + option[1:] if first[1:].islower() else option


def _compact_names(s: Service) -> set[str]:
    """As control IDs spell the service, also without "aws-" ("Backup.1" → aws-backup)."""
    return build.compact_names(s) | {s.id.removeprefix("aws-").replace("-", "")}


def _control_links(kb: KnowledgeBase) -> dict[str, tuple[tuple[str | None, str], ...]]:
    """Control → the (service, duty) pairs it evidences, as controls.yaml declares them (service None: any
    service). A declared duty that a service's own entry recommends the control for also names that service,
    so "who owns CloudTrail.6?" is answered from CloudTrail's own entry for the duty."""
    links: dict[str, tuple[tuple[str | None, str], ...]] = {}
    for cid in kb.controls:
        pairs: list[tuple[str | None, str]] = []
        for sid, duty in kb.evidenced_by(cid):
            pairs += [(s.id, duty) for s in kb.services.values() if sid in (None, s.id)
                      and duty in s.overrides and cid in s.overrides[duty].controls]
            pairs.append((sid, duty))
        links[cid] = tuple(dict.fromkeys(pairs))
    return links


def _as_customers(a: Answer, confidence: float, note: str) -> Answer:
    """The answer as the customer's side of it: a failed check or finding is the customer's to act on."""
    summary = a.summary.replace(f"{OWNER_LABEL[a.owner]}:", f"{OWNER_LABEL['customer']}:", 1)
    return replace(a, owner="customer", confidence=confidence, summary=f"{summary} {note}")


class Engine:
    def __init__(self, kb: KnowledgeBase, today: dt.date | None = None, matcher: Matcher | None = None):
        self.kb = kb
        self.matcher = matcher or Matcher(kb)
        self._today = today
        self._control_links = _control_links(kb)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def ask(self, question: str, context: Context | None = None) -> Answer:
        return self.explain(question, context)[1]

    def explain(self, question: str, context: Context | None = None) -> tuple[Match, Answer]:
        """The reading of the question (what `srm ask --explain` shows) and the answer built from it. With
        the context of an earlier answer in the thread, a follow-up keeps what it does not restate."""
        question = question if isinstance(question, str) else ""
        m = self._prefer_stated(self.matcher.match(question))
        followed = self._follow_up(m, context) if context is not None else None
        if followed is not None:
            return m, followed
        picked = self._exam_choice(m)
        if picked is not None:
            return m, picked
        a = self._answer(m)
        if not a.answered and m.claims:
            a = self._true_statement(m) or a
        rival = self._rival(m, a)
        if rival is not None:  # two close readings, two different owners: say so, and offer the other one
            c, other = rival
            m = replace(m, confidence=min(m.confidence, CONTESTED),
                        why=f"{m.why}; at most {CONTESTED} as «{c.phrase}» ({c.target}) gives another owner")
            a = replace(self._answer(m), alternative=replace(other, confidence=min(other.confidence, CONTESTED)))
        if a.answered and m.noncompliant and a.owner != "customer" and not m.controls:
            # "`codebuild-project-artifact-encryption` NON_COMPLIANT — AWS or us?": an AWS Config (or audit) rule
            # evaluates a setting in the customer's account, so whatever AWS does by default, the failed check is
            # the customer's to fix
            a = _as_customers(a, min(a.confidence, CONTESTED), "(The rule came back NON_COMPLIANT: it checks a "
                                                                "setting in your account, so bringing it into "
                                                                "compliance is yours.)")
        only_notice = not a.answered and bool(m.services) and m.asks_owner and not m.other_cloud
        if m.no_action and ((a.answered and a.owner != "aws") or only_notice) and not (m.controls or m.noncompliant):
            # "… manualRemediation: None required. Is this ours to fix?": the notice itself says customers
            # need do nothing, so what it describes was fixed in AWS's own service (measured: all of the
            # development sets' questions quoting such a notice are keyed AWS); read on a named service even
            # when nothing else in it was, though then less sure
            sure = min(m.confidence, CONTESTED) if a.answered else NOTICE_ONLY
            m = replace(m, confidence=sure, why=f"{m.why}; the notice quoted asks no customer action: AWS's own fix")
            fixed = self._answer(replace(m, candidates=(Candidate(f"duty:{FIXED_BY_AWS}", "(no customer action)",
                                                                  0.0, 1.0),), about_service_only=False))
            a = fixed if fixed.answered else a
        if a.answered and m.offered and a.owner not in m.offered and m.confidence > CONTESTED:
            # "A. Your security team B. Your development team C. AWS": none of them is "shared"
            m = replace(m, confidence=CONTESTED, why=f"{m.why}; at most {CONTESTED}: the options offer no "
                                                    f"«{a.owner}»")
            a = self._answer(m)
        return m, a

    def _prefer_stated(self, m: Match) -> Match:
        """'A manufacturer connects sensors to AWS IoT Core: who delivers firmware updates to the devices?':
        the best reading («firmware», the hosts under AWS) gives one owner, while a close reading, named whole
        in the clause that asks, that the named service's own entry speaks to through a setting the question
        states ("devices"), gives another. The service's own documented case is the more specific knowledge,
        so it leads; the reading it displaced stays as the rival, which caps the confidence. (A reading only
        of the context, "managed platform updates ON … who keeps the logs?", stays behind.)"""
        best = m.best
        if not m.services or best is None or best.kind != "duty" or len(m.candidates) < 2 or m.controls:
            return m  # a control named is answered by the control
        service = self.kb.services[m.services[0]]
        said = self._said(m)
        if self._stated_setting(self.kb.duties[best.id], service, said):
            return m
        asked = {stem(w) for w in m.asking.split()} if m.asking else m.content
        for c in m.candidates[1:3]:
            if c.kind != "duty" or c.coverage < 1.0 or c.score < STATED_SHARE * best.score or not c.stems <= asked:
                continue
            setting = self._stated_setting(self.kb.duties[c.id], service, said)
            # the owners only once a reading qualifies: building an answer is the costly part, and rarely needed
            if setting and self._owner_on(c, service, said) != self._owner_on(best, service, said):
                return replace(m, candidates=(c, *(x for x in m.candidates if x is not c)),
                               why=f"{m.why}; «{c.phrase}» ({c.target}) leads: {service.name}'s own entry speaks "
                                   f"to «{setting}»")
        return m

    def _stated_setting(self, duty: Duty, service: Service, said: Callable[[str], float]) -> str | None:
        """The setting of the service's own entry for this duty that the question states, if any."""
        override = service.overrides.get(build.resolve(self.kb, duty, service).id)
        variant = build.stated(override.variants, said) if override is not None else None
        return next((w for w in variant.when if said(w)), None) if variant is not None else None

    def _owner_on(self, c: Candidate, service: Service, said: Callable[[str], float]) -> str:
        return build.for_duty(self.kb, "", self.kb.duties[c.id], service, 1.0, self.today, said).owner

    def _said(self, m: Match) -> Callable[[str], float]:
        """How plainly this question states a setting phrase (for override variants). After a move ("we run
        self-managed AD … if we move to AWS Managed Microsoft AD"), only what is said from the move on."""
        tokens = m.tokens[m.moved_to[1]:] if m.moved_to else m.tokens
        return lambda phrase: self.matcher.says(tokens, phrase)

    def _follow_up(self, m: Match, context: Context) -> Answer | None:
        """'what about lambda?' keeps the duty and switches the service; 'and backups?' keeps the service and
        switches the duty. A question that names both (or neither) is a fresh question and wins."""
        names_task = bool(m.best and m.best.coverage == 1.0 and m.confidence >= ACCEPT and not m.about_service_only)
        if m.services and not names_task and (context.duty or context.scenario):
            scenario = self.kb.scenarios.get(context.scenario or "")
            duty = self.kb.duties.get(context.duty or (scenario.duty if scenario else ""))  # stored: may be stale
            service = self.kb.services[m.services[0]]
            if duty is None:
                return None
            a = build.for_duty(self.kb, m.text[:500], duty, service, FOLLOW_UP_CONFIDENCE, self.today,
                               self._said(m))
            return replace(a, summary=f"{a.summary} (same question as before, now for {service.name})")
        if names_task and not m.services and context.service and m.best.kind == "duty":
            service = self.kb.services.get(context.service)
            duty = self.kb.duties[m.best.id]
            if service is None:
                return None
            a = build.for_duty(self.kb, m.text[:500], duty, service, min(m.confidence, FOLLOW_UP_CONFIDENCE),
                               self.today, self._said(m))
            return replace(a, summary=f"{a.summary} (still about {service.name})")
        return None

    def _exam_choice(self, m: Match) -> Answer | None:
        """'Which is the customer's job? A) … B) …': the one option whose owner is the one asked about."""
        wants, options = m.exam
        if not options:
            return None
        # the service the stem is about ("…when a customer uses Fargate?"), unless an option names its own
        # ("(c) firmware on the physical EC2 hosts (d) IAM access"): one option's service is not another's
        where = m.moved_to[0] if m.moved_to else self._stem_service(m.text, options[0])
        asked, picks = self._options_owned_by(wants, options, where)
        if not picks and wants == "shared" and where:
            # a shared control is the model's class of control ("patch management"), whatever workload the stem
            # names: patching on EC2 is the customer's, patch management itself is shared
            asked, picks = self._options_owned_by(wants, options, None)
        if not picks:  # none of the options reads as theirs: the stem alone would answer another question
            return build.not_answered(m.text[:500], "unsure", tuple(f"{q}?" for _, q in asked)[:3])
        a = picks[0][1]  # "Select TWO", or two that fit: the first one answers, all are named
        chosen = " and ".join(f"“{o}”" for o, _ in picks)
        return replace(a, question=m.text[:500], confidence=min(a.confidence, EXAM_CONFIDENCE),
                       summary=f"Of the options, {chosen}: {a.summary}")

    def _options_owned_by(self, wants: str | None, options: tuple[str, ...], where: str | None
                          ) -> tuple[list[tuple[str, str]], list[tuple[str, Answer]]]:
        """Each option asked as its own question (on the stem's service), and those whose owner is `wants`."""
        asked = [(o, f"who is responsible for {_lowered(o)}{self._on(o, where)}") for o in options]
        answers = [(o, self._answer(self.matcher.match(q))) for o, q in asked]
        if wants and wants.startswith("not "):  # "which is NOT an inherited control?"
            return asked, [(o, a) for o, a in answers if a.answered and a.owner != wants.removeprefix("not ")]
        return asked, [(o, a) for o, a in answers if a.answered and a.owner == wants]

    def _asked_beside_control(self, m: Match, control: Answer) -> Answer | None:
        """'Security Hub flags ECS.10 … but who actually patches the kernel under Fargate tasks?': a finding
        pasted as context, and a question about something else in the clause that asks."""
        asking = m.asking.split()
        if not asking or any(c.split(".")[0].lower() in asking for c in m.controls):
            return None
        best = m.best  # a whole reading, all of it in the clause that asks ("whose job is that?" has none)
        if best is None or best.coverage < 1.0 or not best.stems or not best.stems <= {stem(w) for w in asking}:
            return None
        read = self._answer(replace(m, controls=()))
        if read.answered and not m.about_service_only and (read.scenario or read.duty != control.duty):
            return read
        return None

    def _past_unknown_control(self, m: Match) -> Answer:
        """'[MQ.2] ActiveMQ brokers should stream audit logs to CloudWatch failed — does MQ log for us?': a
        control we don't know is never guessed, but a finding pasted with its title still says what it is
        about; answered from those words (never citing the control), only when they name a service and a task.
        A control checks a setting on the customer's side, so of a shared task that side is the finding's.
        An ID of a family we hold no control of ("[ElasticBeanstalk.2]") is not known to be wrong: read plainly."""
        cid = m.unknown_controls[0]
        read = self._answer(replace(m, unknown_controls=()))
        if not (read.answered and m.services and m.best and m.best.coverage == 1.0 and not m.about_service_only):
            if not self.matcher.holds_family(cid):
                return read
            return build.not_answered(m.text[:500], "unknown_control", EXAMPLES[:3], cid)
        note = f"(I don't know the control {cid}: this is read from the rest of the message.)"
        confidence = min(read.confidence, UNKNOWN_CONTROL_CONFIDENCE)
        if read.owner == "shared":
            return _as_customers(read, confidence, note)
        return replace(read, confidence=confidence, summary=f"{read.summary} {note}")

    def _true_statement(self, m: Match) -> Answer | None:
        """'Which statement is true? A. AWS manages the EC2 OS. B. Customers patch database software on EC2. …':
        when the stem alone names no task, the true option is the one claim the knowledge base agrees with."""
        where = self._stem_service(m.text, m.claims[0][0])  # "… to Amazon FSx for Windows File Server. Which is …"
        agreed = []
        for option, claimed in m.claims:
            a = self._answer(self.matcher.match(f"{option}{self._on(option, where)}"))
            if a.answered and a.owner == claimed:
                agreed.append((option, a))
        if len(agreed) != 1:
            return None  # none, or several: the exam's key is not for us to guess
        option, a = agreed[0]
        return replace(a, question=m.text[:500], confidence=min(a.confidence, EXAM_CONFIDENCE),
                       summary=f"Of the statements, “{option}” is true: {a.summary}")

    def _stem_service(self, text: str, first_option: str) -> str | None:
        """The service an exam's stem (the text before its first option) names first."""
        named = self.matcher.services_in(text[:text.find(first_option)])
        return named[0] if named else None

    def _on(self, option: str, where: str | None) -> str:
        return f" on {self.kb.services[where].name}" if where and not self.matcher.services_in(option) else ""

    def _rival(self, m: Match, a: Answer) -> tuple[Candidate, Answer] | None:
        """A reading almost as strong as the chosen one that would name another owner, and its answer."""
        if not a.answered or m.about_service_only or m.best is None:
            return None
        for c in m.candidates[1:4]:
            if c.score < RIVAL_SHARE * m.best.score:
                break
            other = self._answer(replace(m, candidates=(c,)))
            if other.answered and other.owner != a.owner:
                return c, other
        return None

    def _answer(self, m: Match) -> Answer:
        shown = m.text[:500]
        if not m.content and not m.services:
            return build.not_answered(shown, "empty", EXAMPLES[:3])
        if m.controls:  # "who owns EC2.8?", a Security Hub finding pasted in
            control = self._for_control(m, m.controls[0])
            return self._asked_beside_control(m, control) or control
        if m.retired_controls:
            cid = m.retired_controls[0]
            instead = self.kb.retired_controls[cid]
            said = f"{cid} (replaced by {', '.join(instead)})" if instead else cid
            asks = tuple(f"who owns {r}?" for r in instead) or EXAMPLES[:3]
            return build.not_answered(shown, "retired_control", asks, said)
        if m.unknown_controls:
            return self._past_unknown_control(m)
        if m.other_cloud:
            return build.not_answered(shown, "other_cloud", EXAMPLES[:3], m.other_cloud)
        if m.unknown_service:  # never answer for a different service than the one asked about
            return build.not_answered(shown, "unknown_service", self._nearest_services(m.unknown_service),
                                      m.unknown_service)
        if m.unknown_product and not m.anchored:
            return build.not_answered(shown, "other_cloud", EXAMPLES[:3], m.unknown_product)
        best = m.best
        whole_task = bool(m.services and best and best.coverage == 1.0 and m.confidence >= ACCEPT)
        if m.request and not (m.howto or m.asks_owner or m.billing) and whole_task:  # "create a lifecycle policy…"
            m = replace(m, confidence=min(m.confidence, REQUEST_CONFIDENCE))
        elif ((m.howto or m.request) and not m.asks_owner) or (m.billing and not m.incident):
            return build.not_answered(shown, "howto", self.suggestions(m))  # "how do i encrypt … in the console"
        if not (m.asks_owner or m.anchored) and not (best and best.coverage == 1.0 and best.size >= 2):
            # No "who", no service, no incident: only a whole multi-word duty counts ("DATACENTER PHYSICAL
            # SECURITY"), never one word ("backup singer auditions", "patch notes for zelda").
            return build.not_answered(shown, "unsure", self.suggestions(m))
        service = self.kb.services[m.services[0]] if m.services else None
        category = self.kb.categories.get(m.category or "")
        if m.about_service_only and category is not None:  # "who secures abstracted services like s3?"
            return build.for_category(shown, category, m.confidence, self.today)
        if m.about_service_only and service is not None:
            return build.for_service(self.kb, shown, service, m.confidence, self.today)
        if best is None or m.confidence < ACCEPT:
            return build.not_answered(shown, "unsure", self.suggestions(m))
        if best.coverage < 1.0 and len(best.stems) == 1 and not m.services:
            # one word of a phrase and nothing else ("who won the migration sprint pool?"): no task is named
            return build.not_answered(shown, "unsure", self.suggestions(m))
        no_aws_word = m.category is None and not AWS_NAMES.intersection(m.tokens)  # no category, no "AWS"
        nothing_of_aws = no_aws_word and not m.services
        if m.privacy_law and no_aws_word and not m.named and best.id != RESIDENCY:
            # "who handles this GDPR Article 17 request?": the law, or the company's privacy process; where data
            # lives ("an EU region for GDPR") is still AWS's model
            return build.not_answered(shown, "unsure", self.suggestions(m))
        if "?" in m.text and not m.asks_owner and best.coverage < 1.0 and (not m.incident or nothing_of_aws):
            # "doesn't the cloudfront acm cert have to be in us-east-1?": no one is asked about, and only part of
            # a duty or incident is named: a question of another kind. With nothing of AWS in it, even one that
            # reads like an incident ("kbpgp: this key imports though it's expired, is that expected?") is about
            # someone else's software; a report without a question mark ("rdp port was open to the world") is read.
            return build.not_answered(shown, "unsure", self.suggestions(m))
        said = self._said(m)
        if best.kind == "scenario":
            sc = self.kb.scenarios[best.id]
            about = next((s for s in m.services if s in sc.services), None)  # the named service it is about
            overrides = [o for s in m.services if (o := self.kb.services[s].overrides.get(sc.duty))]
            # a general incident ("region outage") yields to a named service's own entry only when the question
            # states one of its settings ("our Aurora global database"): the setting decides, not the incident
            if about is not None or not overrides or (
                    not sc.services and not any(build.stated(o.variants, said) for o in overrides)):
                service = self.kb.services[about] if about else service
                return build.for_scenario(self.kb, shown, sc, service, m.confidence, self.today)
            duty = self.kb.duties[sc.duty]  # "msk broker certificate expired": MSK's own answer wins
        else:
            duty = self.kb.duties[best.id]
        named = [self.kb.services[s] for s in m.services]
        if not named:
            if category is not None:
                return build.in_category(self.kb, shown, duty, category, m.confidence, self.today)
            return build.for_duty(self.kb, shown, duty, None, m.confidence, self.today, said)
        if all(s.reports and duty.id not in s.overrides and s.primary_duty != duty.id for s in named):
            # "Inspector flags our AMIs: does AWS harden them?": a tool that reports on workloads says nothing
            # about who owns the workload's duty; its category's default would answer for the wrong thing
            general = build.for_duty(self.kb, shown, duty, None, m.confidence, self.today, said)
            return replace(general, service=build.service_ref(named[0]),
                           summary=f"{general.summary} (as {named[0].name} reports it)")
        moved = self.kb.services[m.moved_to[0]] if m.moved_to else None
        # the first service named, named again in the clause that asks ("our DAX cluster … who patches the DAX
        # nodes — do we need SSM on them?"), is the subject before one named only in passing
        asked = set(self.matcher.services_in(m.asking)) if m.asking else set()
        first_asked = m.services[0] in asked
        subject = moved or min(named, key=lambda s: self._subject_rank(duty, s, said, s.id in asked or not first_asked))

        result = build.for_duty(self.kb, shown, duty, subject, m.confidence, self.today, said)
        others = tuple(build.for_duty(self.kb, shown, duty, s, m.confidence, self.today, said)
                       for s in named if s is not subject)[:3]
        return replace(result, related=others)

    def _subject_rank(self, duty: Duty, service: Service, said: Callable[[str], float],
                      asked: bool) -> tuple[bool, ...]:
        """The subject is the service whose own docs speak to the setting the question states ("an
        ACM-issued certificate on CloudFront", "AWS managed keys for S3"); else a workload rather than an
        account-wide tool ("the iam role of our ecs tasks" is about ECS); then the service whose main duty
        it is, then any service whose own docs speak to the duty."""
        stated = self._stated_setting(duty, service, said) is not None
        own = build.resolve(self.kb, duty, service).id
        return not stated, not asked, service.account_wide, service.primary_duty != own, own not in service.overrides

    def _for_control(self, m: Match, control_id: str) -> Answer:
        """The control's own service (by its ID family) and the duty it evidences there."""
        family = control_id.split(".")[0].lower()
        service = next((s for s in self.kb.services.values() if family in _compact_names(s)), None)
        links = self._control_links.get(control_id, ())
        own = [d for sid, d in links if service is not None and sid == service.id]
        linked = own or [d for sid, d in links if sid is None] or [d for _, d in links]
        # of the duties that recommend it, the one its title reads as ("…should use IMDSv2" → instances)
        title = self.matcher.match(self.kb.controls[control_id].title)
        rank = {c.id: c.score for c in title.candidates if c.kind == "duty"}
        duty_id = max(linked, key=lambda d: rank.get(d, 0.0), default=None)
        duty = self.kb.duties[duty_id] if duty_id else None
        return build.for_control(self.kb, m.text[:500], control_id, service, duty, CONTROL_CONFIDENCE, self.today)

    def _nearest_services(self, name: str) -> tuple[str, ...]:
        names = {s.name: s for s in self.kb.services.values()}
        hits = process.extract(name, list(names), scorer=fuzz.WRatio, limit=3)
        return tuple(f"who secures {h[0]}?" for h in hits) or EXAMPLES[:3]

    def suggestions(self, m: Match) -> tuple[str, ...]:
        service = self.kb.services[m.services[0]] if m.services else None
        out: list[str] = []
        if service is not None:
            out.append(f"who secures {service.name}?")
        for target in self.matcher.near_misses(m.rest if service else m.content):
            kind, ident = target.split(":", 1)
            if kind == "scenario":
                out.append(self.kb.scenarios[ident].title)
            else:
                title = self.kb.duties[ident].title.lower()
                out.append(f"who is responsible for {title}" + (f" on {service.name}?" if service else "?"))
        if not out:
            out = list(EXAMPLES[:3])
        return tuple(dict.fromkeys(out))[:3]

    def service_card(self, name: str) -> ServiceCard | None:
        service = self.kb.service_by_name(name)
        if service is None:
            services, _, _ = self.matcher.find_services(self.matcher.folder.fold(words(name)))
            service = self.kb.services[services[0]] if services else None
        if service is None:
            return None
        rows = []
        for duty in self.kb.duties.values():
            override = service.overrides.get(duty.id)
            owner = override.owner if override else duty.owner_for(service.category)
            rows.append(DutyRow(duty.id, duty.title, owner, override is not None))
        return ServiceCard(service, tuple(rows))


__all__ = ["EXAMPLES", "Answer", "Context", "Engine", "ServiceCard"]
