"""Slack round trip: signed slash commands from 20 concurrent senders against the Procfile's web process,
side by side with a minimal Bolt app (bench/minimal_app.py) under the same gunicorn settings.

Measures, per request: ack time (HTTP response to the signed POST) and answer time (until the reply
reaches the response_url, recorded by a local stand-in for Slack). Rounds alternate srm / floor so that
machine noise hits both. Run: `make bench-slack`. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack import payloads  # noqa: E402
from tests.slack.fake_slack import FakeSlack  # noqa: E402
from tests.slack.server import WebProcess  # noqa: E402
from tests.slack.signing import SECRET, command_body  # noqa: E402

QUESTIONS = ["who patches rds", "our s3 bucket was public, whose job?", "who manages kms key policies",
             "who secures eks", "who patches the guest os on ec2", "whats for lunch"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_round(web: WebProcess, fake: FakeSlack, name: str, senders: int, per_sender: int,
              acks: list[float], answers: list[float]) -> None:
    lock = threading.Lock()

    def sender(n: int) -> None:
        for i in range(per_sender):
            path = f"{name}-{n}-{i}-{time.monotonic_ns()}"
            body = command_body(payloads.slash(QUESTIONS[(n + i) % len(QUESTIONS)], fake.response_url(path)))
            start = time.monotonic()
            r = web.post_signed(body)
            ack = time.monotonic() - start
            assert r.status == 200, r.status
            [call] = fake.wait_for(f"/response/{path}", timeout=30)
            with lock:
                acks.append(ack)
                answers.append(call.at - start)

    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(sender, range(senders)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--senders", type=int, default=20)
    ap.add_argument("--per-sender", type=int, default=10, help="requests per sender per round")
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args()
    results: dict[str, tuple[list[float], list[float]]] = {"srm": ([], []), "floor": ([], [])}
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        env = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_BASE_URL": fake.api_url,
               "SRM_DATABASE_URL": f"sqlite:///{Path(tmp) / 'srm.sqlite3'}"}
        procs = {"srm": WebProcess(env), "floor": WebProcess(env, app="bench.minimal_app:create()")}
        try:
            for p in procs.values():
                p.wait_ready(health=p is procs["srm"])
            for name, p in procs.items():  # warm-up: first requests pay for imports and auth.test
                run_round(p, fake, f"warm-{name}", 4, 3, [], [])
            for r in range(args.rounds):
                order = ("srm", "floor") if r % 2 == 0 else ("floor", "srm")
                for name in order:
                    run_round(procs[name], fake, name, args.senders, args.per_sender, *results[name])
        finally:
            for p in procs.values():
                p.stop()
    print(f"{args.senders} concurrent senders, {len(results['srm'][0])} signed /srm commands per app, "
          f"gunicorn settings from bot/gunicorn_conf.py")
    print(f"{'':8} {'ack median':>11} {'ack p99':>9} {'answer median':>14} {'answer p99':>11}")
    for name, (acks, answers) in results.items():
        print(f"{name:8} {statistics.median(acks) * 1000:9.1f}ms {percentile(acks, 99) * 1000:7.1f}ms "
              f"{statistics.median(answers) * 1000:12.1f}ms {percentile(answers, 99) * 1000:9.1f}ms")
    (sa, sn), (fa, fn) = results["srm"], results["floor"]
    print(f"ratio srm/floor: ack median {statistics.median(sa) / statistics.median(fa):.2f}x, "
          f"answer median {statistics.median(sn) / statistics.median(fn):.2f}x, "
          f"answer p99 {percentile(sn, 99) / percentile(fn, 99):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
