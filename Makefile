# The two set-up commands of the README: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint screenshots messages catalogs

run: $(VENV)/.runtime-installed
	$(BIN)/python -m leadcoach.ui.serve

demo: $(VENV)/.runtime-installed
	$(BIN)/python -m leadcoach demo

# Lint, the layer contracts, then the whole suite on two workers (pytest-xdist), one per
# core: the suite is CPU-bound, and a third worker made it slower (on one commit, quiet
# machine: 847 s on two, about 1,000 s on three). Files are handed out in the order
# tests/conftest.py sorts them, slowest first: xdist's own order (most tests first) left the
# browser files, one to five tests each, for last, and one worker idle for minutes at the
# end. The suite's wall time is printed at the end, pass or fail.
test: $(VENV)/.dev-installed
	bash scripts/test-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@start=$$(date +%s); $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder; status=$$?; \
	echo "make test: the suite took $$(( $$(date +%s) - start )) s of wall time"; exit $$status

# Every page of every role at 1366 and 390 px, in artifacts/screenshots/, to look at.
screenshots: $(VENV)/.dev-installed
	$(BIN)/python -m leadcoach.devtools.screenshots

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The app is installed into the virtualenv as an editable package: the `leadcoach` command.
$(VENV)/.runtime-installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(MAKE) catalogs
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(MAKE) catalogs
	touch $(VENV)/.runtime-installed $@

# Issue 25: the interface catalogs (leadcoach/locales/<code>/LC_MESSAGES/messages.po).
# `make messages` extracts every text (babel.cfg) into messages.pot and merges it into each
# language's catalog (a changed English text comes back fuzzy, to translate again);
# `make catalogs` compiles the .mo files (the install targets run it; without them the app
# compiles a catalog in memory from its .po, see leadcoach/platform/i18n.py).
LOCALES := leadcoach/locales
messages:
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output \
		--project LeadCoach --copyright-holder "LeadCoach" -o $(LOCALES)/messages.pot .
	$(BIN)/pybabel -q update -i $(LOCALES)/messages.pot -d $(LOCALES) --no-wrap --ignore-obsolete

catalogs:
	$(BIN)/pybabel -q compile -d $(LOCALES)
