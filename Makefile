# The two set-up commands of the README: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint

run: $(VENV)/.runtime-installed
	$(BIN)/python -m leadcoach.ui.serve --browser.gatherUsageStats false

demo: $(VENV)/.runtime-installed
	$(BIN)/python -m leadcoach demo

test: $(VENV)/.dev-installed
	bash scripts/test-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(VENV)/.runtime-installed: requirements.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@
