"""Engine latency and `srm ask` cold start. Run: `make bench` (numbers go in the README).

Per-question latency: >= 1,000 questions (the dev set plus questions built from every duty phrase and
service alias, some with typos and Slack markup), each timed on its own, after one warm-up pass.
Cold start: `srm ask "who patches rds"` as a fresh process, wall time, several runs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bot.engine import Engine
from bot.knowledge.loader import load

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.yaml"


def questions(engine: Engine, n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    qs = [item["q"] for item in yaml.safe_load(DEV.read_text())] if DEV.exists() else []
    phrases = [p for d in engine.kb.duties.values() for p in d.phrases]
    phrases += [p for s in engine.kb.scenarios.values() for p in s.phrases]
    aliases = [a for s in engine.kb.services.values() for a in s.aliases]
    shapes = ["who handles {p} on {a}", "{p} {a} - aws or us?", "<@U0BOT> incident: {p} in {a}, whose job?",
              "*{p}* for `{a}`", "who is responsible for {p}", "{a}"]
    while len(qs) < n:
        q = rng.choice(shapes).format(p=rng.choice(phrases), a=rng.choice(aliases))
        if rng.random() < 0.2:  # a typo: swap two letters
            i = rng.randrange(max(1, len(q) - 1))
            q = q[:i] + q[i + 1 : i + 2] + q[i : i + 1] + q[i + 2 :]
        qs.append(q)
    return qs


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latency(engine: Engine, qs: list[str]) -> list[float]:
    for q in qs:  # warm-up: caches, first-use allocations
        engine.ask(q)
    out = []
    for q in qs:
        start = time.perf_counter_ns()
        engine.ask(q)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def cold_start(runs: int, cache: Path, fresh: bool) -> list[float]:
    """Wall time of a new `srm ask` process; fresh=True empties the compiled-engine cache first."""
    srm = str(Path(sys.executable).with_name("srm"))
    env = {**os.environ, "SRM_CACHE_DIR": str(cache)}
    out = []
    for _ in range(runs):
        if fresh:
            shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([srm, "ask", "who patches rds"], check=True, capture_output=True, env=env)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=2000)
    ap.add_argument("--cold-runs", type=int, default=10)
    args = ap.parse_args()
    start = time.perf_counter()
    kb = load()
    engine = Engine(kb)
    build = time.perf_counter() - start
    qs = questions(engine, args.questions)
    ms = latency(engine, qs)
    with tempfile.TemporaryDirectory() as tmp:
        first = cold_start(max(3, args.cold_runs // 3), Path(tmp) / "cache", fresh=True)
        cold = cold_start(args.cold_runs, Path(tmp) / "cache", fresh=False)
    print(f"knowledge: {len(kb.services)} services, {len(kb.duties)} duties, {len(kb.scenarios)} scenarios")
    print(f"load + index in-process: {build * 1000:.0f} ms")
    print(f"per question ({len(qs)} questions): median {statistics.median(ms):.3f} ms, "
          f"p99 {percentile(ms, 99):.3f} ms, max {max(ms):.3f} ms")
    print(f"cold start `srm ask` ({len(cold)} runs): median {statistics.median(cold):.3f} s, "
          f"max {max(cold):.3f} s")
    print(f"first `srm ask` after a knowledge edit (cache rebuilt, {len(first)} runs): "
          f"median {statistics.median(first):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
