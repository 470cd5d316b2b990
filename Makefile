# The two commands a newcomer needs:  make run   and   make test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test system-packages bench demo package

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

# The installable program (README 安装与打包): the PyInstaller one-folder bundle dist/huiquan-desk/ from
# installer/huiquan_desk.spec and, on Debian/Ubuntu, dist/huiquan-desk_<version>_amd64.deb.
package: system-packages $(STAMP)
	$(PY) -m pip install -q -e '.[package]'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		installer/huiquan_desk.spec
	@echo "bundle: dist/huiquan-desk/ $$(du -sm dist/huiquan-desk | cut -f1) MB"
	@if command -v dpkg-deb >/dev/null 2>&1; then \
		deb=$$(bash installer/build-deb.sh dist/huiquan-desk dist) && \
		echo "deb: $$deb $$(du -m --apparent-size $$deb | cut -f1) MB"; \
	fi
