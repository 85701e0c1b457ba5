"""Answer → readable terminal text."""

from __future__ import annotations

import textwrap

from bot.engine import ServiceCard
from bot.engine.answer import OWNER_LABEL, Answer, headline

WIDTH = 100


def _wrap(label: str, text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=f"{label:<11}", subsequent_indent=" " * 11) or [label]


def answer(a: Answer) -> str:
    if not a.answered:
        lines = [a.summary]
        if a.suggestions:
            lines.append("Did you mean:")
            lines += [f"  - {s}" for s in a.suggestions]
        return "\n".join(lines)
    lines = [f"Owner:     {OWNER_LABEL[a.owner or 'shared']}"]
    if a.service:
        lines.append(f"Service:   {a.service.name} ({a.service.category} service)")
    if a.scenario:
        lines.append(f"Incident:  {a.scenario.name}")
    elif a.duty:
        lines.append(f"Duty:      {a.duty.name}")
    lines += _wrap("Summary:", headline(a))
    lines += _wrap("AWS does:", a.aws_does)
    lines += _wrap("You do:", a.customer_does)
    if a.steps:
        lines.append("Do now:")
        lines += [f"  {i}. {s}" for i, s in enumerate(a.steps, 1)]
    for i, c in enumerate(a.controls):
        cis = f" ({c.cis[0]})" if c.cis else ""  # the newest benchmark version
        lines.append(f"{'Controls:' if i == 0 else '':<11}{c.id} {c.title}{cis}")
    for r in a.related:
        lines += _wrap("Compare:", f"{r.service.name if r.service else ''}: {OWNER_LABEL[r.owner or 'shared']}. "
                       f"{r.aws_does} {r.customer_does}")
    lines.append("Sources:   " + "\n           ".join(a.sources))
    reviewed = a.reviewed.isoformat() if a.reviewed else "unknown"
    lines.append(f"Reviewed:  {reviewed}" + ("  (may be outdated)" if a.outdated else ""))
    lines.append(f"Confidence: {a.confidence:.2f}" + ("" if a.sure else "  (less sure: check the reading)"))
    if a.alternative is not None:
        alt = a.alternative
        about = (alt.scenario or alt.duty).name if (alt.scenario or alt.duty) else "another reading"
        lines += _wrap("Or maybe:", f"if you meant {about.lower()}: {OWNER_LABEL[alt.owner or 'shared']}. "
                       f"{alt.customer_does}")
    return "\n".join(lines)


def service_card(card: ServiceCard) -> str:
    s = card.service
    lines = [f"{s.name} ({s.category} service)"]
    lines += _wrap("AWS does:", s.aws_does) + _wrap("You do:", s.customer_does)
    lines.append("")
    width = max(len(r.title) for r in card.rows)
    for row in card.rows:
        mark = "*" if row.specific else " "
        lines.append(f"  {row.title:<{width}}  {row.owner:<8} {mark}")
    lines.append("")
    lines.append("* from this service's own documentation; others follow the category default.")
    lines.append("Sources: " + ", ".join(s.provenance.sources))
    return "\n".join(lines)
