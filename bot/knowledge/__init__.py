"""The curated knowledge base: YAML files on disk (`loader`), validated into frozen dataclasses (`model`).

Import from the submodules; this package imports nothing itself, so the fast start-up path
(bot.engine.compiled) does not pay for pydantic and YAML when a compiled copy is cached.
"""
