# Two commands on a fresh machine with Python 3.11 and Node 20:
#   make demo   - install, start the sandbox EHR and the copilot, print the client picker URL
#   make test   - install, run the whole test suite on the embedded defaults (SQLite,
#                 in-memory channel layer, embedded Chroma), then again on PostgreSQL,
#                 Redis and a Chroma server (`make services` starts them on loopback;
#                 needs root and Debian's postgresql and redis-server packages)
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
SANDBOX_PORT ?= 8090

# Where `make services` (sandbox/services.sh) starts them; TEST_CHROMA_* because the
# test settings never use CHROMA_HOST, which names a deployment's own server.
SERVICES_ENV := DATABASE_URL=postgres://copilot:copilot@127.0.0.1:5432/copilot \
	REDIS_URL=redis://127.0.0.1:6379/0 TEST_CHROMA_HOST=127.0.0.1 TEST_CHROMA_PORT=8009

.PHONY: install demo test test-embedded test-services services lint bench bench-load clean

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

test: test-embedded test-services

test-embedded: install
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not services"

services: install
	bash sandbox/services.sh

test-services: services
	$(SERVICES_ENV) $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/chart.py
	$(BIN)/python bench/draft.py
	$(BIN)/python bench/qa.py
	$(BIN)/python bench/audit.py

bench-load: services
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) sandbox/node_modules
