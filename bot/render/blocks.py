"""Answer → Block Kit. Pure functions; every limit Slack enforces is enforced here first.

Limits (api.slack.com/reference/block-kit): 50 blocks per message, 100 per Home tab, 3,000 characters per
section text, 150 per header, 75 per button label, 2,000 per button value. Anything longer is shortened
with an ellipsis. Text taken from users is escaped (&, <, >) so `<!channel>` can never be echoed as a ping.
"""

from __future__ import annotations

import json
from typing import Any

from bot.engine import ServiceCard
from bot.engine.answer import OWNER_LABEL, Answer, headline
from bot.knowledge.model import CATEGORIES, KnowledgeBase

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_HOME_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
BUTTON_CHARS = 75
VALUE_CHARS = 2000
FALLBACK_CHARS = 3000

OWNER_BADGE = {"aws": "☁️ *AWS*", "customer": "🧑‍💻 *You (the customer)*", "shared": "🤝 *Shared: AWS and you*"}
SHORT = {"aws": "AWS", "customer": "you", "shared": "shared"}
CATEGORY_SHORT = {"infrastructure": "I:", "container": "C:", "abstracted": "A:"}

# action_ids, shared with the listeners
SHARE = "share_answer"
SUGGEST = "suggest"  # suggest_0, suggest_1, ...
HELPFUL = "feedback_helpful"
UNHELPFUL = "feedback_unhelpful"
ASK_EXAMPLE = "ask_example"  # ask_example_0, ...


def escape(text: str) -> str:
    """Escape Slack's three control characters after undoing any escaping Slack already applied."""
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(mrkdwn, SECTION_CHARS)}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, HEADER_CHARS)}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": shorten(mrkdwn, SECTION_CHARS)}]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    b: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": shorten(label, BUTTON_CHARS)},
                         "action_id": action_id, "value": shorten(value, VALUE_CHARS)}
    if style:
        b["style"] = style
    return b


def _feedback_value(a: Answer) -> str:
    data = {"q": a.question[:500], "owner": a.owner, "duty": a.duty.id if a.duty else None,
            "service": a.service.id if a.service else None,
            "scenario": a.scenario.id if a.scenario else None, "confidence": a.confidence}
    return json.dumps(data, ensure_ascii=False)[:VALUE_CHARS]


def fallback_text(a: Answer) -> str:
    """Top-level `text`: what notifications and screen readers show."""
    if not a.answered:
        return shorten(a.summary, FALLBACK_CHARS)
    return shorten(f"{OWNER_LABEL[a.owner or 'shared']}. {a.summary}", FALLBACK_CHARS)


