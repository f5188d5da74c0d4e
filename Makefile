# Two commands on a fresh machine with Python 3.11 and Node 20:
#   make demo   - install, start the sandbox EHR and the copilot, print the client picker URL
#   make test   - install, run the whole test suite
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SANDBOX_PORT ?= 8090

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed sandbox/node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

sandbox/node_modules/.installed: sandbox/package.json sandbox/package-lock.json
	cd sandbox && npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: install
	$(BIN)/python manage.py demo --port $(PORT) --sandbox-port $(SANDBOX_PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/chart.py
	$(BIN)/python bench/draft.py
	$(BIN)/python bench/qa.py
	$(BIN)/python bench/audit.py

clean:
	rm -rf $(VENV) sandbox/node_modules
