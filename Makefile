# `make run` and `make test` are the two commands a teammate needs (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-slack bench-faults validate clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Socket Mode when both Slack tokens are set, otherwise the local console (reads stdin when piped).
run: $(STAMP)
	@if [ -n "$$SLACK_BOT_TOKEN" ] && [ -n "$$SLACK_APP_TOKEN" ]; then \
		exec $(BIN)/python -m bot; \
	else \
		exec $(BIN)/srm chat; \
	fi

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/srm validate
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench

validate: $(STAMP)
	$(BIN)/srm validate

bench: $(STAMP)
	$(BIN)/python bench/engine_bench.py

bench-slack: $(STAMP)
	$(BIN)/python bench/slack_bench.py

# 3,000 commands + 3,000 mentions, 50 senders, 20% 500s, 5% hangs, one worker killed (ARGS to shorten)
bench-faults: $(STAMP)
	$(BIN)/python bench/faults_bench.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
