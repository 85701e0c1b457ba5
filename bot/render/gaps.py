"""The knowledge-gap report (bot.store.gaps.Report) → Markdown for a pull request, JSON, and Block Kit for
the weekly digest (`srm gaps --post`) and the admins' Home tab. Pure functions."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict
from typing import Any

from bot.render.blocks import Block, context, escape, header, section, shorten
from bot.store.gaps import Gap, Report

KIND = {"correction": "✏️ correction", "downvote": "👎 not helpful", "unanswered": "🤔 not answered",
        "unknown_service": "❓ unknown service", "low_confidence": "〰️ low confidence"}
HOME_TOP = 5


def _day(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).date().isoformat()


def _md(text: str | None) -> str:
    """Safe in a Markdown table cell: no pipes, newlines, HTML, links, emphasis or @mentions."""
    text = " ".join((text or "").split())
    text = re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", text)
    return text.replace("@", "@\u200b")


def _qs(questions: tuple[str, ...]) -> str:
    return "<br>".join(f"“{_md(shorten(q, 160))}”" for q in questions) or "—"


def _about(service: str | None, duty: str | None) -> str:
    return " · ".join(f"`{x}`" for x in (service, duty) if x) or "general"


def to_json(report: Report) -> str:
    return json.dumps(asdict(report), ensure_ascii=False, indent=2)


def _summary(r: Report) -> str:
    rate = f" ({r.answered / r.answers:.0%})" if r.answers else ""
    return (f"{r.answers} answer(s), {r.answered} answered{rate}, {r.answers - r.answered} not · "
            f"{r.feedback_up} 👍 · {r.feedback_down} 👎 · {len(r.corrections)} correction(s)")


def markdown(r: Report) -> str:
    out = [f"## srm knowledge gaps, {_day(r.since)} to {_day(r.until)}", "", _summary(r), ""]
    out += ["### What to add next", ""]
    out += [f"{i}. **{KIND[g.kind]}** ×{g.count}: {_md(shorten(g.title, 200))}" for i, g in enumerate(r.top[:20], 1)]
    if not r.top:
        out.append("Nothing: every question was answered and nobody marked an answer unhelpful.")
    if r.unanswered:
        out += ["", "### Not answered, grouped by wording", "", "| times | why | questions |", "|---|---|---|"]
        out += [f"| {g.count} | {_md(', '.join(g.reasons))} | {_qs(g.questions)} |" for g in r.unanswered]
    if r.unknown_services:
        out += ["", "### Unknown services", "", "| service | times | questions |", "|---|---|---|"]
        out += [f"| {_md(u.name)} | {u.count} | {_qs(u.questions)} |" for u in r.unknown_services]
    if r.low_confidence:
        out += ["", "### Answered with low confidence", "", "| about | times | mean confidence | questions |",
                "|---|---|---|---|"]
        out += [f"| {_about(x.service, x.duty)} | {x.count} | {x.confidence:.0%} | {_qs(x.questions)} |"
                for x in r.low_confidence]
    if r.downvotes:
        out += ["", "### 👎 by service and duty", "", "| about | 👎 | 👍 | comments | questions |",
                "|---|---|---|---|---|"]
        out += [f"| {_about(d.service, d.duty)} | {d.count} | {d.helpful} | "
                f"{'<br>'.join(_md(shorten(c, 300)) for c in d.comments) or '—'} | {_qs(d.questions)} |"
                for d in r.downvotes]
    if r.corrections:
        out += ["", "### Suggested corrections", "",
                "| when | about | question | what is wrong | right owner | source |", "|---|---|---|---|---|---|"]
        out += [f"| {_day(c.at)} | {_about(c.service, c.duty)} | {_qs((c.question,) if c.question else ())} | "
                f"{_md(shorten(c.what_is_wrong, 400))} | {_md(c.right_owner) or '—'} | {_md(c.source_url) or '—'} |"
                for c in r.corrections]
    return "\n".join(out) + "\n"


def _gap_line(i: int, g: Gap) -> str:
    return f"{i}. *{KIND[g.kind]}* ×{g.count}: {escape(shorten(g.title, 200))}"


def digest(r: Report) -> dict[str, Any]:
    """The weekly digest for a channel: the ranked list, then the corrections and 👎 comments."""
    blocks: list[Block] = [header(f"srm knowledge gaps, {_day(r.since)} to {_day(r.until)}"), context(_summary(r))]
    lines = [_gap_line(i, g) for i, g in enumerate(r.top[:15], 1)]
    blocks.append(section("*What to add next*\n" + ("\n".join(lines) or "Nothing this time.")))
    for d in r.downvotes[:10]:
        if d.comments:
            blocks.append(section(f"👎 *{escape(_about(d.service, d.duty))}*\n" +
                                  "\n".join(f"• {escape(shorten(c, 300))}" for c in d.comments[:5])))
    for c in r.corrections[:10]:
        blocks.append(section(f"✏️ {escape(shorten(c.what_is_wrong, 500))}"
                              + (f"\n>{escape(shorten(c.question, 300))}" if c.question else "")
                              + (f"\nRight owner: {escape(c.right_owner)}" if c.right_owner else "")))
    blocks.append(context("Run `srm gaps` for the full report with the questions behind each gap."))
    return {"text": f"srm knowledge gaps: {_summary(r)}", "blocks": blocks[:50]}


def home_blocks(r: Report) -> list[Block]:
    """For users in SRM_ADMINS, on top of the Home tab: the week's top five gaps."""
    lines = [_gap_line(i, g) for i, g in enumerate(r.top[:HOME_TOP], 1)]
    return [header("Knowledge gaps this week (admins)"), context(_summary(r)),
            section("\n".join(lines) or "No gaps this week: every question was answered and nobody marked an "
                    "answer unhelpful."),
            context("`srm gaps` prints the full report as Markdown for a pull request."), {"type": "divider"}]


def with_admin_blocks(home: dict[str, Any], extra: list[Block], limit: int = 100) -> dict[str, Any]:
    return {**home, "blocks": (extra + home["blocks"])[:limit]}
