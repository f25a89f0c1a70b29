.PHONY: run test lint bench bench-parts bench-scale demo screenshots first-run
run:
	python app.py
test:
	bash scripts/test.sh
lint:
	ruff check . && ruff format --check . && mypy .
bench:
	python bench/bench_all.py
bench-scale:
	python bench/bench_all.py --only T6 --scale
bench-parts:
	python bench/bench_breadth.py && python bench/bench_windows.py && python bench/bench_store.py && python bench/bench_app.py && python bench/bench_volume.py && python bench/bench_static.py
demo:
	python cli.py demo
screenshots:
	SCREENSHOT_DIR=docs/screenshots python -m pytest -q tests/browser
first-run:
	bash scripts/first_run.sh
