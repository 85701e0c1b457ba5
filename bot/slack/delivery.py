"""Deliver a message to Slack, retrying 5xx, 429, timeouts and dropped connections until a deadline.

slack_sdk's own retry handlers do the retrying, for the Web API (WebClient) and for response_url
(WebhookClient — Bolt's `respond` has no retries, so srm posts to the response_url itself). Each handler
here is slack_sdk's built-in one with two changes: it stops at the answer's deadline rather than after a
fixed count, and it also retries a timed-out call and any 5xx (the built-ins know 500 and 503, and only
connection errors urllib wraps). Every single call has a short timeout, so a hung Slack endpoint costs
seconds, not a listener thread.
"""

from __future__ import annotations

import logging
import random
import re
import time
from dataclasses import dataclass, field
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from bot import metrics

log = logging.getLogger("srm.delivery")

RESPONSE_URL = "response_url"
BACKOFF_START = 0.25
NETWORK_ERRORS = [URLError, ConnectionError, TimeoutError, HTTPException]  # TimeoutError: a hung response


@dataclass(frozen=True)
class Send:
    """One message: `method` is a Web API method (chat.postMessage, views.publish) or RESPONSE_URL."""

    method: str
    kwargs: dict[str, Any]
    url: str | None = None  # the response_url
    allow_user: str | None = None  # the one user this message may mention (who shared it)


@dataclass(frozen=True)
class Timing:
    call_timeout: float = 3.0  # one HTTP call
    deadline: float = 15.0  # all retries of one answer
    max_backoff: float = 2.0


class CappedBackoff(RetryIntervalCalculator):
    """0.25 s, 0.5 s, 1 s, … capped, with jitter so retries from many threads do not arrive together."""

    def __init__(self, cap: float):
        self.cap = cap

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        return min(self.cap, BACKOFF_START * 2**current_attempt) * random.uniform(0.5, 1.0)


class _UntilDeadline(RetryHandler):
    """Mixed into slack_sdk's handlers: retry only if the wait before the next attempt ends before the
    answer's deadline, so the last attempt ends by deadline + call timeout — inside the claim's lease."""

    until: float = 0.0
    longest_wait: float = 0.0
    reason: str = "other"  # the label of srm_web_api_retries_total

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        metrics.WEB_API_RETRIES.labels(self.reason).inc()
        super().prepare_for_next_attempt(**kwargs)

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if time.monotonic() + self._wait(state, response) >= self.until:
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float:
        return min(self.longest_wait, BACKOFF_START * 2**state.current_attempt)  # CappedBackoff's longest


class _Server(_UntilDeadline, ServerErrorRetryHandler):
    reason = "server_error"

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        return (response is not None and response.status_code >= 500  # any 5xx, not only 500 and 503
                and time.monotonic() + self._wait(state, response) < self.until)


class _Connection(_UntilDeadline, ConnectionErrorRetryHandler):
    reason = "connection"


class _RateLimit(_UntilDeadline, RateLimitErrorRetryHandler):
    reason = "rate_limited"

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float:
        """slack_sdk sleeps for Retry-After plus up to 1 s of jitter."""
        values = [v for k, v in (response.headers if response else {}).items() if k.lower() == "retry-after"]
        try:
            return float(values[0][0]) + 1 if values else 2.0
        except (ValueError, IndexError, TypeError):
            return 2.0


def retry_handlers(until: float, timing: Timing) -> list[RetryHandler]:
    """Handlers for one answer, stopping at `until` (time.monotonic())."""
    backoff = CappedBackoff(timing.max_backoff)
    handlers: list[_UntilDeadline] = [_Server(max_retry_count=1000, interval_calculator=backoff),
                                      _Connection(max_retry_count=1000, interval_calculator=backoff,
                                                  error_types=NETWORK_ERRORS),
                                      _RateLimit(max_retry_count=1000, interval_calculator=backoff)]
    for h in handlers:
        h.until, h.longest_wait = until, timing.max_backoff
    return list(handlers)


_PING = re.compile(r"<([!@][^>]*)>")


def no_pings(node: Any, allow_user: str | None = None) -> Any:
    """Escape every <!channel>, <!here>, <!subteam^…> and <@U…> in mrkdwn text and the top-level text.

    The last line of defence, applied to every outgoing message whatever built it: srm never pings anyone
    except, on a shared answer, the person who shared it. plain_text never notifies, so it is left alone.
    """
    if isinstance(node, list):
        return [no_pings(n, allow_user) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "text" and isinstance(value, str) and node.get("type") != "plain_text":
            out[key] = _PING.sub(lambda m: m.group(0) if m.group(1) == f"@{allow_user}" else
                                 f"&lt;{m.group(1)}&gt;", value)
        else:
            out[key] = no_pings(value, allow_user)
    return out


@dataclass
class Deliverer:
    """Sends the messages of one answer, all before one deadline."""

    token: str
    base_url: str
    timing: Timing = field(default_factory=Timing)

    def send(self, message: Send, until: float, question_id: str, token: str | None = None) -> bool:
        """True once Slack accepted the message; False (logged with the question id) after the deadline.
        `token`: the asking workspace's bot token in OAuth mode (bot.slack.tokens); else the deliverer's."""
        kwargs = no_pings(message.kwargs, message.allow_user)
        handlers = retry_handlers(until, self.timing)
        try:
            if message.method == RESPONSE_URL:
                client = WebhookClient(message.url or "", timeout=self.timing.call_timeout,  # type: ignore[arg-type]
                                       retry_handlers=handlers)
                r = client.send_dict(kwargs)
                if r.status_code == 200:
                    return True
                error: Any = f"HTTP {r.status_code}"
            else:
                web = WebClient(token=token or self.token, base_url=self.base_url,
                                timeout=self.timing.call_timeout, retry_handlers=handlers)  # type: ignore[arg-type]
                web.api_call(message.method, json=kwargs)
                return True
        except SlackApiError as exc:
            error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
        except Exception as exc:  # network trouble past the deadline: logged, never raised
            error = repr(exc)
        metrics.WEB_API_ERRORS.labels(message.method).inc()
        log.error("delivery failed", extra={"question_id": question_id, "call": message.method,
                                            "error": str(error)[:300]})
        return False
