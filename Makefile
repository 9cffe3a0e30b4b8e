# Two commands on a fresh machine with Python 3.11+:
#   make book   build the book into _build/html and print where to open it
#   make test   run every test: lint, engine, notebooks, warning-free build, browser
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   := _build/html
# The book build sets this too (see _ext/book_build.py); explorers render as static players.
export NONLIN_EXPLORER := static

.PHONY: book test lint unit notebooks build-check site-test lab bench clean

$(BIN)/.installed: requirements.txt requirements-test.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

book: $(BIN)/.installed
	rm -rf _build
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is built. Open it in a browser:"
	@echo "    file://$(CURDIR)/$(SITE)/index.html"
	@echo "or serve it:  $(BIN)/python -m http.server -d $(SITE) 8000   (then http://localhost:8000)"

test: $(BIN)/.installed lint unit notebooks build-check site-test
	@echo "All tests passed."

lint: $(BIN)/.installed
	$(BIN)/ruff check .

unit: $(BIN)/.installed
	$(BIN)/pytest tests -n 2 -p no:cacheprovider

# Execute every chapter in a fresh kernel whose working directory is the chapter's folder.
notebooks: $(BIN)/.installed
	unset NONLIN_EXPLORER; $(BIN)/pytest --nbval-lax --nbval-current-env -n 2 --dist loadfile -p no:cacheprovider chapters

# A clean, warning-free build that fails on any cell error.
build-check: $(BIN)/.installed
	rm -rf _build
	$(BIN)/jupyter-book build . -W -n --keep-going

# The built site in real headless Chromium (Debian's chromium; .ci/run installs it).
site-test: $(BIN)/.installed
	$(BIN)/pytest tests/site -p no:cacheprovider --site $(SITE)

lab: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet jupyterlab
	unset NONLIN_EXPLORER; $(BIN)/jupyter lab chapters

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_activations.py

clean:
	rm -rf _build .pytest_cache .hypothesis
