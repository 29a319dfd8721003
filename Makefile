# Two entry points for a fresh clone: `make demo` and `make test`.
# Everything installs into the checkout: .tools/ holds the pinned uv, .venv/ the
# locked environment (uv.lock), .prefect/ Prefect's state.
UV_VERSION := 0.13.9
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
# Trust the system's certificate store (as pip does): registries may be reached
# through a TLS-inspecting proxy whose CA only the system store knows.
export UV_SYSTEM_CERTS := 1

.PHONY: setup demo test test-fast lint bench bench-splink
setup: .venv/.synced

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --python $(PYTHON) --quiet
	touch $@

demo: setup
	.venv/bin/ties demo

# The browser test (tests/browser) needs chromium: installed here when missing and root.
test: setup
	scripts/install-browser
	.venv/bin/python -m pytest

# The inner loop: everything but Prefect flows and servers, the browser and slow tests.
test-fast: setup
	.venv/bin/python -m pytest -m "not flows and not browser and not slow"

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench: setup
	.venv/bin/python benchmarks/run_fixed_cost.py

# Splink and the Febrl data sets (the `bench` dependency group), for the side-by-side run.
bench-splink: setup
	$(UV) sync --frozen --all-extras --group bench --python $(PYTHON) --quiet
	.venv/bin/python benchmarks/bench_splink_side_by_side.py
