# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Every Python package at an exact version with its hashes, resolved by uv from
# pyproject.toml's ranges: `make lock` after editing them, `make lock-upgrade` to move
# every package to its newest release within them (README.md).
LOCK := requirements/lock.txt
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
UV_COMPILE = $(UV) pip compile --quiet pyproject.toml --extra test --universal \
	--python-version 3.11 --generate-hashes --custom-compile-command "make lock"

SYSTEM_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-liberation poppler-utils postgresql-client nodejs:node npm:npm
# Redis and PostgreSQL's server for the queue's kill test and the streaming replica's.
TEST_SYSTEM_PACKAGES := chromium:chromium default-jre-headless:java \
	redis-server:redis-server postgresql-15

.PHONY: demo test install system-packages test-system-packages python-packages assets \
	migrate seed serve lint check-deploy clean validate-903 venv-903 \
	check lint-imports mypy test-quick lock lock-upgrade lock-check

# The demo runs with DEBUG on and two-factor sign-in off (see README.md).
demo: export DJANGO_DEBUG ?= true
demo: export REQUIRE_2FA ?= false
demo: install migrate seed serve

# venv-903: the DfE's validator, which the SSDA903 property test runs (it is skipped
# without it; tests/ssda903/test_validator_round_trip.py).
test: install test-system-packages venv-903
	$(PY) -m pytest $(PYTEST_ARGS)

install: system-packages python-packages assets

system-packages:
	@scripts/ensure_system_packages.sh $(SYSTEM_PACKAGES)

test-system-packages:
	@scripts/ensure_system_packages.sh $(TEST_SYSTEM_PACKAGES)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# From the lock, hash-checked; again only when the lock or pyproject.toml changes.
python-packages: $(VENV)/.installed

$(VENV)/.installed: $(LOCK) pyproject.toml | $(PY)
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	@touch $@

# uv, pinned, for the lock targets only (make install needs only pip).
$(VENV)/.uv-$(UV_VERSION): | $(PY)
	$(PIP) install --quiet 'uv==$(UV_VERSION)'
	@touch $@

# After changing pyproject.toml's dependencies: keeps every pin that still fits.
lock: $(VENV)/.uv-$(UV_VERSION)
	$(UV_COMPILE) -o $(LOCK)

# Every package to its newest release within pyproject.toml's ranges (one package:
# make lock-upgrade PACKAGE=django).
lock-upgrade: $(VENV)/.uv-$(UV_VERSION)
	$(UV_COMPILE) -o $(LOCK) $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade)

# The lock agrees with pyproject.toml: resolving again changes no pin (CI).
lock-check: $(VENV)/.uv-$(UV_VERSION)
	@set -e; tmp=$$(mktemp); trap 'rm -f "$$tmp" "$$tmp.a" "$$tmp.b"' EXIT; \
	cp $(LOCK) "$$tmp"; $(UV_COMPILE) -o "$$tmp"; \
	grep -E '^[A-Za-z0-9]' $(LOCK) > "$$tmp.a"; grep -E '^[A-Za-z0-9]' "$$tmp" > "$$tmp.b"; \
	if ! diff -u "$$tmp.a" "$$tmp.b"; then \
		echo "$(LOCK) does not match pyproject.toml: run make lock" >&2; exit 1; fi; \
	echo "$(LOCK) matches pyproject.toml ($$(wc -l < "$$tmp.a") packages)"

assets: node_modules/.package-lock.json
	@scripts/build_assets.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

migrate:
	$(PY) manage.py migrate --no-input
	$(PY) manage.py setup_schedules

seed:
	$(PY) manage.py seed_demo

serve:
	@scripts/run_demo.sh

lint: python-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The import contracts between the apps (.importlinter).
lint-imports: python-packages
	$(VENV)/bin/lint-imports

# [tool.mypy] in pyproject.toml. django-stubs loads the settings: in development mode,
# which needs no secret key.
mypy: python-packages
	DJANGO_DEBUG=true $(VENV)/bin/mypy

# The tests that need no browser and no live server, on both cores.
QUICK_TESTS := -n 2 -m "not browser" --ignore=tests/proof
test-quick: install
	$(PY) -m pytest -q $(QUICK_TESTS) $(PYTEST_ARGS)

# The quick loop before a commit: stops at the first step that fails, and says how long
# each took (about 90 seconds on two cores; docs/quality.md).
CHECK_STEPS := lint lint-imports mypy test-quick
check: install
	@t0=$$(date +%s); \
	for step in $(CHECK_STEPS); do \
		t=$$(date +%s); echo "== $$step"; \
		if ! $(MAKE) --no-print-directory $$step; then \
			echo "== make check: $$step failed ($$(( $$(date +%s) - t0 )) s in all)"; exit 1; \
		fi; \
		echo "== $$step: $$(( $$(date +%s) - t )) s"; \
	done; \
	echo "== make check passed in $$(( $$(date +%s) - t0 )) s"

check-deploy:
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))")" \
	DJANGO_ALLOWED_HOSTS=reviews.example.gov.uk \
	$(PY) manage.py check --deploy --fail-level WARNING

