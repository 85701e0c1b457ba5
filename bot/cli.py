"""The `srm` command: ask, chat, service, validate, eval, report, sources. A surface: it only parses and prints."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.model import KnowledgeBase


def _report(exc: KnowledgeError) -> NoReturn:
    print(f"srm: the knowledge base is invalid ({len(exc.problems)} problem(s)):", file=sys.stderr)
    for p in exc.problems:
        print(f"  {p}", file=sys.stderr)
    raise SystemExit(2) from None


def _load(directory: str | None) -> KnowledgeBase:
    from bot.knowledge.loader import load

    try:
        return load(directory)
    except KnowledgeError as exc:
        _report(exc)


def _engine(args: argparse.Namespace):
    from bot.engine.compiled import load_engine

    try:
        return load_engine(args.knowledge)
    except KnowledgeError as exc:
        _report(exc)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.render import json as render_json
    from bot.render import text as render_text
    from bot.render.explain import explain

    engine = _engine(args)

    def show(question: str) -> str:
        if args.explain:
            m, a = engine.explain(question)
            body = render_json.dumps(a) if args.json else render_text.answer(a)
            return f"{explain(m, a)}\n{body}"
        a = engine.ask(question)
        return render_json.dumps(a) if args.json else render_text.answer(a)

    if args.question:
        print(show(" ".join(args.question)))
        return 0
    if not args.json and sys.stdin.isatty():
        print('usage: srm ask "QUESTION"  (or pipe questions, one per line)', file=sys.stderr)
        return 2
    for line in sys.stdin:  # batch mode: one question per line, one answer per line, in order
        print(show(line.rstrip("\n")), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, stdin: TextIO = sys.stdin) -> int:
    from bot.render import text as render_text

    engine = _engine(args)
    interactive = stdin.isatty()
    if interactive:
        print("srm: ask who is responsible for a security task on AWS. Ctrl-D or 'quit' to leave.")
    while True:
        if interactive:
            print("srm> ", end="", flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit"}:
            return 0
        if not line.strip():
            continue
        print(render_text.answer(engine.ask(line.strip())))
        print()


def cmd_service(args: argparse.Namespace) -> int:
    from bot.render import text as render_text

    engine = _engine(args)
    card = engine.service_card(" ".join(args.name))
    if card is None:
        print(f"srm: no service called {' '.join(args.name)!r}. Try `srm report` for the list.", file=sys.stderr)
        return 1
    print(render_text.service_card(card))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.knowledge.review import checkability, due_for_review

    kb = _load(args.directory or args.knowledge)
    counts = ", ".join(f"{v} {k}" for k, v in kb.counts().items())
    due = due_for_review(kb, dt.date.today())
    for d in due:
        print(f"warning: {d.kind} '{d.id}' was reviewed {d.reviewed} and is due since {d.due}", file=sys.stderr)
    c = checkability(kb)  # issue 8: every fact names its section and says what that section establishes
    for label in c.without_evidence:
        print(f"error: {label}: no `evidence` line saying what its cited section establishes", file=sys.stderr)
    for label in c.without_anchor:
        print(f"error: {label}: no source names the section (a URL with #anchor)", file=sys.stderr)
    if c.without_evidence or c.without_anchor:
        print(f"knowledge base rejected: {len(c.without_evidence)} of {c.entries} fact-bearing entries without "
              f"an evidence line, {len(c.without_anchor)} without a section-anchored source", file=sys.stderr)
        return 1
    print(f"knowledge base ok ({kb.version}): {counts}; {len(due)} due for review")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.engine.evaluate import evaluate, load_questions

    engine = _engine(args)
    try:
        questions = load_questions(Path(args.file))
    except (OSError, ValueError) as exc:
        print(f"srm: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    result = evaluate(engine, questions)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.report())
    return 0 if result.owner_accuracy >= args.min else 1


def cmd_report(args: argparse.Namespace) -> int:
    from bot.knowledge.review import coverage

    data = coverage(_load(args.knowledge), dt.date.today())
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"Knowledge base {data['version']}")
    print(f"  services   {data['services']}  " + "  ".join(
        f"{k}: {v}" for k, v in data["services_per_category"].items()))
    for key in ("duties", "overrides", "scenarios", "controls_known", "controls_cited"):
        print(f"  {key.replace('_', ' '):<10} {data[key]}")
    pages = data["entries_per_source_page"]
    once = sum(1 for n in pages.values() if n == 1)
    print(f"  source pages {data['source_pages']} ({once} cited by one entry; `srm sources` lists them all)")
    print("  entries per source page, most cited:")
    for url, n in list(pages.items())[:args.top]:
        print(f"    {n:>4}  {url}")
    print("  controls per duty:")
    for duty, row in data["controls_per_duty"].items():
        shown = ", ".join(row["controls"]) if row["controls"] else (f"none — {row['exempt']}" if row["exempt"]
                                                                    else "none (AWS's side only)")
        print(f"    {duty:<30} {len(row['controls']):>2}  {shown}")
    c = data["checkable"]
    print(f"  checkable  {c['entries'] - c['without_evidence']} of {c['entries']} fact-bearing entries have an "
          f"evidence line; {c['entries'] - c['without_anchor']} cite a section #anchor")
    print(f"  due for review: {len(data['due_for_review'])}")
    for d in data["due_for_review"]:
        print(f"    {d['kind']} {d['id']} (reviewed {d['reviewed']}, due {d['due']})")
    return 0


def _store(args: argparse.Namespace, *, migrate: bool = True):
    from bot.store import Privacy, database_url, open_store

    return open_store(args.database or database_url(), Privacy.from_env(), migrate=migrate)


def _db_down(what: str, exc: Exception) -> int:
    """One line naming what failed and the database's own first line of error, no traceback."""
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    print(f"srm: cannot {what} the database: {reason}", file=sys.stderr)
    return 1


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.store.health import DOWN

    store = _store(args, migrate=False)
    try:
        revision = store.migrate()
    except DOWN as exc:
        return _db_down("migrate", exc)
    print(f"database at revision {revision}")
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    from bot.store.health import DOWN

    store = _store(args, migrate=False)
    days = args.days or store.privacy.retention_days
    try:
        store.migrate()
        removed = store.prune(days)
    except DOWN as exc:
        return _db_down("prune", exc)
    print(f"removed {removed} row(s) older than {days} day(s)")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.knowledge import sources

    kb = _load(args.knowledge)
    by_url = sources.cited(kb)
    if not args.check:
        if args.json:
            print(json.dumps([{"url": u, "entries": [c.to_dict() for c in cs]} for u, cs in by_url.items()],
                             indent=2))
            return 0
        for url, citations in by_url.items():
            print(f"{url}  ({len(citations)})")
            for c in citations:
                print(f"    {c.label}")
        pages = len({u.split('#', 1)[0] for u in by_url})
        print(f"{len(by_url)} cited URLs on {pages} pages")
        return 0
    try:
        rewrite = sources.parse_rewrites(args.rewrite)
    except ValueError as exc:
        print(f"srm: --rewrite: {exc}", file=sys.stderr)
        return 2
    results = sources.check(by_url, timeout=args.timeout, concurrency=args.concurrency, rewrite=rewrite)
    failed = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps({"checked": len(results), "failed": len(failed), "results": [
            {**r.to_dict(), "entries": [c.to_dict() for c in by_url[r.url]]} for r in results]}, indent=2))
    else:
        for r in failed:
            cites = ", ".join(c.label for c in by_url[r.url][:5])
            more = f" and {len(by_url[r.url]) - 5} more" if len(by_url[r.url]) > 5 else ""
            print(f"FAIL {r.url}: {r.reason} (cited by {cites}{more})")
        print(f"checked {len(results)} cited URLs: {len(failed)} failed")
    return 1 if failed else 0


