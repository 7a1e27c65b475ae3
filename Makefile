# The course's set-up and build. Every target works from an empty checkout: it creates .venv
# with Python 3.11+ and installs what it needs from pyproject.toml (the single source of
# dependencies) before doing its job.
#
#   make book    build the site into _build/html (strict: warnings are errors)
#   make test    run the whole test suite (lint, models, data, notebooks, strict book build)
#   make lab     open JupyterLab on the course
#   make clean   remove build output and caches (keeps .venv; `make distclean` removes it too)

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The first Python 3.11+ found on PATH, unless PYTHON is given: make book PYTHON=python3.12
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)

.PHONY: book test lab lock clean distclean system-packages

book: $(VENV)/.installed-book
	$(BIN)/jupyter-book build . -n -W --keep-going

# The venv's bin goes first on PATH: nbgrader runs its own `alembic` command by name.
test: $(VENV)/.installed-test system-packages
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

# Two Debian packages the tests use: Chromium (browser tests, driven by Playwright) and
# bubblewrap (the sandbox `socialmarketing grade` runs student code in). Installed when
# missing if we may (root with apt-get, as in CI); otherwise say how.
system-packages:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "make: installing$$missing (apt-get)"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || { \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; \
		else \
			echo "make: the tests need the system packages$$missing; install them with:" >&2; \
			echo "      sudo apt-get install -y$$missing" >&2; \
			echo "      (without Chromium the browser tests are skipped, loudly)" >&2; \
		fi; \
	fi

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab --ServerApp.root_dir=.

# The learner environment's lock file: exact versions of the runtime dependencies and the `lab`
# extra, compiled from pyproject.toml (still the one place dependencies are declared) with
# Binder's own base pins as constraints. Binder and the learner-path tests install it;
# tests/test_repository.py checks that it is current. Run after changing a dependency.
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile pyproject.toml --extra lab --constraint binder/repo2docker-base.txt \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --quiet \
		--custom-compile-command "make lock" --output-file binder/requirements.txt

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

$(VENV)/bin/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "make: Python 3.11 or newer is needed and none was found on PATH." >&2; \
		echo "      Install it (e.g. apt-get install python3.11) or run: make PYTHON=/path/to/python3.11" >&2; \
		exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "make: $(PYTHON) is $$($(PYTHON) --version 2>&1); the course needs Python 3.11 or newer." >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

# The extras each target installs (see pyproject.toml).
EXTRAS_book := book
EXTRAS_lab := lab,grading
EXTRAS_test := test
EXTRAS_dev := dev

# One stamp per set of extras; a changed pyproject.toml reinstalls.
# rfc3987-syntax is an optional extra of jsonschema (pulled in by jupyter-events) that builds a
# parser for the rarely used "iri" format at import time, adding about 1.5 s to every
# `import altair`; without it jsonschema simply skips that format check. See benchmarks/.
$(VENV)/.installed-%: pyproject.toml | $(VENV)/bin/python
	@$(BIN)/python -m pip install --quiet --upgrade pip || { \
		echo "make: could not reach the package registry (PyPI) to install the course's dependencies." >&2; \
		echo "      Check the network connection or proxy settings, then run make again." >&2; exit 1; }
	@$(BIN)/python -m pip install --quiet --editable '.[$(EXTRAS_$*)]' || { \
		echo "make: installing the course's dependencies ('.[$(EXTRAS_$*)]') failed: see pip's message above." >&2; \
		echo "      A network error means the package registry (PyPI) could not be reached." >&2; exit 1; }
	@$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	@touch $@
