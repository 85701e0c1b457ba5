"""Question text → clean text → tokens. Pure functions shared by the index and the matcher."""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

MAX_QUESTION_CHARS = 2000  # enough for any real question; a 20,000-character paste is cut, not refused

_SLACK_LINK = re.compile(r"<(https?://|mailto:)[^>|]*\|([^>]*)>")
_SLACK_BARE_LINK = re.compile(r"<(?:https?://|mailto:)[^>]*>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>")
_SLACK_SPECIAL = re.compile(r"<[@!][^>]*>")
_BARE_URL = re.compile(r"https?://\S+")
_EMOJI = re.compile(r":[a-z][a-z0-9_+'-]*:")  # ":fire:", ":rotating_light:" are pictures, not words
_FORMATTING = re.compile(r"(```|`|(?<!\w)[*_~]+|[*_~]+(?!\w))")
_ANYWHERE = re.compile(r"(0\.0\.0\.0/0|::/0)")
_WORD = re.compile(r"[a-z0-9]+")
_LETTER_SUFFIX = re.compile(r"\b([a-z0-9]{2,})-([a-z])\b")  # "sse-c" is one name, not "sse" and a dropped "c"
# Where a clause ends: sentence punctuation before a space, dashes between words, brackets. Real questions
# put their context first and the ask last ("… in the maintenance window? so patching redshift is AWS's?").
_CLAUSE_END = re.compile(r"[.?!;:]+(?=\s|$)|\s[-—–]+\s|[—–()\[\]]|\s(?=(?:so|but)\s)"
                         r"|,\s(?=(?:who|whose|which|does|do we|is it|is that|are we)\b)", re.IGNORECASE)

# A snowball stemmer keeps per-call state in the object, so two threads sharing one corrupt each other's
# results (and the lru_cache below would keep the wrong stem for good). One stemmer per thread.
_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    s = getattr(_local, "stemmer", None)
    if s is None:
        s = _local.stemmer = snowballstemmer.stemmer("english")
    return s


def clean_slack(text: str) -> str:
    """Strip Slack markup but keep what a person reads: link labels, code contents, channel names."""
    text = _SLACK_LINK.sub(lambda m: m.group(2), text)
    text = _SLACK_BARE_LINK.sub(" ", text)
    text = _SLACK_CHANNEL.sub(lambda m: f"#{m.group(1)}" if m.group(1) else " ", text)
    text = _SLACK_SPECIAL.sub(" ", text)  # user mentions, <!channel>, <!here>, user groups
    text = html.unescape(text)
    text = _BARE_URL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _FORMATTING.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


# Documentation hosts of other clouds: a link to one, with no AWS service named, says whose platform it is
# ("… deprecated on Cloud Functions. See https://cloud.google.com/functions/docs/…")
_OTHER_CLOUD_HOSTS = (("cloud.google.com", "google cloud"), ("firebase.google.com", "firebase"),
                      ("azure.microsoft.com", "azure"), ("learn.microsoft.com/en-us/azure", "azure"),
                      ("docs.microsoft.com/en-us/azure", "azure"), ("docs.oracle.com/en-us/iaas", "oracle cloud"))
_URL_HOST = re.compile(r"https?://([^\s>|]+)")


def linked_cloud(text: str) -> str | None:
    """The other cloud whose documentation the message links to, if any."""
    for url in _URL_HOST.findall(text):
        for host, cloud in _OTHER_CLOUD_HOSTS:
            if url.lower().startswith(host):
                return cloud
    return None


# An evaluation result pasted from AWS Config or an audit ("`s3-bucket-replication-enabled` NON_COMPLIANT"): a rule
# that checks a setting in the customer's account
_NON_COMPLIANT = re.compile(r"\bNON[_ -]COMPLIANT\b|(?i:\b(rule|check|audit)\b.{0,80}\bnon[_ -]?compliant\b)")


def reports_noncompliance(text: str) -> bool:
    return bool(_NON_COMPLIANT.search(text))