def answer_blocks(a: Answer, *, shareable: bool = False, shared_by: str | None = None) -> list[Block]:
    if not a.answered:
        return _not_answered_blocks(a)
    blocks: list[Block] = [
        section(f"*Owner:* {OWNER_BADGE[a.owner or 'shared']}\n{escape(headline(a))}"),
    ]
    if a.outdated:  # visible, next to the owner, not only in the small print under the sources
        blocks.append(context("⚠️ *May be outdated* — an entry this answer rests on is past its review date; "
                              "check the sources below."))
    blocks += [section(f"*What AWS does*\n{escape(a.aws_does)}"), section(f"*What you do*\n{escape(a.customer_does)}")]
    if a.alternative is not None and a.alternative.owner:
        alt = a.alternative
        about = (alt.scenario or alt.duty).name if (alt.scenario or alt.duty) else "another reading"
        blocks.append(section(f"*Or maybe:* if you meant _{escape(about.lower())}_ — {OWNER_BADGE[alt.owner]}\n"
                              f"{escape(shorten(alt.customer_does or alt.aws_does, 600))}"))
    if a.steps:
        blocks.append(section("*Do now*\n" + "\n".join(f"{i}. {escape(s)}" for i, s in enumerate(a.steps, 1))))
    if a.category_owners:
        blocks.append(section("*Depends on the service*\n" + "\n".join(
            f"• {c}: {SHORT[o]}" for c, o in a.category_owners)))
    for r in a.related:
        if r.service:
            blocks.append(section(f"*Compare — {escape(r.service.name)}:* {OWNER_BADGE[r.owner or 'shared']}\n"
                                  f"AWS: {escape(r.aws_does)}\nYou: {escape(r.customer_does)}"))
    if a.controls:
        blocks.append(section("*Recommended controls* (AWS Security Hub)\n" + "\n".join(
            f"• `{c.id}` {escape(c.title)}" + (f" _({escape(c.cis[0])})_" if c.cis else "")
            for c in a.controls)))
    if a.sources:
        links = " · ".join(f"<{s}|{escape(_label(s))}>" for s in a.sources)
        reviewed = a.reviewed.isoformat() if a.reviewed else "unknown"
        stale = " ⚠️ _may be outdated_" if a.outdated else ""
        blocks.append(context(f"Sources: {links}\nReviewed {reviewed}{stale}"))
    where = []
    if a.service:
        where.append(f"{escape(a.service.name)} · {a.service.category} service")
    where.append(f"confidence {a.confidence:.0%}")
    if shared_by:
        where.append(f"shared by <@{shared_by}>")
    blocks.append(context(" · ".join(where)))
    actions = [button("👍 Helpful", HELPFUL, _feedback_value(a)),
               button("👎 Not helpful", UNHELPFUL, _feedback_value(a))]
    if shareable:
        actions.insert(0, button("Share in channel", SHARE, a.question, style="primary"))
    blocks.append({"type": "actions", "elements": actions})
    return blocks[:MAX_MESSAGE_BLOCKS]


def _label(url: str) -> str:
    path = url.split("://", 1)[-1]
    host, _, rest = path.partition("/")
    tail = rest.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html") or host
    return shorten(tail.split("#")[0], 60)


def _not_answered_blocks(a: Answer) -> list[Block]:
    blocks: list[Block] = [section(f"🤔 {escape(a.summary)}")]
    if a.question:
        blocks.append(context(f"You asked: {escape(shorten(a.question, 300))}"))
    if a.suggestions:
        blocks.append(section("*Did you mean:*"))
        blocks.append({"type": "actions", "elements": [
            button(s, f"{SUGGEST}_{i}", s) for i, s in enumerate(a.suggestions[:3])]})
    return blocks


def help_blocks(examples: tuple[str, ...]) -> list[Block]:
    return [
        header("srm — who owns this security task on AWS?"),
        section("Ask in plain words and I name the owner (AWS, you, or shared), what each side does, the "
                "Security Hub controls that prove it, and the AWS docs it rests on."),
        section("*Commands*\n• `/srm <question>` — private answer with a *Share in channel* button\n"
                "• `/srm services` — every service I know, by category\n"
                "• `/srm service <name>` — every duty and its owner for one service\n"
                "• `/srm quiz` — ten questions to test yourself\n"
                "• `/srm help` — this message\n"
                "• Mention `@srm` in a channel — I answer in the thread, and follow-ups there "
                "(“and on fargate?”) keep the task\n"
                "• *Who owns this?* in any message's ⋮ menu — a finding, an alert, a colleague's post\n"
                "• Or send me a direct message"),
        section("*Try*\n" + "\n".join(f"• `{escape(e)}`" for e in examples)),
    ]


def services_blocks(kb: KnowledgeBase) -> list[Block]:
    blocks = [header(f"Services I know ({len(kb.services)})")]
    for cat in CATEGORIES:
        names = sorted(s.name for s in kb.services.values() if s.category == cat)
        c = kb.categories[cat]
        blocks.append(section(f"*{c.name}* ({len(names)}) — {escape(c.definition)}\n{escape(', '.join(names))}"))
    blocks.append(context("`/srm service <name>` shows every duty and its owner for one service."))
    return blocks


