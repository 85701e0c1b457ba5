"""Every stated setting (an override variant's `when` phrase) can be matched by a question that says it:
the phrase is read the way a question is, so no folding or typo fix can make it unreachable."""

from __future__ import annotations

from bot.engine import Engine


def test_every_variant_phrase_is_reachable_by_a_question_that_states_it(engine: Engine) -> None:
    unreachable = []
    for service in engine.kb.services.values():
        for override in service.overrides.values():
            for variant in override.variants:
                for phrase in variant.when:
                    m = engine.matcher.match(f"who handles it when {phrase} on {service.name}")
                    if not engine.matcher.says(m.tokens, phrase):
                        unreachable.append(f"{service.id}/{override.duty}: {phrase!r}")
    assert not unreachable, "\n".join(unreachable)
