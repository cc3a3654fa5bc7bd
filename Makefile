# Zhijia: `make run` starts the system on embedded SQLite with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 300
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhijia

.PHONY: run test venv check-python migrate demo test-sqlite test-postgres browser-deps bench clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "Zhijia needs Python 3.12 or newer (Django 6.1); '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install it, e.g. 'pyenv install 3.12' (the repo's .python-version selects it) or 'apt-get install python3.12 python3.12-venv',"; \
	  echo "or run 'make PYTHON=/path/to/python3.12 ...'."; exit 1; }

$(VENV)/.installed: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py legal_load

demo: migrate
	$(PY) manage.py seed_demo --members $(DEMO_MEMBERS) --if-empty

run: demo
	@$(PY) manage.py check_deadlines
	@echo ""
	@echo "  职工之家已启动: http://$(HOST):$(PORT)/"
	@echo "  职工演示账号:     13800000000 / zhijia-demo-2026"
	@echo "  基层工会演示账号: officer / zhijia-demo-2026  (基层工会主席)"
	@echo "  上级工会演示账号: city / zhijia-demo-2026     (苏州市总工会，12351 热线受理、超期督办)"
	@echo "  协作单位演示账号: court / zhijia-demo-2026    (法院诉调中心，只见移交的工单)"
	@echo "  用人单位演示账号: hr / zhijia-demo-2026       (苏州精工机械有限公司人事，发布岗位、答复推荐)"
	@echo "  维权服务: http://$(HOST):$(PORT)/cases/"
	@echo "  困难帮扶: http://$(HOST):$(PORT)/aid/   (公示: /aid/notice/，统计: /aid/reports/)"
	@echo "  就业帮扶: http://$(HOST):$(PORT)/jobs/  (招聘会: /jobs/fairs/，统计: /jobs/report/)"
	@echo "  管理后台: http://$(HOST):$(PORT)/admin/  API 文档: http://$(HOST):$(PORT)/api/docs"
	@echo ""
	@trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & WORKER=$$!; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

browser-deps:
	@packages=""; \
	if [ ! -x /usr/bin/chromium ]; then packages="chromium"; fi; \
	if ! fc-list :lang=zh 2>/dev/null | grep -q .; then packages="$${packages:+$$packages }fontconfig fonts-noto-cjk"; fi; \
	if ! command -v pdftotext >/dev/null; then packages="$${packages:+$$packages }poppler-utils"; fi; \
	if [ -n "$$packages" ]; then \
	  echo "Installing Debian's $$packages for browser tests and PDF documents (CJK fonts, pdftotext)"; \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$packages >/dev/null); \
	  else (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$packages >/dev/null); fi; \
	fi

test: venv browser-deps
	$(PY) -m pytest -q -n 2 --dist loadfile
	@if $(PY) -c 'import sys, psycopg; psycopg.connect(sys.argv[1].replace("/zhijia", "/postgres"), connect_timeout=3).close()' "$${DATABASE_URL:-$(PG_URL)}" 2>/dev/null; then \
	  echo "PostgreSQL answers: running the suite against it too"; \
	  DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(PY) -m pytest -q -n 2 --dist loadfile -m "not browser"; \
	else echo "PostgreSQL not reachable at $${DATABASE_URL:-$(PG_URL)}: skipped the PostgreSQL run"; fi

bench: venv
	$(PY) bench/import_members.py
	$(PY) bench/subtree.py
	$(PY) bench/aid.py
	$(PY) bench/matching.py

clean:
	rm -rf $(VENV) var
