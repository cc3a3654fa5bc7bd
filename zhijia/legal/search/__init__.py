"""Finding the statute articles that answer a worker's question, asked the way people talk.

Pure Python and independent of the database: build an `Index` from `Doc`s (`docs_from_laws(read_laws())` for
the bundled statutes) once, then `search` it from any thread. bench/legal_eval.py measures it.
"""

from .expansion import expand_query
from .index import Doc, Hit, Index, Ranking, docs_from_laws
from .scope import is_labor_question
from .text import tokenize

__all__ = ["Doc", "Hit", "Index", "Ranking", "docs_from_laws", "expand_query", "is_labor_question", "tokenize"]
