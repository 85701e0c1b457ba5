"""The words of a Slack message, for "Who owns this?": its text, its blocks and its legacy attachments.

Findings arrive in every shape: Amazon Q Developer in chat applications posts Security Hub and GuardDuty
findings as legacy attachments (pretext, title, text, fields), an EventBridge rule with a Lambda posts Block
Kit (header, section text and fields, context, rich text), people post plain text. Everything is read
defensively — any field may be missing or of the wrong type — and bounded: at most MAX_BLOCKS blocks and
attachments are visited and MAX_CHARS characters kept, so a 4,000-block message costs no more than a small one.
Pieces already seen (a message's `text` is often its blocks' fallback) are kept once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

MAX_BLOCKS = 100  # blocks (and attachments, and elements inside each) visited
MAX_CHARS = 3000  # what is kept; the engine reads 2,000
MAX_DEPTH = 6

_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`~]")


def message_text(message: object) -> str:
    """Every readable piece of the message, in reading order, one per line, without repeats."""
    if not isinstance(message, dict):
        return ""
    kept: dict[str, str] = {}  # compared without bold/code markup → as written
    for piece in _pieces(message):
        flat = _SPACE.sub(" ", piece).strip()
        key = _MARKUP.sub("", flat)
        if not key or any(key in k for k in kept):
            continue
        kept = {k: v for k, v in kept.items() if k not in key}  # a longer piece replaces one it contains
        kept[key] = flat
        if sum(len(v) + 1 for v in kept.values()) >= MAX_CHARS:
            break
    return "\n".join(kept.values())[:MAX_CHARS]


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value[:MAX_BLOCKS] if isinstance(value, list) else []


def _pieces(message: dict[str, Any]) -> Iterator[str]:
    yield _str(message.get("text"))
    yield from _blocks(message.get("blocks"))
    for att in _list(message.get("attachments")):
        if not isinstance(att, dict):
            continue
        before = (_str(att.get("pretext")), _str(att.get("title")), _str(att.get("text")))
        yield from before
        for f in _list(att.get("fields")):
            if isinstance(f, dict):
                title, value = _str(f.get("title")), _str(f.get("value"))
                yield f"{title}: {value}" if title and value else title or value
        yield from _blocks(att.get("blocks"))
        if not any(before):  # the fallback repeats the rest; only worth reading when there is nothing else
            yield _str(att.get("fallback"))


def _blocks(blocks: object) -> Iterator[str]:
    for block in _list(blocks):
        if isinstance(block, dict):
            yield from _block(block)


def _block(block: dict[str, Any]) -> Iterator[str]:
    kind = block.get("type")
    if kind in ("section", "header", "markdown"):
        yield _text_object(block.get("text"))
        for f in _list(block.get("fields")):
            yield _text_object(f)
    elif kind == "context":
        for e in _list(block.get("elements")):
            yield _text_object(e) or (_str(e.get("alt_text")) if isinstance(e, dict) else "")
    elif kind == "rich_text":
        for e in _list(block.get("elements")):
            yield _rich(e, 0)


def _text_object(obj: object) -> str:
    if isinstance(obj, str):  # the markdown block's text is a plain string
        return obj
    return _str(obj.get("text")) if isinstance(obj, dict) else ""


def _rich(element: object, depth: int) -> str:
    """A rich_text section, list, quote or preformatted block, flattened: text, link labels, channels."""
    if not isinstance(element, dict) or depth > MAX_DEPTH:
        return ""
    kind = element.get("type")
    if kind == "text":
        return _str(element.get("text"))
    if kind == "link":
        return _str(element.get("text")) or _str(element.get("url"))
    if kind in ("rich_text_section", "rich_text_quote", "rich_text_preformatted"):
        return "".join(_rich(e, depth + 1) for e in _list(element.get("elements")))
    if kind == "rich_text_list":
        return "\n".join(_rich(e, depth + 1) for e in _list(element.get("elements")))
    return ""  # user and channel mentions, emoji, dates: nothing the engine reads