def service_card_blocks(card: ServiceCard) -> list[Block]:
    s = card.service
    blocks = [
        header(f"{s.name} — {s.category} service"),
        section(f"*What AWS does*\n{escape(s.aws_does)}\n*What you do*\n{escape(s.customer_does)}"),
    ]
    lines = [f"{'*' if r.specific else ''}{escape(r.title)}{'*' if r.specific else ''}: {SHORT[r.owner]}"
             for r in card.rows]
    blocks += _chunked_sections(lines, "*Every duty and its owner* (bold = from this service's own docs)")
    links = " · ".join(f"<{u}|{escape(_label(u))}>" for u in s.provenance.sources)
    blocks.append(context(f"Sources: {links} · reviewed {s.provenance.reviewed.isoformat()}"))
    return blocks[:MAX_MESSAGE_BLOCKS]


def _chunked_sections(lines: list[str], title: str) -> list[Block]:
    out, buf = [], title
    for line in lines:
        if len(buf) + len(line) + 1 > SECTION_CHARS:
            out.append(section(buf))
            buf = ""
        buf = f"{buf}\n{line}" if buf else line
    if buf:
        out.append(section(buf))
    return out


def usage_blocks() -> list[Block]:
    return [section("Usage: `/srm who patches rds` · `/srm services` · `/srm service <name>` · `/srm quiz` · "
                    "`/srm help`")]


def home_view(kb: KnowledgeBase, examples: tuple[str, ...]) -> dict[str, Any]:
    cats = [kb.categories[c] for c in CATEGORIES]
    blocks: list[Block] = [
        header("The AWS shared responsibility model, in one screen"),
        section("*AWS secures the cloud* — facilities, hardware, the global network, the host OS and "
                "hypervisor, and the managed parts of each service.\n*You secure what you put in the "
                "cloud* — data, identities, configuration, and anything you run yourself. Where the line "
                "falls depends on the kind of service:"),
    ]
    for c in cats:
        blocks.append(section(f"*{escape(c.name)}* (e.g. {escape(', '.join(c.examples))})\n"
                              f"{escape(c.definition)}\n☁️ AWS: {escape(c.aws_does)}\n"
                              f"🧑‍💻 You: {escape(c.customer_does)}"))
    blocks.append({"type": "divider"})
    blocks.append(header("Who owns what, by category"))
    lines = [f"{escape(d.title)} — " + " · ".join(f"{CATEGORY_SHORT[c.id]} {SHORT[d.owner_for(c.id)]}" for c in cats)
             for d in kb.duties.values()]
    blocks += _chunked_sections(lines, "_Owner on infrastructure (I), container (C) and abstracted (A) services_")
    blocks.append({"type": "divider"})
    blocks.append(header("Try asking"))
    blocks.append({"type": "actions", "elements": [
        button(e, f"{ASK_EXAMPLE}_{i}", e) for i, e in enumerate(examples[:5])]})
    blocks.append(section("*How to ask*\n• `/srm who patches rds` anywhere (private, with *Share in channel*)\n"
                          "• `@srm our bucket was public — whose job was that?` in a channel: I answer in "
                          "the thread\n• *Who owns this?* in any message's ⋮ menu (Security Hub and "
                          "GuardDuty findings too)\n• A direct message to me\n• `/srm services`, "
                          "`/srm service eks`, `/srm quiz`, `/srm help`"))
    blocks.append(context(f"Knowledge base {kb.version}: {len(kb.services)} services, {len(kb.duties)} duties, "
                          f"{len(kb.scenarios)} incident scenarios. Every answer cites AWS documentation."))
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


# ---- agent messaging: the Messages tab's suggested prompts (also declared in manifest.yaml) -------------

SUGGESTED_PROMPTS_TITLE = "Ask who owns an AWS security task"
SUGGESTED_PROMPTS = (
    {"title": "Who patches RDS?", "message": "who patches rds?"},
    {"title": "Who owns Security Hub EC2.8?", "message": "who owns EC2.8?"},
    {"title": "A bucket was public: whose job?", "message": "our s3 bucket was public — whose job was that?"},
    {"title": "Test yourself", "message": "quiz"},
)


def suggested_prompts(channel: str) -> dict[str, Any]:
    """The arguments of assistant.threads.setSuggestedPrompts for a DM with srm (no thread: the Messages tab)."""
    return {"channel_id": channel, "title": SUGGESTED_PROMPTS_TITLE, "prompts": [dict(p) for p in SUGGESTED_PROMPTS]}