# "manualRemediation: None required", "AWS infrastructure has been patched, no customer action required"
_NO_ACTION = re.compile(r"(?i)\b(?:manual\s*remediation\W{0,4}|remediation (?:says|listed as)\W{0,4})\W?none required\b"
                        r"|\bno (?:customer |further )?action (?:is )?(?:required|needed)\b"
                        r"|\brequires no customer action\b")


_ACTION_REQUIRED = re.compile(r"(?i)(?<!\bno )(?<!\bno customer )\baction (?:is )?required\b"
                              r"|\buser action\b|\bmust (?:manually )?update\b")


# "AWS has since fixed the issue", "Following disclosure, AWS fixed the bug", "AWS now enforces that …"
_AWS_FIXED = re.compile(r"(?i)\b(?:aws|amazon) (?:has |have )?(?:since |now |quickly )?(?:fixed|patched|mitigated|"
                        r"remediated) (?:the|this|it|that|an?)\b|\bissue has been resolved\b|\baws now enforces\b")


def says_no_action(text: str) -> bool:
    """A notice or write-up quoted as saying customers need do nothing, or that AWS has fixed it: what it is
    about was AWS's to fix. Not when it also asks for action ("if … set to update automatically, no action is
    required. Otherwise, action is required"), and not when the words are asked ("has AWS fixed it?")."""
    if _ACTION_REQUIRED.search(text):
        return False
    return any(not _asked(text, m.end()) for r in (_NO_ACTION, _AWS_FIXED) for m in r.finditer(text))


def _asked(text: str, end: int) -> bool:
    """Whether the sentence these words end in is a question."""
    rest = re.match(r"[^.!?\n]*([.!?\n]|$)", text[end:])
    return bool(rest and rest.group(1) == "?")


def unread_share(text: str) -> float:
    """The share of a message, by weight of letters, that is not in Latin letters (Hangul, CJK, Devanagari,
    Cyrillic…): words srm cannot read, since it reads only the Latin words. One such letter carries about as
    much as a short Latin word's worth of letters, so it weighs three."""
    if text.isascii():  # most questions: nothing to look up
        return 0.0
    latin = other = 0
    for ch in text:
        if ch.isalpha():
            if "LATIN" in unicodedata.name(ch, ""):
                latin += 1
            else:
                other += 3
    return other / (latin + other) if latin + other else 0.0


