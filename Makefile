# mlpcourse: `make book` builds the course book, `make test` runs every test.
# Both create the environment (.venv) on first use.

PYTHON ?= python3
# Which PyTorch build make env installs. The default, TORCH=pypi, takes torch from PyPI: on Linux
# that is the CUDA build (several GB of NVIDIA packages), on macOS and Windows the CPU build.
# TORCH=cpu takes the CPU-only build from PyTorch's own index (about 200 MB): for a Linux laptop
# without an NVIDIA GPU. Binder (binder/requirements.txt) always uses the CPU build.
TORCH ?= pypi
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
TORCH_PIN = $(shell grep -E '^torch==' requirements.txt)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: release help env book pdf tex-packages test lint unit notebooks lab clean bench bench-report student student-book assignments handout-links set-repo-url

help:
	@echo "make book       build the book into _build/html (creates .venv on first use)"
	@echo "make pdf        the whole book as one PDF, _build/latex/mlpcourse.pdf (needs TeX Live, see README)"
	@echo "make test       every test: ruff, unit tests, each lesson run once under another seed (nbval"
	@echo "                and its claims), student copies, strict book and PDF, headless Chromium"
	@echo "make unit       the fast tests only (no lesson runs, no book build): a minute or two"
	@echo "make student    write student copies (no solutions, no outputs) to student/"
	@echo "make student-book  the book without solutions, into _build/student-html"
	@echo "make assignments   Otter-Grader assignments, one question per code exercise, into"
	@echo "                _build/assignments/<lesson>/{student,autograder}/ (no lesson is run)"
	@echo "make handout-links REPO=<class repo> [HUB=<hub url>]  links to the student copies"
	@echo "make set-repo-url URL=https://github.com/<owner>/<repo>  move the course's address"
	@echo "make release    tag v<version> and branch release-<version> at HEAD (see README)"
	@echo "make env        create or update the environment in .venv (TORCH=cpu: PyTorch's CPU-only"
	@echo "                build from its own index; default TORCH=pypi, the CUDA build on Linux)"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make notebooks  re-execute every notebook in place, in order (commits real outputs)"
	@echo "make bench      measure the speed claims (~10 min on 2 cores), then make bench-report"
	@echo "make bench-report  render benchmarks/results/*.json into book/_generated/"

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "mlpcourse needs Python 3.10 or newer"'
	@case "$(TORCH)" in pypi|cpu) ;; *) echo "TORCH=$(TORCH): use TORCH=pypi (default) or TORCH=cpu"; exit 2;; esac
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
ifeq ($(TORCH),cpu)
	$(BIN)/python -m pip install --disable-pip-version-check -q --index-url $(TORCH_CPU_INDEX) "$(TORCH_PIN)"
endif
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -e .
	touch $@

book: env
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "Book built. Open: file://$(CURDIR)/_build/html/index.html"

# The TeX Live packages make pdf needs (Debian/Ubuntu); .ci/run installs the same list.
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended texlive-plain-generic latexmk fonts-freefont-otf

pdf: env
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null || { \
		echo "make pdf needs xelatex and latexmk. On Debian/Ubuntu:"; \
		echo "  sudo apt-get install --no-install-recommends $(TEX_PACKAGES)"; exit 2; }
	$(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going
	@echo
	@echo "PDF built: $(CURDIR)/_build/latex/mlpcourse.pdf"

tex-packages:
	@echo $(TEX_PACKAGES)

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the fast tests (a minute or two): no lesson runs, no book build
unit: env
	$(BIN)/pytest -m "not slow" tests

# make test runs every lesson in full once: nbval executes the lessons' claims copies (another
# seed, written by tools.lessons into $(CLAIMS)), compares the cells tagged nbval-check-output
# with the committed outputs, and leaves each lesson's results for tests/test_lesson_NN.py.
CLAIMS := _build/claims
test: lint
	$(BIN)/python -m tools.lessons prepare-claims $(CLAIMS)
	MPLBACKEND=Agg MLPCOURSE_CLAIMS_DIR=$(CURDIR)/$(CLAIMS) \
		$(BIN)/pytest --nbval-lax --nbval-current-env $(CLAIMS) tests

notebooks: env
	@for nb in $(NOTEBOOKS); do \
		echo "executing $$nb"; \
		MPLBACKEND=module://matplotlib_inline.backend_inline \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 $$nb || exit 1; \
	done
	$(BIN)/python -m tools.lesson_tables  # the instructors' table reads the runs' cell timings

# Benchmarks (benchmarks/run.py): all parts on the CPU; BENCH_ARGS="--only pipeline,gemm" etc.
bench: env
	$(BIN)/python -m benchmarks.run --device cpu $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.report

bench-report: env
	$(BIN)/python -m benchmarks.report

# Student copies: solution cells (tag `solution`) removed, outputs cleared (python -m tools.student_copies).
student: env
	$(BIN)/python -m tools.student_copies --out student $(NOTEBOOKS)

# The book without solutions, built from the student versions of the lessons (outputs kept).
student-book: env
	$(BIN)/python -m tools.student_book

# Otter-Grader assignments generated from the lessons (python -m tools.assignments).
assignments: env
	$(BIN)/python -m tools.assignments

# Links to the student copies in a class repository of your own (JupyterHub via nbgitpuller, Colab).
handout-links:
	@test -n "$(REPO)" || { echo "usage: make handout-links REPO=https://github.com/<you>/<class-repo> [HUB=https://hub.example.edu]"; exit 2; }
	$(PYTHON) -m tools.handout_links --repo "$(REPO)" $(if $(HUB),--hub "$(HUB)")

# The repository URL lives in _config.yml; this rewrites it there and in every notebook's copies.
set-repo-url:
	@test -n "$(URL)" || { echo "usage: make set-repo-url URL=https://github.com/<owner>/<repo>"; exit 2; }
	$(PYTHON) -m tools.set_repo_url "$(URL)"

# A release: the tag v<version> (immutable: the Colab cells install it, the badges open it) and the
# branch release-<version> (the book's Binder, Colab and JupyterHub buttons open it; nbgitpuller
# pulls a branch again and again, a tag only once). Both at HEAD, after make set-repo-url re-pinned.
VERSION = $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
release:
	@$(PYTHON) -m tools.set_repo_url --check
	@test -z "$$(git status --porcelain)" || { echo "make release: commit your changes first"; exit 2; }
	git tag v$(VERSION)
	git branch release-$(VERSION)
	@echo "Released $(VERSION). Publish it: git push origin v$(VERSION) release-$(VERSION)"

lab: env
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf _build student .pytest_cache .ruff_cache