# ---- "Who owns this?" on a message ---------------------------------------------------------------------

def nothing_to_read_blocks() -> list[Block]:
    return [section("🤔 I found no text in that message to read — no text, blocks or attachments I understand. "
                    "Try `/srm` with the finding's ID (`/srm who owns EC2.8?`) or its title.")]


# ---- the onboarding quiz -------------------------------------------------------------------------------

QUIZ_START = "quiz_start"
QUIZ_ANSWER = "quiz_answer"  # quiz_answer_aws, quiz_answer_customer, quiz_answer_shared
QUIZ_CHOICES = (("aws", "☁️ AWS"), ("customer", "🧑‍💻 You"), ("shared", "🤝 Shared"))


def _link(url: str) -> str:
    return f"<{url}|{escape(_label(url))}>"


def quiz_feedback_blocks(number: int, prompt: str, owner: str, why: str, source: str, choice: str,
                         right: bool) -> list[Block]:
    verdict = "✅ *Right*" if right else f"❌ *Not quite* — you said {SHORT.get(choice, '?')}"
    return [section(f"{verdict}\n*{number}. {escape(prompt)}*\nOwner: {OWNER_BADGE[owner]}\n{escape(why)}"),
            context(f"Source: {_link(source)}")]


def quiz_question_blocks(number: int, total: int, prompt: str, state: str, score: int) -> list[Block]:
    """One question with its three buttons; `state` (the run, as JSON) rides in every button's value."""
    return [section(f"*Question {number} of {total}* · score {score}/{number - 1}\n{escape(prompt)}"),
            {"type": "actions", "block_id": f"quiz_{number}", "elements": [
                button(label, f"{QUIZ_ANSWER}_{owner}", state) for owner, label in QUIZ_CHOICES]}]


def quiz_message(feedback: list[Block], question: list[Block]) -> list[Block]:
    return [*feedback, *([{"type": "divider"}] if feedback and question else []), *question][:MAX_MESSAGE_BLOCKS]


def quiz_done_blocks(score: int, total: int, misses: list[tuple[str, str, str]]) -> list[Block]:
    """The score, and each missed question with its owner and the page to read: (prompt, owner, source)."""
    blocks = [header(f"Quiz done: {score}/{total}")]
    if misses:
        lines = [f"• {escape(p)} — *{SHORT[o]}* · {_link(s)}" for p, o, s in misses]
        blocks += _chunked_sections(lines, "*Worth reading* (the ones you missed):")
    else:
        blocks.append(section("Every one right. 🎉"))
    blocks.append({"type": "actions", "elements": [button("Another round", QUIZ_START, "again", style="primary")]})
    return blocks


def quiz_home_blocks(progress: dict[str, Any] | None) -> list[Block]:
    """The Home tab's quiz section: what this user has done so far, and the button to start."""
    p = progress or {}
    current, last = p.get("current"), p.get("last")
    lines = []
    if isinstance(current, dict):
        lines.append(f"In progress: {current.get('answered', 0)} of {current.get('of', 10)} answered, "
                     f"{current.get('score', 0)} right.")
    if isinstance(last, dict):
        lines.append(f"Last round: {last.get('score', 0)}/{last.get('of', 10)} on {escape(str(last.get('on', '')))}"
                     f" · best {p.get('best', 0)} · {p.get('runs', 0)} round(s)")
    status = "\n".join(lines) or "Ten questions on who owns what, from the knowledge base. About two minutes."
    return [header("Test yourself"), section(status),
            {"type": "actions", "elements": [button("Start the quiz", QUIZ_START, "home", style="primary")]}]


def home_with_quiz(home: dict[str, Any], progress: dict[str, Any] | None) -> dict[str, Any]:
    """The shared Home view with this user's quiz section after the introduction."""
    blocks = home["blocks"]
    quiz = quiz_home_blocks(progress)
    return {**home, "blocks": [*blocks[:2], *quiz, *blocks[2:]][:MAX_HOME_BLOCKS]}