def words(text: str) -> list[str]:
    """Lowercase alphanumeric words; '0.0.0.0/0' becomes 'anywhere'."""
    text = _ANYWHERE.sub(" anywhere ", text[:MAX_QUESTION_CHARS].lower())
    text = _LETTER_SUFFIX.sub(r"\1\2", _unaccented(text))
    return [w for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


def _unaccented(text: str) -> str:
    """'quién', 'mêmes', 'für' → 'quien', 'memes', 'fur': an accent never splits a word in two."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# GuardDuty finding types, ThreatPurpose:ResourceType/ThreatFamilyName.DetectionMechanism!Artifact
_FINDING = re.compile(r"\b([A-Z][A-Za-z]+):([A-Za-z0-9]+)/([A-Za-z0-9]+)(?:[.!][A-Za-z0-9.!-]*)?")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_FINDING_RESOURCE = {"iamuser": "iam user", "ec2": "ec2 instance", "s3": "s3 bucket", "kubernetes": "eks kubernetes",
                     "lambda": "lambda function", "rds": "rds database", "runtime": "workload runtime",
                     "ecs": "ecs task", "malware": "malware", "eks": "eks"}


# AWS resource IDs pasted from a console or a finding name their service: "on i-0a91…" is an EC2 instance
_RESOURCE_ID = re.compile(r"\b(i|ami|vol|snap|sg|eni|vpc|subnet|igw|nat|tgw|vpce)-[0-9a-f]{4,17}\b(?:\.{2,3}|…)?")
_RESOURCE_NAME = {"i": "ec2 instance", "ami": "ec2 ami", "vol": "ebs volume", "snap": "ebs snapshot",
                  "sg": "security group", "eni": "network interface", "vpc": "vpc", "subnet": "vpc subnet",
                  "igw": "vpc internet gateway", "nat": "vpc nat gateway", "tgw": "transit gateway",
                  "vpce": "vpc endpoint"}


# names of AWS managed rule groups pasted from a console: "AWSManagedRulesCommonRuleSet" is a WAF managed rule
# group, "ThreatSignaturesMalwareStrictOrder" a Network Firewall managed threat signature rule group
_RULE_GROUP = re.compile(r"\bAWSManagedRules\w+|\b(?:ThreatSignatures|AbusedLegitMalwareDomains|MalwareDomains|"
                         r"BotNetCommandAndControlDomains)\w*")


# "aws/ebs", "aws/s3": the alias of an AWS managed KMS key (not "/aws/lambda/fn", a log group's name)
_MANAGED_KEY = re.compile(r"(?<![/\w])aws/[a-z0-9-]+\b(?!/)", re.IGNORECASE)

# AWS's own reaction to a leaked access key, pasted from CloudTrail or a Health event
_QUARANTINE = re.compile(r"\bAWSCompromisedKeyQuarantine\w*|\bAWS_RISK_IAM_QUARANTINE\b|"
                         r"\bAWS_RISK_CREDENTIALS_EXPOSED\w*", re.IGNORECASE)

# "us-east-1", "eu-west-1a", "use1-az4": where something runs, not a task ("1" is not "TLS 1.1"); a zone names
# its kind, since "our instances were all in us-east-1a" is about Availability Zones. A Region reads as a place
# word (a stopword), so "in eu-west-1, ami-…" keeps its "in" and never makes the next name a platform. Not
# "region": "S3 had an outage in us-east-1" then reads as a Region outage (shared), when S3's outage is AWS's.
_REGION = re.compile(r"\b(?:(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:gov-|iso[a-z]?-)?"
                     r"(?:north|south)?(?:east|west|central)?-\d([a-z])?|[a-z]{3,4}\d-az\d+)\b", re.IGNORECASE)

PLACE_WORD = "there"
# "DC" is a data center, except next to Active Directory, where it is a domain controller ("DC security event logs")
_DC = re.compile(r"\bDCs?\b")
_DIRECTORY = re.compile(r"\b((?-i:AD)|active directory|managed (microsoft )?ad|ad connector|ldap|kerberos|"
                        r"domain (trust|join)|forest trust)\b", re.IGNORECASE)

_PY_LAMBDA = re.compile(r"\blambda\s+[a-z_][a-z0-9_]*(\s*,\s*[a-z_][a-z0-9_]*)*\s*:", re.IGNORECASE)


def _region_words(m: re.Match[str]) -> str:
    code = m.group(0).lower()
    if m.group(1) or "-az" in code:
        return "availability zone"
    return "govcloud" if "-gov-" in code else PLACE_WORD  # us-gov-west-1 says which partition it is in


def expand_pasted_names(text: str) -> str:
    """Names pasted from a console or code read as what they name: a resource ID its service ('CVE-2024-6387 on
    i-0a91…' → '… on ec2 instance'), a managed rule group its service, 'aws/ebs' an AWS managed KMS key, AWS's
    quarantine policy a leaked access key, and a Python `lambda x: …` is code, not AWS Lambda."""
    text = _PY_LAMBDA.sub("python anonymous function ", text)
    text = _MANAGED_KEY.sub("aws managed kms key", text)
    text = _QUARANTINE.sub("aws compromised key quarantine policy on our leaked access key", text)
    text = _RULE_GROUP.sub(lambda m: "aws waf managed rule group" if m.group(0).startswith("AWSManagedRules")
                           else "network firewall managed threat signatures rule group", text)
    if _DIRECTORY.search(text):
        text = _DC.sub(lambda m: "domain controllers" if m.group(0).endswith("s") else "domain controller", text)
    text = _REGION.sub(_region_words, text)
    return _RESOURCE_ID.sub(lambda m: _RESOURCE_NAME[m.group(1)], text)


def expand_findings(text: str) -> str:
    """'CryptoCurrency:EC2/BitcoinTool.B' → 'guardduty finding crypto currency on ec2 instance: bitcoin tool',
    so a pasted GuardDuty finding type reads as words (and is never taken for an unknown product name)."""
    def words_of(name: str) -> str:
        return _CAMEL.sub(" ", name).lower()

    def expand(m: re.Match[str]) -> str:
        purpose, resource, family = m.groups()
        where = _FINDING_RESOURCE.get(resource.lower(), words_of(resource))
        return f"guardduty finding {words_of(purpose)} on {where}: {words_of(family)}"

    text = _INSPECTOR_PACKAGE.sub(r"\1 in the library \2", _FINDING.sub(expand, text))
    return _ACRONYM_PLURAL.sub(r"\1", expand_pasted_names(text))


# "DMs", "EVs", "VMs": the plural of an acronym, never a service whose name ends in S (DMS, EVS)
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
# Amazon Inspector's package finding title, "CVE-2024-35195 - requests": a vulnerable library, not OS or runtime
_INSPECTOR_PACKAGE = re.compile(r"\b(CVE-\d{4}-\d{4,7})\s+-\s+([A-Za-z][\w.-]*)")


_OPTION = re.compile(r"(?:^|\s)\(?([A-Da-d1-4])[).:]\s+")
_WANTS_CUSTOMER = re.compile(r"\b(customer'?s?|our|we|us)\b[^.?]*\b(job|responsib\w*|duty|task)|"
                             r"\b(belongs?|falls?|lies|rests?)\s+(to|on|with|under)\s+(the\s+)?(customers?|us)\b|"
                             r"\bwhich\b[^.?]*\b(do|must|should)\s+(we|customers|the\s+customer)\s+"
                             r"(handle|do|manage|own|perform|take)|"
                             r"\b(job|responsib\w*|duty|task)\w*\s+of\s+(the\s+)?(customer|us)\b|"
                             # "the bank's responsibility", "remains with the company"
                             r"\b(?!aws'|amazon')[a-z]+'s\s+(job|responsib\w*|duty|task)|"
                             r"\b(remains?|stays?)\s+with\s+(the\s+)?(customer|company|team|us)\b|"
                             r"\bcustomer[- ]specific\b|"
                             # "the customer manages which of the following?"
                             r"\b(customers?|company|user|we)\s+(manages?|handles?|owns?|performs?)\s+which\b|"
                             # "which is an example of security IN the cloud?": the customer's half of the model
                             r"\bsecurity\s+in\s+the\s+(aws\s+)?cloud\b|"
                             # "the user is fully responsible for which action"
                             r"\b(user|customer|company|we)\s+(is|are)\s+(fully\s+|solely\s+|entirely\s+)?responsible\s+for\s+"
                             r"(which|what)\b|"
                             # "which task is the CUSTOMER's?", "which remains the company's?"
                             r"\b(is|are|remains?|stays?)\s+(still\s+)?(the\s+)?(?!aws'|amazon')[a-z]+'s?(?=\s*[?:,.])",
                             re.IGNORECASE)
_WANTS_AWS = re.compile(r"\b(aws'?s?|amazon'?s?)\b[^.?]*\b(job|responsib\w*|duty|task)|"
                        r"\b(job|responsib\w*|duty|task)\w*\s+of\s+(aws|amazon)\b|"
                        # "which responsibility moves to AWS" (not "moves to Amazon MSK"), "inherit from AWS",
                        # "no longer perform(s)"
                        r"\b(moves?|shifts?|transfers?|passes)\s+to\s+(aws|amazon)\b(?!\s+(?-i:[A-Z]))|"
                        r"\binherits?\s+(\w+\s+)?from\s+(aws|amazon)\b|"
                        r"\bno\s+longer\s+(perform|do|handle|manage|need)|\binherited\s+control|"
                        # "which option means the company does NOT have to install updates"
                        r"\b(does|do)\s+not\s+(have|need)\s+to\b|\b(doesn'?t|don'?t)\s+(have|need)\s+to\b|"
                        # "which responsibility belongs to AWS", "which of these does AWS handle"
                        r"\b(belongs?|falls?|lies|rests?)\s+(to|on|with|under)\s+(aws|amazon)\b|"
                        r"\bwhich\b[^.?]*\b(does|do|will)\s+(aws|amazon)\s+(handle|do|manage|own|perform|take)|"
                        r"\b(managed|handled|owned|performed|provided)\s+(entirely\s+|solely\s+|fully\s+|automatically\s+)?"
                        r"by\s+(aws|amazon)\b|\bsecurity\s+of\s+the\s+(aws\s+)?cloud\b|"
                        r"\b(is|are|remains?|stays?)\s+(still\s+)?(aws|amazon)'s?(?=\s*[?:,.])|"
                        r"\b(aws|amazon)\s+(manages?|handles?|owns?|performs?)\s+which\b|"
                        # "which common IT tasks can AWS cover to free up company IT resources?"
                        r"\bcan\s+(aws|amazon)\s+(cover|handle|take\s+over|manage|perform|do)\b",
                        re.IGNORECASE)
# "AWS, for all layers", "Both: AWS configures its devices and the customer …": a party, then why
_PARTY_LEAD = re.compile(r"(the\s+)?(aws|amazon|customer|both|neither)\b\s*[,:;(—-]", re.IGNORECASE)
# options that name parties, not tasks ("A) The customer B) AWS C) Both"): the stem alone is the question
_PARTY = re.compile(r"\b(aws|amazon|customers?|both|shared|team|company|partners?|tenants?|owners?|provider|support|"
                    r"third[- ]party|vendors?|administrators?|dba|developers?|users?|auditors?|colocation|neither)\b",
                    re.IGNORECASE)


def exam_options(text: str) -> tuple[str | None, tuple[str, ...]]:
    """'Which is the customer's job … A) … B) … C) …' → ("customer", (option texts)). An exam question names
    the owner and asks which task is theirs; (None, ()) for anything else."""
    lettered = _lettered(text)
    if lettered is None:
        return _spelled_options(text)
    stem_, options = lettered
    if not re.search(r"\b(which|what)\b", stem_, re.IGNORECASE) or _classes(options) or _parties(options):
        return None, ()  # options that are parties ("A) The company B) AWS") are answers, not tasks
    wants = _wants(stem_)
    if wants and _EXCEPT.search(stem_):
        wants = f"not {wants}"  # "which is NOT an inherited control?": the one option that is not AWS's
    return wants, options if wants else ()


_EXCEPT = re.compile(r"\b(?-i:NOT|EXCEPT)\b|\bwhich\b[^?]*\b(is|are|does|do)\s+not\b|\bwhich\b[^?]*\bexcept\b",
                     re.IGNORECASE)


@lru_cache(maxsize=1024)  # one question's text is parsed by several readings (stem, options, claims, offers)
def _lettered(text: str) -> tuple[str, tuple[str, ...]] | None:
    """The stem and the options of "… A) … B) … C) …" (letters or numbers in order), or None."""
    marks = list(_OPTION.finditer(text))
    letters = [m.group(1).upper() for m in marks]
    if len(marks) < 2 or letters != [chr(ord(letters[0]) + i) for i in range(len(letters))]:
        return _dashed(text)
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return text[:marks[0].start()], tuple(text[m.end():end].strip(" ,;.?") for m, end in zip(marks, ends, strict=True))


def _dashed(text: str) -> tuple[str, tuple[str, ...]] | None:
    """Options as a dashed list after the question ("What is the customer responsible for? - Physical access
    controls. - Data encryption. - …"), as practice-exam banks print them."""
    stem_, mark, rest = text.partition("?")
    if not mark:
        return None
    rest = _CHOOSE.sub("", rest, count=1)  # "(Choose FOUR)" before the list
    if rest.lstrip().startswith("- "):
        parts = _DASH.split(" " + rest.strip())
    elif rest.count(" / ") >= 2:  # "… when using S3? Physical security / Patching the service / Bucket policies"
        parts = rest.split(" / ")
    else:
        return None
    options = tuple(o for o in (part.strip(" ,;.?") for part in parts) if o)
    return (stem_ + mark, options) if 2 <= len(options) <= 6 else None


_DASH = re.compile(r"\s+-\s+")
_CHOOSE = re.compile(r"^\s*\((choose|select|pick)\s+\w+\.?\)", re.IGNORECASE)
_OR = re.compile(r",?\s+or\s+|,\s+", re.IGNORECASE)


_MODEL = re.compile(r"\b((the|aws|amazon)\s+)*shared\s+responsibilit(y|ies)(\s+model)?\b", re.IGNORECASE)
_WANTS_SHARED = re.compile(r"\bshared\s+(control|task|duty|responsibilit\w*)|\bboth\s+(aws|amazon)\s+and\b|"
                           r"\b(is|are)\s+shared\s+(between|by)\b",
                           re.IGNORECASE)


def _wants(stem_: str) -> str | None:
    """Whose task the question asks for. "The AWS shared responsibility model" names the model, not AWS;
    "a shared control" asks for one both parties hold."""
    if _WANTS_SHARED.search(_MODEL.sub(" ", stem_.replace("*", ""))):
        return "shared"
    plain = _MODEL.sub(" the model ", stem_)
    return "customer" if _WANTS_CUSTOMER.search(plain) else "aws" if _WANTS_AWS.search(plain) else None


def exam_stem(text: str) -> str | None:
    """The question without its options when the options are parties ("Who is responsible for X? A) The
    customer B) AWS C) The colocation tenant"): they are the answers to choose from, not part of the task."""
    lettered = _lettered(text)
    if lettered is None:
        return None
    stem_, options = lettered
    if _classes(options):  # "X is best described as: A) inherited control B) shared control …": X's class
        return f"{stem_.strip().rstrip(':')} — which type of control?"
    return stem_.strip() if _parties(options) else None


_CUSTOMER_SIDE = frozenset({"customer", "customers", "company", "you", "your", "we", "us", "tenant"})


def offered_owners(text: str) -> frozenset[str]:
    """The owners a multiple-choice question offers when its options are parties ("A. Your security team
    B. Your development team C. AWS"): an answer none of them names cannot be the option to pick."""
    lettered = _lettered(text)
    if lettered is None or _classes(lettered[1]) or not _parties(lettered[1]) or any(
            len(o.split()) > 6 for o in lettered[1]):  # statements to judge, not parties
        return frozenset()
    owners = set()
    for option in lettered[1]:
        said = set(words(option.lower()))
        aws = bool(said & {"aws", "amazon"})
        if said & {"both", "shared", "jointly", "together", "hybrid"} or (aws and said & _CUSTOMER_SIDE):
            owners.add("shared")
        elif aws or "inherited" in said:
            owners.add("aws")
        elif "neither" not in said:
            owners.add("customer")
    return frozenset(owners)


def _classes(options: tuple[str, ...]) -> bool:
    """Options that are the model's classes of control."""
    return sum(bool(_CONTROL_CLASS.search(o)) for o in options) >= 2


def _parties(options: tuple[str, ...]) -> bool:
    """Options that are mostly parties (owners to choose from), not tasks."""
    parties = [o for o in options if (len(o.split()) <= 6 and _PARTY.search(o)) or _PARTY_LEAD.match(o)]
    return len(parties) * 2 > len(options)


_CONTROL_CLASS = re.compile(r"\b(inherited|shared|customer[- ]specific|hybrid)\b.*\bcontrols?\b|^not\s+a\s+control",
                            re.IGNORECASE)


def statement_stem(text: str) -> str | None:
    """'Which statement about X is true? A) … B) …' → the stem: the true statement is the one that fits X's
    task, and reading the options as the task lets a false option's owner win."""
    lettered = _lettered(text)
    return lettered[0].strip() if lettered and _WHICH_STATEMENT.search(lettered[0]) else None


# an option that starts with a party is read by _LEADING_PARTY first; these find the owner named later on
_CLAIMS_AWS = re.compile(r"\b(responsibility|job|duty)\s+of\s+(aws|amazon)\b", re.IGNORECASE)
_CLAIMS_CUSTOMER = re.compile(r"\b(responsibility|job|duty)\s+of\s+(the\s+)?customers?\b", re.IGNORECASE)
_CLAIMS_SHARED = re.compile(r"\b(both|shared\s+between|jointly)\b", re.IGNORECASE)
_FALSE_WANTED = re.compile(r"\b(not|false|incorrect|untrue|wrong)\b", re.IGNORECASE)


def stated_claims(text: str) -> tuple[tuple[str, str], ...]:
    """'Which statement is true? A. AWS manages everything related to EC2 operating systems. B. AWS customers are
    responsible for patching database software on EC2 …' → each option with the owner it claims: the true one is
    the option whose claim the knowledge base agrees with. Only options that each name one owner."""
    lettered = _lettered(text)
    if not lettered or not _WHICH_STATEMENT.search(lettered[0]) or _FALSE_WANTED.search(lettered[0]):
        return ()
    claims = []
    for option in lettered[1]:
        owner = _claimed_owner(option)
        if owner:
            claims.append((option, owner))
    return tuple(claims) if len(claims) >= 2 else ()


def _claimed_owner(option: str) -> str | None:
    """The owner an option's statement names: the party it starts with ("Amazon FSx performs … in the customer's
    window" claims AWS), else the only one it names."""
    lead = _LEADING_PARTY.match(option)
    if lead:
        return "aws" if lead.group(2).lower() in ("aws", "amazon") else "customer"
    owners = [o for o, rx in (("shared", _CLAIMS_SHARED), ("customer", _CLAIMS_CUSTOMER), ("aws", _CLAIMS_AWS))
              if rx.search(option)]
    return owners[0] if len(owners) == 1 else None


_LEADING_PARTY = re.compile(r"\s*(the\s+)?(aws(?!\s+customers?\b)|amazon(?!\s+customers?\b)|customers?|users?|you|"
                            r"company|companies|aws\s+customers?)\b", re.IGNORECASE)


def control_type_subject(text: str) -> str | None:
    """'Patch management … is an example of which type of control?' → "who is responsible for patch management
    …": the words before the verb are the task the exam asks about; the rest is the exam's frame."""
    m = _CONTROL_TYPE.search(text) or _CLASSIFIED.search(text) or _TITLED_TYPE.search(text)
    # the model classifies the control itself, whatever workload the exam puts it on: "patch management for a
    # hybrid estate (EC2, Outposts…)" is asked as "patch management"
    said = re.sub(r"\([^)]*\)?", " ", m.group(1)) if m else ""
    said = _MODEL_ASIDE.sub(" ", said)  # "patch management, per the AWS shared responsibility model, is …"
    said = re.split(r"[.!?]\s+", said.strip())[-1]  # "AWS patches …; customers patch …. Patch management is …"
    # the workload first ("patch management for NAT gateways, ALBs and proxies"), then any prefix before the
    # subject ("Practice exam Q: patch management", "Under the model, X")
    said = _QUALIFIER.split(said, maxsplit=1)[0]
    subject = re.split(r"[:,]", said)[-1].strip(" ,;")
    return f"who is responsible for {subject}?" if len(subject.split()) >= 2 else None


_CONTROL_TYPE = re.compile(r"^(.*?)\s+(?:is|are|appears?|falls?|counts?)\b[^?]*?\b(?:(?:which|what)\s+(?:type|kind|"
                           r"category|sort)\s+of\s+(?:aws\s+)?control|which\s+control\s+type)",
                           re.IGNORECASE | re.DOTALL)


# "Configuration management — AWS maintains … and the customer configures …. What type of control is this?": the
# control is named first, as a title, and described after it
_TITLED_TYPE = re.compile(r"^\s*([^—–:\n]{3,60}?)\s+[—–:-]+\s.*\b(?:which|what)\s+(?:type|kind|category|sort)\s+of\s+"
                          r"(?:aws\s+)?control\s+(?:is|are)\s+(?:this|that|it|these|those)\b",
                          re.IGNORECASE | re.DOTALL)


_MODEL_ASIDE = re.compile(r",?\s*\b(per|under|according\s+to|in|within)\s+(the\s+)?(aws\s+)?shared\s+responsibility"
                          r"(\s+model)?\s*,?", re.IGNORECASE)
_CLASSIFIED = re.compile(r"\bhow\s+(?:is|are)\s+(.*?)\s+classified\b", re.IGNORECASE | re.DOTALL)
_QUALIFIER = re.compile(r"\s(?:for|on|in|across|within|of)\s", re.IGNORECASE)


_WHICH_STATEMENT = re.compile(r"\bwhich\b(\s+\w+){0,3}\s+statements?\b.*\b(true|correct|accurate|right)\b",
                              re.IGNORECASE)


def _spelled_options(text: str) -> tuple[str | None, tuple[str, ...]]:
    """The same without letters: 'Which of these is AWS's job: X, Y, or Z?' (a colon, then two to four
    options of two words or more, the last after "or")."""
    stem_, colon, rest = text.partition(":")
    if not colon or not re.search(r"\b(which|what)\b", stem_, re.IGNORECASE) or not re.search(r"\bor\b", rest):
        return None, ()
    wants = _wants(stem_)
    options = tuple(o.strip(" ,;.?") for o in _OR.split(rest.strip().rstrip("?.").strip()))
    if not wants or not 2 <= len(options) <= 4 or any(len(o.split()) < 2 for o in options):
        return None, ()
    return wants, options


def clauses(text: str) -> list[tuple[str, bool]]:
    """The text cut into clauses, each with whether it ended in a question mark."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CLAUSE_END.finditer(text):
        piece = text[pos:m.start()].strip()
        if piece:
            out.append((piece, "?" in m.group(0)))
        pos = m.end()
    tail = text[pos:].strip()
    if tail:
        out.append((tail, False))
    return out


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    """An English word list (the english-words package's web2 list), loaded the first time a typo fix is
    considered: most questions never need it, and `srm ask` starts faster without it."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


_INFLECTIONS = ("ing", "ed", "es", "s", "d")


def is_english(word: str) -> bool:
    """A real English word, or one inflected from it ("opting", "emails"): never a typo to fix, even when
    it looks like a word of ours ("explicit" is not "exploit", "opting" is not "operating")."""
    known = _english()
    if word in known or (word.endswith(("ies", "ied")) and word[:-3] + "y" in known):  # "policies", "applied"
        return True
    return any(word.endswith(end) and len(word) - len(end) >= 3 and
               (word[:-len(end)] in known or word[:-len(end)] + "e" in known) for end in _INFLECTIONS)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


class SynonymFolder:
    """Replaces every variant ("operating system", "db") with its key ("os", "database")."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]):
        table: dict[tuple[str, ...], str] = {}
        for key, variants in synonyms.items():
            for variant in variants:
                table[tuple(words(variant))] = key
        self._table = table
        self._longest = max((len(k) for k in table), default=0)

    def fold(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                key = self._table.get(tuple(tokens[i : i + size]))
                if key is not None:
                    out.extend(key.split())
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out