def cmd_gaps(args: argparse.Namespace) -> int:
    from bot.engine.answer import SURE
    from bot.render import gaps as render
    from bot.store.gaps import gaps, parse_since
    from bot.store.health import DOWN

    try:
        seconds = parse_since(args.since)
    except ValueError as exc:
        print(f"srm: {exc}", file=sys.stderr)
        return 2
    try:
        store = _store(args, migrate=False)
        store.migrate()
        report = gaps(store, seconds, below=SURE)
    except DOWN as exc:
        return _db_down("read", exc)
    print(render.to_json(report) if args.json else render.markdown(report), end="" if not args.json else "\n")
    return _post_digest(args.post, render.digest(report)) if args.post else 0


def _post_digest(channel: str, message: dict) -> int:
    """chat.postMessage with the bot token, retried like any answer, through the ping filter."""
    import os
    import time

    from bot.config import SLACK_API_DEFAULT
    from bot.slack.delivery import Deliverer, Send

    token = os.environ.get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        print("srm: SLACK_BOT_TOKEN is not set; it is required to post the report (see README).", file=sys.stderr)
        return 2
    base = os.environ.get("SLACK_API_BASE_URL", "").strip() or SLACK_API_DEFAULT
    deliverer = Deliverer(token, base if base.endswith("/") else base + "/")
    ok = deliverer.send(Send("chat.postMessage", {"channel": channel, **message}), time.monotonic() + 15, "gaps")
    if not ok:
        print(f"srm: could not post the report to {channel} (see the log line above)", file=sys.stderr)
        return 1
    print(f"posted to {channel}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="srm", description="Who is responsible for a security task on AWS?")
    p.add_argument("--knowledge", metavar="DIR", help="knowledge directory (default: $SRM_KNOWLEDGE_DIR "
                   "or the one shipped with srm)")
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question (or questions on stdin, one per line)")
    ask.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    ask.add_argument("--explain", action="store_true", help="first show how the question was read: words, "
                     "services, candidate duties and scenarios, and why the confidence is what it is")
    ask.add_argument("question", nargs="*")
    ask.set_defaults(func=cmd_ask)
    sub.add_parser("chat", help="local console; reads stdin when it is not a terminal").set_defaults(
        func=cmd_chat)
    svc = sub.add_parser("service", help="every duty and its owner for one service")
    svc.add_argument("name", nargs="+")
    svc.set_defaults(func=cmd_service)
    val = sub.add_parser("validate", help="check the knowledge base; non-zero exit on any problem")
    val.add_argument("directory", nargs="?")
    val.add_argument("--strict", action="store_true", help=argparse.SUPPRESS)  # always strict now; kept for scripts
    val.set_defaults(func=cmd_validate)
    ev = sub.add_parser("eval", help="accuracy on a question file shaped like eval/dev.yaml")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--min", type=float, default=0.0, help="exit 1 when owner accuracy is below this")
    ev.set_defaults(func=cmd_eval)
    rep = sub.add_parser("report", help="coverage and entries due for review")
    rep.add_argument("--json", action="store_true")
    rep.add_argument("--top", type=int, default=15, metavar="N", help="most cited source pages to show (default 15)")
    rep.set_defaults(func=cmd_report)
    mig = sub.add_parser("migrate", help="apply the database's migrations (also done at start)")
    mig.add_argument("--database", metavar="URL", help="default: $SRM_DATABASE_URL or the SQLite file")
    mig.set_defaults(func=cmd_migrate)
    pr = sub.add_parser("prune", help="delete records older than the retention (also done at start)")
    pr.add_argument("--days", type=int, help="default: $SRM_RETENTION_DAYS or 90")
    pr.add_argument("--database", metavar="URL", help="default: $SRM_DATABASE_URL or the SQLite file")
    pr.set_defaults(func=cmd_prune)
    src = sub.add_parser("sources", help="every cited URL and the entries that rest on it; --check fetches them")
    src.add_argument("--json", action="store_true")
    src.add_argument("--check", action="store_true", help="fetch every URL (network) and report pages that no "
                     "longer resolve or lost their #anchor; exit 1 when any fail")
    src.add_argument("--timeout", type=float, default=15.0, metavar="S", help="seconds per request (default 15)")
    src.add_argument("--concurrency", type=int, default=8, metavar="N", help="pages fetched at once (default 8)")
    src.add_argument("--rewrite", action="append", default=[], metavar="FROM=TO",
                     help="fetch URLs starting with FROM from TO instead (a mirror or a local test server); "
                     "reports still name the cited URL. Repeatable")
    src.set_defaults(func=cmd_sources)
    gp = sub.add_parser("gaps", help="what to add to the knowledge base next, from what people asked")
    gp.add_argument("--since", default="7d", help="how far back: 24h, 7d, 4w (default 7d)")
    gp.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    gp.add_argument("--post", metavar="CHANNEL", help="also post a digest to this Slack channel (id)")
    gp.add_argument("--database", metavar="URL", help="default: $SRM_DATABASE_URL or the SQLite file")
    gp.set_defaults(func=cmd_gaps)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
