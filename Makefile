# The two commands of the README: `make run` (the checklist on the bundled spec) and `make test`.
# Both create and reuse a local virtual environment in .venv.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.talkqa-installed

.PHONY: run test test-generated lint bench fuzz clean selfcheck mutate

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "talkqa needs Python 3.11 or newer on PATH" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/talkqa run --report-dir reports

test: lint
	$(BIN)/python -m pytest

# The long form of the generated-spec property (tests/checklist/test_generated_specs.py): 300 specs.
test-generated: $(STAMP)
	$(BIN)/python -m pytest -m generated_specs tests/checklist/test_generated_specs.py

lint: $(STAMP)
	$(BIN)/ruff check harness steps tests bench fixtures
	$(BIN)/ruff format --check harness steps tests bench fixtures
	$(BIN)/mypy

# Every broken engine against the whole checklist, each caught by the item stating its promise (minutes).
selfcheck: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -m selfcheck -k "not shipped" tests/checklist/test_selfcheck_faults.py

# Mutation testing of the engine's decision and conversion modules against the checklist: prints the score.
# Survivors and why they live: mutation-survivors.md (next to the [tool.mutmut] configuration).
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 || true
	$(BIN)/python bench/mutation_score.py

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

fuzz: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -m fuzz tests/mock/test_fuzz_asgi.py

clean:
	rm -rf $(VENV) reports/*.html reports/*.json reports/*.xml
