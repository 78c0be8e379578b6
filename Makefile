# tongbao: `make demo` to see it work, `make test` to check it.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= out

.PHONY: demo test install compiled bench models clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tongbao run corpora/ --out $(OUT)
	$(BIN)/python -m pipeline.show $(OUT)/documents.jsonl

test: $(STAMP)
	$(BIN)/python -m pytest

# the compiled build (mypyc, see setup.py) as a wheel in dist/, installed into .venv in place of
# the editable one; `make install` (or demo, test) goes back to the editable pure-Python one
compiled: $(STAMP)
	rm -rf build dist
	$(BIN)/pip install -q 'setuptools>=70.1'  # (its own bdist_wheel: the build runs in .venv)
	TONGBAO_COMPILE=1 $(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist .
	$(BIN)/pip install -q --no-deps --force-reinstall dist/tongbao-*.whl
	rm -rf build $(STAMP)
	$(BIN)/tongbao --version

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache build dist
