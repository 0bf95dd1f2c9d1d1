# The two set-up commands of the README:
#   make lab    install everything, start JupyterLab on demo/ with the extension
#   make test   install everything, run every test layer
# Both are safe to re-run; each step redoes only what changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMPS := .make
export PATH := $(BIN):$(PATH)

LAB_PORT ?= 8888
LAB_ARGS ?=
# `make lab` works on a copy of demo/, so what you try never changes the
# repository; `make lab-reset` starts again from demo/.
LAB_ROOT := .lab/demo

.PHONY: lab lab-elyra lab-reset test install system-lab system-test build watch lint clean elyra-venv kube-harness

lab: system-lab install $(LAB_ROOT)
	jupyter lab --allow-root --no-browser --port=$(LAB_PORT) \
	  --ServerApp.root_dir="$(CURDIR)/$(LAB_ROOT)" $(LAB_ARGS)

# The same with Elyra (its pipeline editor and runtime images) in .venv-elyra.
lab-elyra: system-lab elyra-venv $(LAB_ROOT)
	.venv-elyra/bin/jupyter lab --allow-root --no-browser --port=$(LAB_PORT) \
	  --ServerApp.root_dir="$(CURDIR)/$(LAB_ROOT)" $(LAB_ARGS)

$(LAB_ROOT):
	mkdir -p $(dir $(LAB_ROOT))
	cp -r demo $(LAB_ROOT)

lab-reset:
	rm -rf $(LAB_ROOT)

test: system-test install ui-tests/node_modules/.yarn-state.yml elyra-venv kube-harness
	python scripts/run_tests.py

# The Kubernetes control plane of the cluster-build tests, built from the Go module
# proxy into ~/.cache/jupyterlab-overlays/kube (about 6 min from empty caches here;
# 0 s once built). The tests start and stop it.
kube-harness:
	scripts/kube-harness.sh install

install: $(STAMPS)/python build

system-lab:
	scripts/install-system.sh lab

system-test:
	scripts/install-system.sh test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The build tools are installed in the venv first so the editable install can
# skip build isolation (which would download JupyterLab again on every install).
$(STAMPS)/python: $(BIN)/python pyproject.toml package.json node_modules/.yarn-state.yml
	$(BIN)/pip install -q "hatchling>=1.5.0" "hatch-nodejs-version>=0.3.2" \
	  "hatch-jupyter-builder>=0.5" editables "jupyterlab>=4.6.0,<4.7"
	@# The develop symlink would let pip write install.json into our source tree.
	rm -rf $(VENV)/share/jupyter/labextensions/jupyterlab-overlays \
	  jupyterlab_overlays/labextension/install.json
	$(BIN)/pip install -q --no-build-isolation -e ".[test]"
	jupyter labextension develop --overwrite .
	@mkdir -p $(STAMPS) && touch $@

node_modules/.yarn-state.yml: $(BIN)/python package.json yarn.lock
	$(BIN)/pip install -q "jupyterlab>=4.6.0,<4.7"
	jlpm install
	@touch $@

ui-tests/node_modules/.yarn-state.yml: $(BIN)/python ui-tests/package.json ui-tests/yarn.lock
	cd ui-tests && jlpm install
	@touch $@

# Elyra beside this JupyterLab, for the hand-off tests (pytest and Galata);
# the script does nothing when .venv-elyra is up to date.
elyra-venv: install
	PYTHON=$(PYTHON) scripts/elyra-venv.sh

build: $(STAMPS)/python
	jlpm build

watch: install
	jlpm watch

lint: install
	jlpm lint
	ruff format . && ruff check --fix .

clean:
	jlpm clean:all || true
	rm -rf $(VENV) .venv-elyra .venv-thamos $(STAMPS) node_modules ui-tests/node_modules .test-results .lab
