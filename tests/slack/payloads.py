"""Saved real Slack payload shapes (tests/fixtures/slack), adapted per test."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from tests.conftest import FIXTURES


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "slack" / f"{name}.json").read_text())


def mention(text: str, *, thread_ts: str | None = None, event_id: str | None = None,
            **event: Any) -> dict[str, Any]:
    body = copy.deepcopy(load("app_mention"))
    body["event_id"] = event_id or f"Ev{uuid.uuid4().hex[:10]}"
    body["event"]["text"] = f"<@UBOTSRM01> {text}"
    body["event"]["ts"] = body["event"]["event_ts"] = f"1700000000.{uuid.uuid4().int % 10**6:06d}"
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    body["event"].update(event)
    return body


def direct_message(text: str, **event: Any) -> dict[str, Any]:
    body = copy.deepcopy(load("message_im"))
    body["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    body["event"]["text"] = text
    body["event"].update(event)
    return body


def home_opened(tab: str = "home") -> dict[str, Any]:
    body = copy.deepcopy(load("app_home_opened"))
    body["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    body["event"]["tab"] = tab
    return body


def slash(text: str, response_url: str) -> dict[str, str]:
    fields = load("slash_command")
    fields.update(text=text, response_url=response_url, trigger_id=f"{uuid.uuid4().int % 10**12}.1.{uuid.uuid4().hex}")
    return fields


def click(action_id: str, value: str, response_url: str | None, *, ephemeral: bool = True) -> dict[str, Any]:
    body = copy.deepcopy(load("block_actions"))
    body["actions"][0].update(action_id=action_id, value=value)
    body["trigger_id"] = f"{uuid.uuid4().int % 10**12}.1.{uuid.uuid4().hex}"  # one per click, as Slack sends
    body["container"]["is_ephemeral"] = ephemeral
    if response_url is None:  # a click in the Home tab: no channel, no response_url
        body.pop("response_url")
        body.pop("channel")
        body["container"] = {"type": "view", "view_id": "V1"}
    else:
        body["response_url"] = response_url
    return body


def shortcut(message: dict[str, Any] | str, response_url: str) -> dict[str, Any]:
    """"Who owns this?" used on `message`: a saved message fixture's name, or a message object."""
    body = copy.deepcopy(load("message_action"))
    if isinstance(message, str):
        message = {k: v for k, v in load(message).items() if k != "comment"}
    body["message"] = message
    body["message_ts"] = message.get("ts", body["message_ts"]) if isinstance(message, dict) else body["message_ts"]
    body["trigger_id"] = f"{uuid.uuid4().int % 10**12}.1.{uuid.uuid4().hex}"
    body["response_url"] = response_url
    return body


def file_share(text: str, **event: Any) -> dict[str, Any]:
    body = copy.deepcopy(load("message_im_file_share"))
    body["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    body["event"]["text"] = text
    body["event"].update(event)
    return body


def messages_tab(channel: str = "D0442US94JD") -> dict[str, Any]:
    body = copy.deepcopy(load("app_home_opened_messages"))
    body["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    body["event"]["channel"] = channel
    return body


def correction_submission(metadata: dict[str, Any], wrong: str | None, owner: str | None = None,
                          source: str | None = None) -> dict[str, Any]:
    """The "Suggest a correction" modal, submitted: state.values keyed by block id, then action id."""
    body = copy.deepcopy(load("view_submission"))
    body["view"]["id"] = f"V{uuid.uuid4().hex[:10].upper()}"
    body["view"]["private_metadata"] = json.dumps(metadata)
    values: dict[str, Any] = {"wrong": {"wrong": {"type": "plain_text_input", "value": wrong}},
                              "owner": {"owner": {"type": "static_select", "selected_option":
                                                  {"value": owner} if owner else None}},
                              "source": {"source": {"type": "url_text_input", "value": source}}}
    body["view"]["state"]["values"] = values
    return body
