import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.prod")
application = get_wsgi_application()


def _warm_up() -> None:
    """Build the legal search index and the job-matching index (and load jieba) before the first request that
    needs them rather than during it (the matching index takes about a minute per million vacancies)."""
    from zhijia.jobs import matching
    from zhijia.legal.retrieval import current_index

    for name, build in (("legal", current_index), ("matching", matching.index)):
        try:
            build()
        except Exception:  # e.g. a database not migrated yet: the first query builds it instead
            logging.getLogger("zhijia").warning("%s index warm-up skipped", name, exc_info=True)


if os.environ.get("ZHIJIA_WARM_UP", "1") != "0":
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
