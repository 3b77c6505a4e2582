# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
STORE  ?= creatorroi.duckdb

.PHONY: fonts browser demo test lint typecheck unit bench bench-redirect bench-web bench-mmm \
	bench-quality clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "creatorroi needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Reports embed Debian's Noto fonts (Latin, Persian, Korean, Chinese). Installed where apt is
# available and we are root; elsewhere install fonts-noto-core and fonts-noto-cjk yourself.
# libharfbuzz-subset0 lets WeasyPrint subset the CJK fonts in a second instead of ten.
FONT_PACKAGES := fonts-noto-core fonts-noto-cjk libharfbuzz-subset0
FONTS_STAMP := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts:
	@if [ ! -e $(FONTS_STAMP) ] || [ ! -e /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ] \
	    || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(FONT_PACKAGES) >/dev/null \
	      || (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(FONT_PACKAGES) >/dev/null); \
	  else echo "reports need: apt-get install $(FONT_PACKAGES)"; fi; \
	fi

# Browser tests drive Debian's chromium through Playwright (no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
	      || (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null); \
	  else echo "browser tests need: apt-get install chromium"; fi; \
	fi

demo: $(STAMP) fonts
	$(BIN)/creatorroi demo --store $(STORE) --out demo-output

test: $(STAMP) fonts browser lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/attribution.py

# Installs wrk and nginx from Debian when missing (the floor it compares against).
bench-redirect: $(STAMP)
	$(BIN)/python benchmarks/redirect.py

# The web dashboard over a million orders: a real server and real HTTP (p95 target 300 ms).
bench-web: $(STAMP)
	$(BIN)/python benchmarks/web.py

# Marketing-mix ROAS recovery on synthetic data with known truth, beside PyMC-Marketing's default
# MMM. The baseline gets its own venv so its pins never meet ours. Flags: make bench-mmm ARGS=--quick
bench-mmm: $(STAMP)
	test -x .venv-baseline/bin/python || $(PYTHON) -m venv .venv-baseline
	.venv-baseline/bin/python -c 'import pymc_marketing, numpyro' 2>/dev/null \
	  || .venv-baseline/bin/python -m pip install --quiet 'pymc-marketing>=0.10' pandas pyarrow numpyro
	$(BIN)/python benchmarks/mmm.py $(ARGS)

# Content and audience quality: sentiment accuracy per language beside VADER and SnowNLP, the
# bot-comment and fake-follower detectors on public labelled data, a million-comment import.
bench-quality: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/sentiment.py
	$(BIN)/python benchmarks/audience.py
	$(BIN)/python benchmarks/comments_import.py

clean:
	rm -rf $(VENV) demo-output $(STORE) creatorroi-clicks .pytest_cache .mypy_cache .ruff_cache
