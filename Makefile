# Credit Registry: the two commands that matter are `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1:8000

.PHONY: install system run services test test-calendar lint stop-services docs wheel-check

install: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	python3 -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,docs]'
	touch $@

# Serve the demo city on the embedded default (SQLite + built-in search), behind nginx.
run: install system
	$(BIN)/registry demo
	$(BIN)/registry serve --bind $(BIND)

# Debian packages: Chromium for the browser tests, CJK fonts (report PDFs), zbar (QR decoding in tests).
system:
	deploy/apt-install.sh

# Start the real services the tests use: PostgreSQL, an OpenSearch node, Keycloak (single sign-on) and
# Redis (the task queue's, for scale-out workers).
services:
	deploy/postgres.sh start
	deploy/opensearch.sh start
	deploy/keycloak.sh start
	deploy/redis.sh start
	# -- elastic (issue 23): the search contract also runs on Elasticsearch 8 and 9 (small heaps), started
	# side by side; either failing fails the target.
	deploy/elasticsearch.sh start 8 & es8=$$!; deploy/elasticsearch.sh start 9 && wait $$es8
	deploy/opensearch-cluster.sh start  # three OpenSearch nodes for the node-loss drill

stop-services:
	-deploy/opensearch-cluster.sh stop
	-deploy/elasticsearch.sh stop 9
	-deploy/elasticsearch.sh stop 8
	-deploy/redis.sh stop
	-deploy/keycloak.sh stop
	-deploy/opensearch.sh stop
	-deploy/postgres.sh stop

# The whole suite, against SQLite, PostgreSQL and OpenSearch.
test: install system services node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/pytest
	$(BIN)/python bench/mutation.py --changed-since HEAD~1  # the rule modules the last commit touched
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet  # the docs site: a broken link or a missing page fails

# The SQLite suite on the calendar's awkward instants: a year's last minutes (the day, month and year
# change during the run) and 29 February. Rules count days, so the suite must not depend on which.
# SQLite only (PostgreSQL's server keeps the real clock), and not the browser journeys (Chromium's
# own timers would run on the faked clock too). The monotonic clock stays real: it measures waits
# (lock timeouts, joins), not days, and a faked one ends them at once; tests/calendar/monotonic_sleep.c
# works around libfaketime 0.9.10 refusing every sleep on it (Python's time.sleep) in that mode.
# The instants are China's time (UTC+8), where the rules count days, whatever the machine's zone.
CALENDAR_INSTANTS ?= 2026-12-31T23:57:00 2028-02-29T09:00:00
CALENDAR_SLEEP = build/calendar/monotonic_sleep.so
$(CALENDAR_SLEEP): tests/calendar/monotonic_sleep.c
	mkdir -p $(@D) && cc -shared -fPIC -O2 -Wall -o $@ $< -ldl

test-calendar: install system $(CALENDAR_SLEEP)
	for instant in $(CALENDAR_INSTANTS); do \
		echo "== the suite at $$instant"; \
		LD_PRELOAD=$(CURDIR)/$(CALENDAR_SLEEP) FAKETIME_DONT_FAKE_MONOTONIC=1 \
			faketime -f "@$$(date -d "$$(echo $$instant | tr T ' ') +0800" '+%F %T')" $(BIN)/pytest --backend sqlite -q -p no:cacheprovider \
			--ignore=tests/browser || exit 1; \
	done

# The docs site, served locally with live reload (http://127.0.0.1:8001).
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

# axe-core, which the browser tests run in the pages (npm: Debian's, where nodejs does not bring its own).
node_modules/.package-lock.json: package-lock.json
	command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends npm; }
	npm ci --no-audit --no-fund

lint: install
	$(BIN)/ruff check .

# --- The built wheel is complete: installed alone into a fresh virtualenv (its dependencies from the
# package index), `registry init` works on a new instance outside the checkout. ---
wheel-check: install
	rm -rf build dist .wheel-venv
	$(BIN)/pip wheel -q --no-deps -w dist .
	python3 -m venv .wheel-venv
	.wheel-venv/bin/pip install -q dist/*.whl
	instance="$$(mktemp -d)" && cd "$$instance" && env -u PYTHONPATH REGISTRY_INSTANCE_DIR="$$instance" \
		$(CURDIR)/.wheel-venv/bin/registry init && rm -rf "$$instance"
