"""The shape of the knowledge files, checked with pydantic so every problem has a precise location.

Cross-references (a duty named by a service, a control ID, an alias claimed twice) are checked later, in
`loader.py`, once every file is read.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Owner = Literal["aws", "customer", "shared"]
CategoryId = Literal["infrastructure", "container", "abstracted"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ControlId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+\.\d+$")]

AWS_HOST_SUFFIXES = ("docs.aws.amazon.com", "aws.amazon.com", "d1.awsstatic.com")


def _check_url(url: str) -> str:
    if not url.startswith("https://"):
        raise ValueError(f"source must be an https URL, got {url!r}")
    host = url.removeprefix("https://").split("/", 1)[0]
    if not any(host == h or host.endswith("." + h) for h in AWS_HOST_SUFFIXES):
        raise ValueError(f"source must be on an AWS documentation host, got {host!r}")
    return url


Url = Annotated[str, StringConstraints(strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """Anything that states a fact: it cites AWS documentation and says when it was last reviewed."""

    sources: list[Url] = Field(min_length=1)
    reviewed: dt.date
    review_days: int = Field(default=180, ge=1, le=3650)
    # What the cited section (a source with its #anchor) establishes, in our own words, so a reviewer can
    # check the claim without reading the whole page. `srm validate` rejects a fact-bearing entry without it.
    evidence: Text | None = None

    @field_validator("sources")
    @classmethod
    def _aws_urls(cls, urls: list[str]) -> list[str]:
        return [_check_url(u) for u in urls]


class CategoryOwners(Strict):
    infrastructure: Owner
    container: Owner
    abstracted: Owner


class CategoryDoc(Sourced):
    id: CategoryId
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    definition: Text
    examples: list[Slug] = Field(min_length=1)
    aws_does: Text
    customer_does: Text


class VariantDoc(Strict):
    """The same duty under a stated setting: "with managed updates turned off", "in provisioned mode"."""

    when: list[Text] = Field(min_length=1)  # phrases; the variant applies if the question contains one
    owner: Owner
    aws_does: Text
    customer_does: Text
    # A variant answers with another owner, so it says what establishes that owner: its own section of the
    # override's page or another page (`sources`, cited first in the answer), and the evidence line.
    sources: list[Url] = Field(default_factory=list)
    evidence: Text | None = None

    @field_validator("sources")
    @classmethod
    def _aws_urls(cls, urls: list[str]) -> list[str]:
        return [_check_url(u) for u in urls]


class DutyDoc(Sourced):
    id: Slug
    title: Text
    phrases: list[Text] = Field(min_length=2)
    owner: Owner
    by_category: CategoryOwners
    aws_does: Text
    customer_does: Text
    controls: list[ControlId] = Field(default_factory=list)
    # Why a duty with a customer side recommends no control: no Security Hub control checks it. Every
    # recommended control must evidence the duty (controls.yaml), so a wrong one is never a stand-in.
    controls_exempt: Text | None = None
    # A broad duty ("patch management") that, asked about one service, means that service's own answer
    # for the first of these narrower duties it overrides ("who patches EKS?" → its worker-node patching).
    narrows_to: list[Slug] = Field(default_factory=list)
    # A setting stated in the question that decides the owner on every service ("an AWS owned key": the
    # service rotates it): read after a service's own stated settings, before its override's plain answer.
    variants: list[VariantDoc] = Field(default_factory=list)
    # A frame around another task rather than a task of its own ("AWS logs it anyway for their SOC report"):
    # when the question also names a whole task, that task is answered and the frame's words count as read.
    frame: bool = False


class OverrideDoc(Sourced):
    duty: Slug
    owner: Owner
    aws_does: Text
    customer_does: Text
    controls: list[ControlId] = Field(default_factory=list)
    variants: list[VariantDoc] = Field(default_factory=list)


class ServiceDoc(Sourced):
    id: Slug
    name: Text
    aliases: list[Text] = Field(min_length=1)
    weak_aliases: list[Text] = Field(default_factory=list)
    category: CategoryId
    aws_does: Text
    customer_does: Text
    primary_duty: Slug | None = None
    controls: list[ControlId] = Field(default_factory=list)
    overrides: list[OverrideDoc] = Field(default_factory=list)
    # workload: the service a task is about. account: applies to the whole account (IAM, CloudTrail, KMS…);
    # its controls fit any answer, and next to a workload it is the tool, not the subject ("the iam role of
    # our ecs tasks" is about ECS). reporting: reports about workloads (AWS Health, Inspector, Security Hub…);
    # never the subject next to a workload either, but its controls check particular resources.
    scope: Literal["workload", "account", "reporting"] = "workload"


class ScenarioDoc(Sourced):
    id: Slug
    title: Text
    phrases: list[Text] = Field(min_length=2)
    services: list[Slug] = Field(default_factory=list)
    duty: Slug
    owner: Owner
    aws_does: Text
    customer_does: Text
    now: list[Text] = Field(min_length=1)
    prevent: list[ControlId] = Field(min_length=1)
    # Duties besides `duty` that the prevention is about ("leaked access key" is an access-keys scenario,
    # prevented also by threat detection): each `prevent` control must evidence `duty` or one of these.
    prevent_duties: list[Slug] = Field(default_factory=list)


class ControlDoc(Strict):
    id: ControlId
    title: Text
    service: Text
    cis: list[Text] = Field(default_factory=list)
    # The duties whose customer side this control checks: a duty, override or scenario may recommend the
    # control only for one of these. Curated by hand; scripts/import_controls.py keeps them.
    evidences: list[Slug] = Field(min_length=1)
    # Optional: the services whose resources it checks (ids). When given, only these services' entries
    # may recommend it; when absent, any service's may (KMS.4 fits RDS, S3 and DynamoDB keys alike).
    services: list[Slug] = Field(default_factory=list)


class RetiredControlDoc(Strict):
    id: ControlId
    replaced_by: list[ControlId] = Field(default_factory=list)
    note: Text


class LanguageDoc(Strict):
    """Matching vocabulary: synonyms folded to one word, other clouds, words that mean 'secure'."""

    synonyms: dict[str, list[Text]] = Field(default_factory=dict)
    # the commonest task words of other languages, folded like synonyms but never a typo's fix ("parches")
    translations: dict[str, list[Text]] = Field(default_factory=dict)
    other_clouds: list[Text] = Field(default_factory=list)
    outside_aws: list[Text] = Field(default_factory=list)  # not AWS unless an AWS service is named
    other_parties: list[Text] = Field(default_factory=list)  # vendors offered as the owner: "microsoft or us?"
    # money, whoever is asked about: "do Savings Plans apply automatically or do we pick them?"
    billing_phrases: list[Text] = Field(default_factory=list)
    # a data-protection law's own terms ("article 17", "the data controller"): with nothing of AWS named, a
    # question about the law or the company's privacy duties, not about the shared responsibility model
    privacy_law_phrases: list[Text] = Field(default_factory=list)
    howto_phrases: list[Text] = Field(default_factory=list)
    # a request or tooling words ("create a", "in terraform"): a how-to unless a whole task is read on a named
    # service ("create a lifecycle policy for VPC flow logs" asks for a task whose owner it implies)
    request_phrases: list[Text] = Field(default_factory=list)
    ownership_phrases: list[Text] = Field(default_factory=list)
    security_words: list[Text] = Field(default_factory=list)
    action_words: list[Text] = Field(default_factory=list)
    incident_words: list[Text] = Field(default_factory=list)
    resource_words: list[Text] = Field(default_factory=list)
    general_duty: Slug | None = None  # meant by "who is responsible for security?" and nothing more
    stopwords: list[Text] = Field(default_factory=list)

