import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.prod")
application = get_wsgi_application()


def _warm_up() -> None:
    """Build the legal search index (and load jieba) before the first question rather than during it."""
    try:
        from zhijia.legal.retrieval import current_index

        current_index()
    except Exception:  # e.g. a database not migrated yet: the first query builds it instead
        logging.getLogger("zhijia").warning("legal index warm-up skipped", exc_info=True)


if os.environ.get("ZHIJIA_WARM_UP", "1") != "0":
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