# SSDA903: export the demo data and a generated return, then check both with the DfE's
# validator in its own virtualenv (it pins pandas<2 and numpy<1.25; docs/decisions.md).
VENV_903 := .venv-903
VALIDATOR_903 := csc-validator-be-903==0.1.17

venv-903:
	@test -x $(VENV_903)/bin/python || $(PYTHON) -m venv $(VENV_903)
	@$(VENV_903)/bin/python -c "import lac_validator" 2>/dev/null || \
		$(VENV_903)/bin/pip install --quiet --disable-pip-version-check '$(VALIDATOR_903)'

# Then the property test of the import with SSDA903_EXAMPLES generated returns (50 here;
# 12 in the suite), each through the validator, imported and exported again.
SSDA903_EXAMPLES ?= 50
validate-903: python-packages venv-903
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	year=$$($(PY) -c 'import datetime as d; t = d.date.today(); print(t.year + (t.month > 3))'); \
	echo "== Demo data, collection year ending 31 March $$year"; \
	export DJANGO_DEBUG=true DATABASE_URL="sqlite:///$$tmp/demo.sqlite3"; \
	$(PY) manage.py migrate --no-input -v0; \
	$(PY) manage.py seed_demo --force >/dev/null; \
	$(PY) manage.py seed_demo_903 --force; \
	$(PY) manage.py export_903 --year $$year --output "$$tmp/demo"; \
	$(PY) manage.py export_903 --year $$((year - 1)) --output "$$tmp/demo/previous" >/dev/null; \
	$(VENV_903)/bin/python scripts/validate_903.py $$year "$$tmp/demo"; \
	echo "== Generated return, collection year ending 31 March $$((year - 1)), imported then exported"; \
	export DATABASE_URL="sqlite:///$$tmp/sample.sqlite3"; \
	$(PY) manage.py migrate --no-input -v0; \
	$(PY) scripts/make_903_sample.py --year $$((year - 1)) --output "$$tmp/sample-in" >/dev/null; \
	$(PY) manage.py import_903 "$$tmp/sample-in" > "$$tmp/import.log"; tail -n 1 "$$tmp/import.log"; \
	$(PY) manage.py export_903 --year $$((year - 1)) --output "$$tmp/sample"; \
	$(VENV_903)/bin/python scripts/validate_903.py $$((year - 1)) "$$tmp/sample"
	@echo "== Generated returns through the validator, imported and exported ($(SSDA903_EXAMPLES) examples)"
	SSDA903_EXAMPLES=$(SSDA903_EXAMPLES) $(PY) -m pytest -q -p no:randomly -p no:cacheprovider \
		tests/ssda903/test_validator_round_trip.py

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles

# Page one of every kind of document as a PNG, beside its PDF, in the git-ignored renders/
# folder, for people to look at; made from sample data in a throwaway database
# (tests/reporting/samples.py; pdftoppm from poppler-utils).
.PHONY: renders
renders: system-packages python-packages
	rm -rf renders
	DJANGO_DEBUG=true LOG_LEVEL=WARNING $(PY) -m tests.reporting.samples

# Scale (docs/performance.md): a separate PostgreSQL database with a whole
# country's looked-after children. Each target creates the database if it is missing,
# migrates it and seeds it if it is empty; seed-scale always builds it afresh.
SCALE_PG ?= postgres://postgres@127.0.0.1:5432
SCALE_DB ?= reviews_scale
SCALE_CHILDREN ?= 120000
SCALE_SEED ?= 2025
SCALE_ENV := DATABASE_URL=$(SCALE_PG)/$(SCALE_DB) DJANGO_DEBUG=true REQUIRE_2FA=false

.PHONY: seed-scale bench load scale-db
scale-db: python-packages
	@psql "$(SCALE_PG)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(SCALE_DB)'" \
		| grep -q 1 || psql "$(SCALE_PG)/postgres" -c 'CREATE DATABASE "$(SCALE_DB)"'
	$(SCALE_ENV) $(PY) manage.py migrate --no-input -v0

seed-scale: scale-db
	$(SCALE_ENV) $(PY) manage.py seed_scale --children $(SCALE_CHILDREN) --seed $(SCALE_SEED) --reset

bench: scale-db
	$(SCALE_ENV) $(PY) manage.py seed_scale --children $(SCALE_CHILDREN) --seed $(SCALE_SEED) --if-empty
	$(SCALE_ENV) $(PY) -m bench.bench_scale $(BENCH_ARGS)

load: scale-db
	$(SCALE_ENV) $(PY) manage.py seed_scale --children $(SCALE_CHILDREN) --seed $(SCALE_SEED) --if-empty
	$(SCALE_ENV) bench/run_load.sh

# A database made by an earlier commit (UPGRADE_FROM) migrates with every row, audit
# entry, content type and schedule kept (scripts/check_upgrade.py; needs PostgreSQL).
UPGRADE_FROM ?= 948a558
.PHONY: check-upgrade
check-upgrade: python-packages
	$(PY) scripts/check_upgrade.py $(UPGRADE_FROM)
