# The two commands of the README. Everything else lives in .ci/ and backend/cli.py.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test
run:  ## install what is missing, build the PWA, migrate, load the demo county if empty, serve
	@.ci/bootstrap
	@.ci/build-pwa
	@.venv/bin/python -m backend.cli up --host $(HOST) --port $(PORT)

test: ## install what is missing and run every test (SQLite, PostgreSQL, PWA in headless Chromium)
	@.ci/test
