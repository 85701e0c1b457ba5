"""Match + Answer → a maintainer's view of how a question was read (`srm ask --explain`)."""

from __future__ import annotations

from bot.engine.answer import Answer
from bot.engine.matcher import Match

TOP = 6


def explain(m: Match, a: Answer) -> str:
    def words(items) -> str:
        return " ".join(sorted(items)) or "-"

    lines = [
        f"question:    {m.text[:300]}",
        f"tokens:      {' '.join(m.tokens)[:300]}",
        f"corrections: {', '.join(f'{a}→{b}' for a, b in m.corrections) or '-'}",
        f"services:    {', '.join(m.services) or '-'}   category: {m.category or '-'}"
        f"{f'   moving to: {m.moved_to[0]} (settings read from word {m.moved_to[1]} on)' if m.moved_to else ''}",
        f"asking:      {m.asking[:300] or '(the whole message)'}",
        f"content:     {words(m.content)}",
        f"task words:  {words(m.rest)}",
        f"unexplained: {words(m.unexplained)}",
        f"signals:     asks_owner={m.asks_owner} anchored={m.anchored} howto={m.howto} "
        f"other_cloud={m.other_cloud or '-'} about_service_only={m.about_service_only}",
        "candidates:",
    ]
    for c in m.candidates[:TOP]:
        lines.append(f"  {c.score:8.3f}  cov {c.coverage:.2f}  {c.target:<40} «{c.phrase}»")
    if not m.candidates:
        lines.append("  (none)")
    lines.append(f"confidence:  {m.confidence:.3f}  ({m.why or 'from the best candidate'})")
    if a.answered:
        what = a.scenario.id if a.scenario else (a.duty.id if a.duty else "the service's split")
        lines.append(f"answer:      owner={a.owner} service={a.service.id if a.service else '-'} about={what}")
    else:
        lines.append(f"answer:      not answered ({a.reason})")
    return "\n".join(lines)
