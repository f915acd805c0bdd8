# jazzwidget: the two commands are `make lab` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv lab demo test test-unit test-model test-browser test-notebooks fuzz mutation mutation-resume lint bench chromium corpus notebooks screenshots clean

## The virtual environment is rebuilt only when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[notebook,test]"
	touch $@

venv: $(BIN)/.installed

## Main job: JupyterLab on the quick-start notebook.
lab: $(BIN)/.installed
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/01_quickstart.ipynb

## Headless: train on the built-in corpus, write clip.mid and clip.wav.
demo: $(BIN)/.installed
	$(BIN)/jazzwidget demo --out clip.mid --wav clip.wav

## Debian's Chromium for the browser tests (installed only where it is missing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(BIN)/.installed chromium lint test-unit test-model test-notebooks test-browser

## ruff, then strict type checking of jazzwidget/ (pyright, config in pyproject.toml). pyright
## runs on the Node.js that pip installed with it (pyright[nodejs]) and skips its check for a
## newer release on PyPI: no network at lint time.
lint: $(BIN)/.installed
	$(BIN)/ruff check jazzwidget tests bench scripts
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 $(BIN)/pyright

## Separate pytest processes: the TensorFlow-free unit tests never pay for importing TF.
## The examples in the TensorFlow-free modules' docstrings run as doctests with the unit tests.
DOCTEST_MODULES := jazzwidget/music jazzwidget/model/step.py jazzwidget/model/sample.py \
	jazzwidget/model/inputs.py \
	jazzwidget/model/trace.py

test-unit: $(BIN)/.installed
	$(BIN)/pytest -q tests/unit
	$(BIN)/pytest -q --doctest-modules $(DOCTEST_MODULES)

test-model: $(BIN)/.installed
	$(BIN)/pytest -q tests/model

test-notebooks: $(BIN)/.installed
	$(BIN)/pytest -q tests/notebooks

test-browser: $(BIN)/.installed chromium
	$(BIN)/pytest -q tests/browser

## Fuzz the readers ten times longer than `make test` does (20,500 cases, about 10 minutes),
## with fresh random cases each run; JAZZWIDGET_FUZZ_SCALE=N runs N times the test's count.
fuzz: $(BIN)/.installed
	JAZZWIDGET_FUZZ_SCALE=$${JAZZWIDGET_FUZZ_SCALE:-10} $(BIN)/pytest -q tests/unit/test_fuzz_readers.py

## Mutation testing with mutmut (config in pyproject.toml: jazzwidget/music and the numpy step,
## sampling and trace, judged by tests/unit); niced for shared machines. Prints the score and
## fails below 80%; the survivors are explained in docs/mutation.md.
mutation: $(BIN)/.installed
	rm -rf mutants
	nice -n 10 $(BIN)/mutmut run --max-children 2 2>&1 | tail -c 300; echo
	$(BIN)/mutmut results
	$(BIN)/python scripts/mutation_score.py

## Go on with an interrupted `make mutation` where it stopped (a whole run is over two hours on
## a loaded 2-core machine; mutmut keeps every verdict it has). Only for the same source and
## tests: a verdict is not judged again when a test changes (`mutmut run NAME...` does that).
mutation-resume: $(BIN)/.installed
	nice -n 10 $(BIN)/mutmut run --max-children 2 2>&1 | tail -c 300; echo
	$(BIN)/mutmut results
	$(BIN)/python scripts/mutation_score.py

bench: $(BIN)/.installed
	$(BIN)/python -m bench

## Rebuild the built-in corpus from its generator (reproducible: fixed random seed).
corpus: $(BIN)/.installed
	$(BIN)/python scripts/make_corpus.py

## Rewrite the demo notebooks from scripts/make_notebooks.py (outputs cleared).
notebooks: $(BIN)/.installed
	$(BIN)/python scripts/make_notebooks.py

## Browser tests that also save the README's screenshots into docs/img/.
screenshots: $(BIN)/.installed chromium
	JAZZWIDGET_SCREENSHOTS=1 $(BIN)/pytest -q tests/browser

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache clip.mid clip.wav
