"""Every stated setting (an override variant's `when` phrase) can be matched by a question that says it:
the phrase is read the way a question is, so no folding or typo fix can make it unreachable."""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine import Engine
from bot.engine.text import words
from bot.knowledge.model import Service


def stated_settings(engine: Engine) -> Iterator[tuple[Service, str, str]]:
    """Every service's stated-setting phrase, with the duty its override is about."""
    for service in engine.kb.services.values():
        for override in service.overrides.values():
            for variant in override.variants:
                for phrase in variant.when:
                    yield service, override.duty, phrase


def test_every_variant_phrase_is_reachable_by_a_question_that_states_it(engine: Engine) -> None:
    unreachable = [f"{service.id}/{duty}: {phrase!r}" for service, duty, phrase in stated_settings(engine)
                   if not engine.matcher.says(engine.matcher.match(f"who handles it when {phrase} on {service.name}")
                                              .tokens, phrase)]
    assert not unreachable, "\n".join(unreachable)


def test_no_stated_setting_folds_into_one_repeated_word(engine: Engine) -> None:
    """'jar dependencies' folds to 'library library': any question naming a library would state it."""
    folded = []
    for service, duty, phrase in stated_settings(engine):
        tokens = engine.matcher.folder.fold(engine.matcher.correct(words(phrase))[0])
        if len(tokens) > 1 and len(set(tokens)) == 1:
            folded.append(f"{service.id}/{duty}: {phrase!r} → {' '.join(tokens)}")
    assert not folded, "\n".join(folded)
