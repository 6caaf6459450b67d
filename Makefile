# The two commands of the README: `make demo` and `make test`.
.PHONY: setup demo test

setup:
	bash scripts/setup.sh

# The demo's cases and paperwork in a fresh data directory, its accounts, then the web app on
# http://127.0.0.1:8000 until Ctrl-C (`casedocs demo` alone runs the cases and exits).
demo: setup
	@data=var/demo-$$(date +%Y%m%d-%H%M%S) && \
	.venv/bin/casedocs demo --out var/demo-paperwork --data $$data && \
	.venv/bin/casedocs user demo --data $$data && \
	exec .venv/bin/casedocs serve --demo --data $$data

test: setup
	.venv/bin/python -m mypy
	.venv/bin/python -m pytest
