# The two commands a newcomer needs:  make run   and   make test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test system-packages bench demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

system-packages:
	@bash installer/ensure-system-packages.sh

# Set up and start the app on its default data folder (pass ARGS="--data-dir DIR" to choose one).
run: system-packages $(STAMP)
	$(VENV)/bin/huiquan-desk $(ARGS)

# Set up and run every test (lint, layer contracts, types, unit, UI with Qt offscreen, integration).
test: system-packages $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest -q

demo: $(STAMP)
	$(VENV)/bin/huiquan-desk $(ARGS) demo

bench: $(STAMP)
	$(PY) bench/run.py
