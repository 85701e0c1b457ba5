"""Load and faults: signed /srm commands and @mentions from 50 concurrent senders against the Procfile's web
process, while the Slack stand-in fails 20% of chat.postMessage / response_url calls with a 500 and holds
5% for 10 s before dropping them, and one gunicorn worker is killed (SIGKILL) part-way through.

The senders behave as Slack does: an event that is not acked with a 200 (an error, or no answer in 3 s) is
delivered again with X-Slack-Retry-Num (after 1 s, 10 s and 40 s here rather than Slack's immediately,
1 min and 5 min); a slash command is never retried. At the end it prints, per kind: sent, acked with a 200
within 3 s on the first delivery, answered (at least one message Slack accepted), duplicated (more than
one) and lost (none). Run: `make bench-faults` (add `ARGS="--commands 600 --mentions 600"` for a shorter run).
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack import payloads  # noqa: E402
from tests.slack.fake_slack import FakeSlack, Faults  # noqa: E402
from tests.slack.server import WebProcess  # noqa: E402
from tests.slack.signing import SECRET, command_body, event_body  # noqa: E402

QUESTIONS = ["who patches rds", "our s3 bucket was public, whose job?", "who manages kms key policies",
             "who secures eks", "who patches the guest os on ec2", "whats for lunch"]
RETRY_AFTER = (1.0, 10.0, 40.0)  # Slack: immediately, 1 minute, 5 minutes — compressed
ACK_LIMIT = 3.0
FAILURES = ('"listener failed"', '"answer failed"', '"sweep failed"')


@dataclass
class Sent:
    kind: str  # command | mention
    key: str  # response_url path, or the mention's ts (its reply's thread_ts)
    acked_in_time: bool = False
    acked: bool = False  # a 200 at any delivery: Slack (and the user) consider it accepted
    reset: bool = False  # the first delivery got no HTTP answer at all (the killed worker had it)
    deliveries: int = 0  # how many times it was POSTed (retries included)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def post(web: WebProcess, body: tuple[str, str], extra: dict[str, str] | None = None) -> tuple[int, float]:
    start = time.monotonic()
    try:
        status = web.post_signed(body, extra=extra).status
    except OSError:  # reset by the killed worker, or no answer within the client's 10 s
        status = 0
    return status, time.monotonic() - start


def send_one(web: WebProcess, fake: FakeSlack, i: int, kind: str) -> Sent:
    question = QUESTIONS[i % len(QUESTIONS)]
    if kind == "command":
        name = f"bench-{i}"
        item, body = Sent(kind, f"/response/{name}"), command_body(payloads.slash(question, fake.response_url(name)))
    else:
        event = payloads.mention(question, event_id=f"EvBENCH{i:07d}", ts=f"1800000000.{i:06d}")
        item, body = Sent(kind, event["event"]["ts"]), event_body(event)
    status, seconds = post(web, body)
    item.deliveries = 1
    item.acked_in_time = status == 200 and seconds < ACK_LIMIT
    item.acked = status == 200
    item.reset = status == 0
    if kind == "mention":
        for n, wait in enumerate(RETRY_AFTER, 1):
            if status == 200 and seconds < ACK_LIMIT:
                break
            time.sleep(wait)
            status, seconds = post(web, body, {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
            item.deliveries += 1
    item.acked = status == 200
    return item


def answers(fake: FakeSlack) -> Counter[str]:
    """Messages Slack accepted (200), by question key."""
    got: Counter[str] = Counter()
    for c in fake.delivered("/api/chat.postMessage"):
        got[str(c.body.get("thread_ts"))] += 1
    with fake._lock:
        calls = list(fake.calls)
    for c in calls:
        if c.path.startswith("/response/bench-") and c.status == 200:
            got[c.path] += 1
    return got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--commands", type=int, default=3000)
    ap.add_argument("--mentions", type=int, default=3000)
    ap.add_argument("--senders", type=int, default=50)
    ap.add_argument("--errors", type=float, default=0.20)
    ap.add_argument("--hangs", type=float, default=0.05)
    ap.add_argument("--settle", type=float, default=120.0, help="max seconds to wait for the last answers")
    args = ap.parse_args()
    kinds = ["command"] * args.commands + ["mention"] * args.mentions
    kinds = [kinds[i] for i in sorted(range(len(kinds)), key=lambda i: (i * 7919) % len(kinds))]  # interleave
    kill_at = len(kinds) * 2 // 5
    done = threading.Semaphore(0)
    killed: list[int] = []
    kill_time: list[float] = []

    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        web = WebProcess({"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
                          "SLACK_API_BASE_URL": fake.api_url,
                          "SRM_DATABASE_URL": f"sqlite:///{Path(tmp) / 'srm.sqlite3'}"})
        try:
            web.wait_ready()
            fake.inject(Faults(error_rate=args.errors, hang_rate=args.hangs, hang_seconds=10.0))

            def killer() -> None:
                for _ in range(kill_at):
                    done.acquire()
                victim = worker_pids(web.proc.pid)[0]
                os.kill(victim, signal.SIGKILL)  # a child of the gunicorn master this benchmark started
                killed.append(victim)
                kill_time.append(time.monotonic())

            def one(i: int) -> Sent:
                try:
                    return send_one(web, fake, i, kinds[i])
                finally:
                    done.release()

            threading.Thread(target=killer, daemon=True).start()
            start = time.monotonic()
            with ThreadPoolExecutor(args.senders) as pool:
                sent = list(pool.map(one, range(len(kinds))))
            sending = time.monotonic() - start
            deadline = time.monotonic() + args.settle
            # Everything acked must be answered; a command the killed worker took down before claiming it
            # never will be (Slack showed that user an error), so only wait for those up to 40 s (a lease).
            while time.monotonic() < deadline and any(answers(fake)[s.key] == 0 for s in sent if s.acked):
                time.sleep(1.0)
            while time.monotonic() < min(deadline, time.monotonic() + 40) and any(
                    answers(fake)[s.key] == 0 for s in sent):
                time.sleep(1.0)
            time.sleep(3.0)  # anything answered twice would arrive now
            got = answers(fake)
            with fake._lock:
                first = {}
                for c in fake.calls:  # when each question's first accepted message arrived
                    k = c.path if c.path.startswith("/response/") else str(c.body.get("thread_ts"))
                    if c.status == 200:
                        first.setdefault(k, c.at)
        finally:
            log = web.stop()

    print(f"{len(sent)} questions from {args.senders} senders in {sending:.0f} s; stand-in: "
          f"{args.errors:.0%} HTTP 500, {args.hangs:.0%} held 10 s then dropped; "
          f"worker {killed[0] if killed else '-'} killed after {kill_at} questions")
    print(f"{'':9} {'sent':>6} {'acked<3s':>9} {'reset':>6} {'answered':>9} {'duplicated':>11} {'lost':>5} "
          f"{'lost after a 200':>17} {'retried by Slack':>17}")
    for kind in ("command", "mention"):
        mine = [s for s in sent if s.kind == kind]
        print(f"{kind + 's':9} {len(mine):6} {sum(s.acked_in_time for s in mine):9} {sum(s.reset for s in mine):6} "
              f"{sum(got[s.key] > 0 for s in mine):9} {sum(got[s.key] > 1 for s in mine):11} "
              f"{sum(got[s.key] == 0 for s in mine):5} {sum(got[s.key] == 0 and s.acked for s in mine):17} "
              f"{sum(s.deliveries > 1 for s in mine):17}")
    if killed:
        dups = [s for s in sent if got[s.key] > 1]
        near = sum(abs(first[s.key] - kill_time[0]) < 1.0 for s in dups)
        print(f"duplicated: {near} of {len(dups)} had their first message accepted by Slack within 1 s of the kill "
              f"(in flight when the worker died, so never recorded as sent)")
    lines = log.splitlines()
    print(f"server log: {sum('abandoned question taken over' in x for x in lines)} taken over by a sweeper, "
          f"{sum('delivery failed' in x for x in lines)} deliveries past the deadline, "
          f"{sum('answer pool full' in x for x in lines)} deferred (pool full), "
          f"{sum('taken over while queued' in x for x in lines)} taken over while queued, "
          f"{sum('Traceback' in x for x in lines)} tracebacks, "
          f"{sum(any(m in x for m in FAILURES) for x in lines)} listener, answer or sweep failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
