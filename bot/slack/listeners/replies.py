"""Turn a question into a message payload (text + blocks), and send it without letting errors escape.

Pure builders live in bot.render.blocks; this module only picks which ones a surface needs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.engine import EXAMPLES, Engine
from bot.engine.answer import Answer
from bot.render import blocks as bk

Payload = dict[str, Any]


def log_answer(logger: logging.Logger, surface: str, answer: Answer) -> Answer:
    """One structured line per answer: what was asked and what it matched (for tuning and audits)."""
    logger.info("answer", extra={
        "surface": surface, "question": answer.question[:300], "answered": answer.answered,
        "owner": answer.owner, "service": answer.service.id if answer.service else None,
        "duty": answer.duty.id if answer.duty else None,
        "scenario": answer.scenario.id if answer.scenario else None, "confidence": answer.confidence,
    })
    return answer


def answer_payload(answer: Answer, *, shareable: bool = False, shared_by: str | None = None) -> Payload:
    return {"text": bk.fallback_text(answer),
            "blocks": bk.answer_blocks(answer, shareable=shareable, shared_by=shared_by)}


def command_payload(engine: Engine, text: str, logger: logging.Logger | None = None) -> Payload:
    """`/srm ...`: help, services, service <name>, empty → usage, anything else is a question."""
    words = text.strip().split(maxsplit=1)
    verb = words[0].lower() if words else ""
    if not verb:
        return {"text": "Usage: /srm who patches rds", "blocks": bk.usage_blocks()}
    if verb == "help" and len(words) == 1:
        return {"text": "How to use srm", "blocks": bk.help_blocks(EXAMPLES)}
    if verb == "services" and len(words) == 1:
        return {"text": f"{len(engine.kb.services)} services", "blocks": bk.services_blocks(engine.kb)}
    if verb == "service":
        name = words[1] if len(words) > 1 else ""
        card = engine.service_card(name) if name else None
        if card is None:
            missing = f"I don't know a service called “{bk.shorten(name, 80)}”." if name else "Which service?"
            return {"text": missing, "blocks": [bk.section(bk.escape(missing) + " Try `/srm services`.")]}
        return {"text": f"{card.service.name}: every duty and its owner", "blocks": bk.service_card_blocks(card)}
    answer = engine.ask(text)
    if logger is not None:
        log_answer(logger, "command", answer)
    return answer_payload(answer, shareable=True)


def send(logger: logging.Logger, call: Callable[..., Any], what: str, **kwargs: Any) -> None:
    """Call the Web API (or response_url); log a failure and keep serving."""
    try:
        call(**kwargs)
    except SlackApiError as exc:
        logger.error("slack api error", extra={"call": what, "error": exc.response.get("error"),
                                               "status": exc.response.status_code})
    except Exception as exc:  # network trouble: the next request must still be served
        logger.error("slack call failed", extra={"call": what, "error": repr(exc)})
