# Developer loop. The README's two commands are what a newcomer runs; these are shortcuts.
PY ?= python

.PHONY: test check bench validate lint types
test:
	$(PY) -m pytest -q
validate:
	$(PY) -m tutor validate
lint:
	$(PY) -m ruff check tutor tests benchmarks
types:
	$(PY) -m mypy tutor --ignore-missing-imports
check: lint types validate test
bench:
	$(PY) benchmarks/check_latency.py
	$(PY) benchmarks/grade_throughput.py
	$(PY) benchmarks/grade_cpu.py
	$(PY) benchmarks/tui_startup.py
	$(PY) benchmarks/train_overhead.py
