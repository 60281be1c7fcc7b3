# ESOL Plus: `make run` to try the site, `make test` to run the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes (pytest-xdist); the machines have two cores.
PYTEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE ?= esolplus.settings.dev

.PHONY: run test lint format install install-dev translations messages clean

$(VENV)/bin/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# Leaflet (the map of results on /find/) from the committed npm lockfile, again whenever the lockfile changes;
# the test tools stay if scripts/ci-browser-setup installed them. Without npm the site works, with no map.
node_modules/.package-lock.json: package.json package-lock.json
	@if ! command -v npm >/dev/null; then echo "npm not found: the finder shows no map until you install npm (Node.js) and run make again"; \
	elif [ -d node_modules/axe-core ]; then npm ci --no-audit --no-fund --ignore-scripts; \
	else npm ci --omit=dev --no-audit --no-fund --ignore-scripts; fi

install: $(VENV)/.installed node_modules/.package-lock.json
install-dev: $(VENV)/.installed-dev

translations: install
	$(PY) manage.py compile_translations

# Re-extract learner-facing messages into every catalogue (needs GNU gettext); staff screens stay English.
# Of evaluation/, only what learners read is extracted: the survey's wording (instruments.py) and the survey by
# link (survey_link*.py); the patterns below skip every other module there.
MESSAGE_LANGUAGES := ar bn es fa pl pt ro so ti tr uk ur
messages: install
	$(PY) manage.py makemessages --no-obsolete --no-location $(addprefix -l ,$(MESSAGE_LANGUAGES)) \
		-i ".venv/*" -i "tests/*" -i "node_modules/*" -i "scripts/*" -i "staticfiles/*" -i "esolplus/settings/*" \
		-i "evaluation/[!is]*" -i "evaluation/indicator*" -i "evaluation/s[!u]*" -i "evaluation/survey_due*" -i "evaluation/survey_forms.py" \
		-i "templates/evaluation/*" -i "templates/pages/evaluation/*" -i "templates/account/*" -i "templates/two_factor/*" \
		-i "finder/templates/finder/admin/*" -i "finder/management/*" -i "finder/cms/*" -i "devtools/*" \
		-i "finder/wagtail_hooks.py" -i "finder/openreferral/*" \
		-i "finder/geography/models.py" -i "esolplus/two_factor.py" -i "esolplus/spreadsheets.py" -i "esolplus/xlsx_census.py" \
		-i "esolplus/admin_views.py" -i "esolplus/templates/esolplus/admin/*" \
		-i "finder/freshness*" -i "templates/emails/listing_*" -i "templates/pages/listing_still_correct.html"

# The web server, the task worker and the scheduler together (manage.py run_all); Ctrl-C stops all three.
run: install translations
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_geography --skip-if-loaded --download
	$(PY) manage.py load_demo
	@echo "ESOL Plus is running on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/), with its task worker and scheduler"
	$(PY) manage.py run_all 127.0.0.1:$(PORT)

test: install-dev translations
	DJANGO_SETTINGS_MODULE=esolplus.settings.test $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djhtml --check templates $$(find finder evaluation esolplus -path '*/templates' -type d)

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates $$(find finder evaluation esolplus -path '*/templates' -type d)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
