# Two commands on a fresh machine with Python 3.11+:
#   make book   build the book into _build/html and print where to open it
#   make test   run every test: lint, engine, notebooks, warning-free build, browser
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   := _build/html
# The book build sets this too (see _ext/book_build.py); explorers render as static players.
export NONLIN_EXPLORER := static

.PHONY: book test lint unit notebooks robust build-check site-test lab binder-check bench clean student workflow-check pdf

$(BIN)/.installed: requirements.txt requirements-test.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# Incremental: pages whose source did not change are not read again, and notebooks whose code did
# not change take their outputs from the cache in _build, which _ext/book_build.py empties when
# lib/nonlin, the requirements or Python change. Notebooks run 2 at a time.
book: $(BIN)/.installed
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is built. Open it in a browser:"
	@echo "    file://$(CURDIR)/$(SITE)/index.html"
	@echo "or serve it:  $(BIN)/python -m http.server -d $(SITE) 8000   (then http://localhost:8000)"

# The tests build with a placeholder repository URL unless one is set (the Pages workflow sets the
# real one), so the browser tests check the Binder and Colab links of every chapter; the links are
# checked, never fetched. `make book` uses only what you set (no URL: no launch buttons).
test: export BOOK_REPOSITORY_URL ?= https://github.com/example/activation-book
test: $(BIN)/.installed lint workflow-check unit robust build-check student pdf site-test
	@echo "All tests passed."

lint: $(BIN)/.installed
	$(BIN)/ruff check .

unit: $(BIN)/.installed
	$(BIN)/pytest tests -n 2 -p no:cacheprovider

# Execute every chapter in a fresh kernel whose working directory is the chapter's folder.
notebooks: $(BIN)/.installed
	unset NONLIN_EXPLORER; $(BIN)/pytest --nbval-lax --nbval-current-env -n 2 --dist loadfile -p no:cacheprovider chapters

# The last-bits gate: every chapter under each variant of tools/robust.py (three NONLIN_PERTURB seeds
# that nudge every random draw by 1e-12, and one BLAS thread); every assert must hold in each. It
# replaces `notebooks` in `make test` (the clean build below runs the unperturbed book). The one-thread
# variant runs in Binder's environment, so it is also `make binder-check`'s proof.
# Add a variant of your own: make robust ROBUST_ARGS="--add NONLIN_PERTURB=12345"
robust: $(BIN)/.installed
	$(BIN)/python tools/robust.py $(ROBUST_ARGS)

# A clean, warning-free build from an empty _build (so every chapter runs), failing on any cell
# error or stderr output. It prints each notebook's execution time at the end.
build-check: $(BIN)/.installed
	rm -rf _build
	$(BIN)/jupyter-book build . -W -n --keep-going

# The built site in real headless Chromium (Debian's chromium; .ci/run installs it). Two workers, each
# taking whole test files: the accessibility audit on one, the other files on the other.
site-test: $(BIN)/.installed
	$(BIN)/pytest tests/site -n 2 --dist loadfile -p no:cacheprovider --site $(SITE)

# The student edition: the site without the exercises' solutions (sphinx-exercise's hide_solutions,
# turned on by _ext/student_edition.py) in _build/student/_build/html. Notebook outputs come from the
# full build's cache in _build/.jupyter_cache: after `make book` no chapter runs again.
student: $(BIN)/.installed
	BOOK_EDITION=student $(BIN)/jupyter-book build . -W -n --keep-going --path-output _build/student
	@echo "The student edition: file://$(CURDIR)/_build/student/_build/html/index.html"

# The PDF handouts, printed from the single-page build by headless Chromium (no TeX; tools/book_pdf.py):
# _build/pdf/book.pdf and, without the solutions, _build/pdf/book-student.pdf. The single-page builds
# share the HTML builds' environments and notebook cache, so after `make book` and `make student`
# nothing runs again. tests/site/test_pdf.py (part of `make site-test`) checks their text.
pdf: $(BIN)/.installed
	$(BIN)/jupyter-book build . -W -n --keep-going --builder singlehtml
	BOOK_EDITION=student $(BIN)/jupyter-book build . -W -n --keep-going --builder singlehtml --path-output _build/student
	$(BIN)/python tools/book_pdf.py _build/singlehtml _build/pdf/book.pdf
	$(BIN)/python tools/book_pdf.py _build/student/_build/singlehtml _build/pdf/book-student.pdf \
		--title "Activation Functions and Backpropagation: an Executable Textbook (student edition)"
	@echo "The PDF handouts: $(CURDIR)/_build/pdf/book.pdf and $(CURDIR)/_build/pdf/book-student.pdf"

# The GitHub workflows against GitHub's workflow schema (bundled with check-jsonschema: works offline).
workflow-check: $(BIN)/.installed
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# JupyterLab on the reader notebooks, whose prose reads as on the site (numbers, links, folded
# solutions): the (incremental) book build writes them to $(SITE)/notebooks. Edits there are
# overwritten by the next build; to change a chapter, edit chapters/ (`$(BIN)/jupyter lab chapters`).
lab: book
	$(BIN)/python -m pip install --quiet -r tools/jupyterlab-requirements.txt -c requirements.txt
	cd $(SITE) && unset NONLIN_EXPLORER && $(CURDIR)/$(BIN)/jupyter lab notebooks/chapters/00_tour.ipynb

# Binder's configuration alone (runtime.txt, requirements.txt, postBuild) runs every chapter: a fresh
# venv in _build/binder-env, then each chapter executed in it (tools/binder_check.py; no .venv needed).
# `make test` gets this proof from `make robust`, whose one-thread variant runs the same way.
binder-check:
	$(PYTHON) tools/binder_check.py

# PyTorch (the baseline) is installed for the benchmark only: the optional extra `bench`.
$(BIN)/.bench-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@touch $@

# nonlin's speed as ratios to PyTorch, to its matrix products and to a copy; fails on a missed target.
bench: $(BIN)/.bench-installed
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf _build .pytest_cache .hypothesis
