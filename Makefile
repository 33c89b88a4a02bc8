# Set-up and entry points of relu-landscape.  Everything a fresh Debian machine needs is installed here:
# system packages with apt-get (only when missing), Python packages into .venv (only when setup.cfg changed).
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SYSPKGS := libcdd-dev libgmp-dev
# with the test extra: a headless browser for tests/test_report_browser.py (skipped, saying why, without it)
TESTSYSPKGS := chromium
EXTRAS  ?= test,torch,plot

.PHONY: setup run test lint bench oracle clean

setup: $(STAMP)

$(STAMP): setup.cfg pyproject.toml Makefile
	@missing=""; for p in $(SYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	fi
	@case ",$(EXTRAS)," in *,test,*) \
	  missing=""; for p in $(TESTSYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing system packages for the tests:$$missing"; \
	    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; } \
	      || echo "warning: could not install$$missing; the browser test of the HTML report will be skipped"; \
	  fi;; \
	esac
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	@touch $@

## make run: the main job -- the default verification suite, report written into reports/
## (exit 3 = some verdict inconclusive, none violated: the report says which; that is a result, not a failure)
run: $(STAMP)
	$(PY) -m verify run --out reports || [ $$? -eq 3 ]

## make test: lint (ruff with bugbear, assertions that cannot fail), then the test suite (unit, property,
## doctests, CLI, differential fuzzers)
test: $(STAMP) lint
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check -q --config .ci/ruff.toml geom verify cases tests benchmarks .ci
	$(PY) .ci/lint_tests.py geom verify cases tests benchmarks

## make oracle: optional oracles for benchmarks (SageMath's arrangement code from PyPI)
oracle: $(STAMP)
	$(PY) -m pip install -q -e '.[oracle]'

## make bench: benchmarks (tables on stdout, JSON in benchmarks/results/)
bench: $(STAMP) .venv-bench/.installed
	$(PY) benchmarks/bench_patterns.py
	$(PY) benchmarks/bench_convex.py
	$(PY) benchmarks/bench_polytope.py --quick
	$(PY) benchmarks/bench_oned.py

## pyscnn (the existing convex-NN library) lives in its own venv: installing it into .venv would replace the
## CPU torch by a CUDA build
.venv-bench/.installed:
	@test -x .venv-bench/bin/python || python3 -m venv .venv-bench
	.venv-bench/bin/python -m pip install -q "torch==2.13.0" "numpy==2.4.6" "scipy==1.17.1" pyscnn
	@touch $@

clean:
	rm -rf $(VENV) .venv-bench build *.egg-info .pytest_cache
