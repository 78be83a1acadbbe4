# Two commands matter: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Rebuilt whenever a lock file or pyproject.toml changes.
STAMP  := $(VENV)/.installed

# Lock files must install on a machine that only reaches PyPI, so they are compiled without this
# machine's extra indexes and find-links (pip config and PIP_* variables).
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-find-links \
	--strip-extras --no-emit-index-url

.PHONY: all setup run test lint format typecheck pytest soak lock clean dist w3id bench bench-report

all: test

setup: $(STAMP)

$(STAMP): requirements-dev.lock requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The main job: print what the example chains look like, validate them, then serve everything on
# port 8000. The two real chains are recorded from verified facts only; where NORA is silent they
# get warnings and infos, never a violation, so validation exits 0 and any failure stops make.
run: $(STAMP)
	$(BIN)/ketenontologie summary
	$(BIN)/ketenontologie validate data/
	$(BIN)/ketenontologie serve --host 127.0.0.1 --port 8000 --data-dir var/data

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

# Two steps: the suite on every core (pytest-xdist), then alone the tests that bound a time, kill
# a process or drive a browser (marked `serial` in tests/conftest.py).
pytest: $(STAMP)
	$(BIN)/pytest -n auto --dist loadgroup -m "not serial"
	$(BIN)/pytest -p no:xdist -m serial

# Readers and writers in parallel for minutes on both stores (`make test` runs the same for
# seconds): no read fails and none sees half a write.
SOAK_SECONDS ?= 120
soak: $(STAMP)
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/pytest \
		tests/regressions/test_reads_during_writes.py tests/regressions/test_no_half_writes_seen.py

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

lock: $(STAMP)
	$(PIP_COMPILE) --output-file=requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --extra bench --output-file=requirements-dev.lock pyproject.toml

dist: $(STAMP)
	$(BIN)/ketenontologie publish dist --out dist

w3id: $(STAMP)
	$(BIN)/ketenontologie publish w3id

# Every benchmark, each against its baseline in the same run, then docs/benchmarks.md from
# bench/results/. Needs wrk (service) and virtuoso-t (scale) from Debian; BENCH_ARGS=--quick
# gives a smoke run. Several hours in full: run it on an otherwise idle machine.
BENCH_ARGS ?=
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench: wrk is missing (apt-get install -y wrk)"; exit 2; }
	@command -v virtuoso-t >/dev/null || { echo "make bench: virtuoso-t is missing (apt-get install -y virtuoso-opensource-7-bin)"; exit 2; }
	$(BIN)/python bench/bench_validation.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_peers.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_reasoning.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_service.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_upload.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_pages.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_scale.py $(BENCH_ARGS)
	$(MAKE) bench-report

# docs/benchmarks.md (with the plots it links) from the committed results, without re-running.
bench-report: $(STAMP)
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) build dist var .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
