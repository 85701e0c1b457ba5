"""Accuracy, calibration and topic fit on every question set, as the Markdown table in the README.

    python bench/accuracy.py            # every set in tests/fixtures, bench/ and ../shared/eval (when present)
    python bench/accuracy.py FILE...    # just these
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.engine.compiled import load_engine
from bot.engine.evaluate import BANDS, evaluate, load_questions

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"


def default_sets() -> list[Path]:
    sets = [ROOT / "tests" / "fixtures" / "questions.yaml", ROOT / "tests" / "fixtures" / "seed_questions.yaml"]
    sets += sorted((ROOT / "bench").glob("blind_*.yaml")) + sorted((ROOT / "bench").glob("realworld_*.yaml"))
    sets += sorted((ROOT / "bench" / "heldout").glob("*.yaml"))
    sets += sorted((ROOT / "bench" / "below_bar").glob("*.yaml"))
    sets += [p for p in (SHARED / "dev.yaml", SHARED / "realworld.yaml") if p.exists()]
    return sets


def band(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "—"


def main(argv: list[str]) -> int:
    engine = load_engine()
    paths = [Path(a) for a in argv] or default_sets()
    labels = " | ".join(label for _, label in BANDS)
    print(f"| set | questions | right owner | wrong owner / answered | off-topic claimed | {labels} "
          "| about the topic |")
    print("|---|---|---|---|---|" + "---|" * len(BANDS) + "---|")
    for path in paths:
        r = evaluate(engine, load_questions(path))
        cells = " | ".join(band(*r.bands[label]) for _, label in BANDS)
        topic = band(r.topic_fit, r.topic_checked) if r.topic_checked else "—"
        traps = f"{r.off_topic_claimed}/{r.off_topic}" if r.off_topic else "—"
        name = {"eval": f"shared/eval/{path.name}", "heldout": f"heldout/{path.name}",
                "below_bar": f"below_bar/{path.name}"}.get(path.parent.name, path.name)
        print(f"| `{name}` | {r.total} | {r.owner_accuracy:.1%} | {r.wrong_owner}/{r.answered} | {traps} | {cells} "
              f"| {topic} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
