"""Optional sentence embeddings for hybrid ranking. Nothing here downloads anything; without configuration
`get_embedder()` returns None and search is BM25 alone.

Configured only by environment variables:
- ZHIJIA_EMBED_MODEL_PATH: a sentence-transformers model in a local directory (the package is imported only
  then; if it or the path is missing, this backend is unavailable);
- ZHIJIA_EMBED_URL (+ ZHIJIA_EMBED_MODEL, optional ZHIJIA_EMBED_API_KEY, ZHIJIA_EMBED_TIMEOUT seconds): an
  OpenAI-compatible `/v1/embeddings` endpoint, called with urllib.
The local model wins when both are set.
"""

import json
import logging
import math
import os
import urllib.error
import urllib.request
from operator import mul
from pathlib import Path
from typing import Protocol, runtime_checkable

logger = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    def embed(self, texts: list[str]) -> list[list[float]]: ...


class EmbedderUnavailable(RuntimeError):
    pass


class LocalModelEmbedder:
    """A sentence-transformers model read from a local directory."""

    def __init__(self, path: str):
        if not Path(path).is_dir():
            raise EmbedderUnavailable(f"no model directory at {path}")
        try:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub, even for a missing file
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise EmbedderUnavailable("sentence-transformers is not installed") from error
        self.model = SentenceTransformer(path, device="cpu", local_files_only=True)

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
        return [list(map(float, vector)) for vector in vectors]


class HttpEmbedder:
    """An OpenAI-compatible embeddings endpoint: POST {"model", "input": [...]} -> {"data": [{"embedding"}]}."""

    def __init__(self, url: str, model: str, api_key: str | None = None, timeout: float = 10.0):
        self.url = url if url.rstrip("/").endswith("/embeddings") else url.rstrip("/") + "/v1/embeddings"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def embed(self, texts: list[str]) -> list[list[float]]:
        body = json.dumps({"model": self.model, "input": list(texts)}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise EmbedderUnavailable(f"embedding endpoint failed: {error}") from error
        items = sorted(payload.get("data", []), key=lambda item: item.get("index", 0))
        if len(items) != len(texts):
            raise EmbedderUnavailable("embedding endpoint returned a different number of vectors")
        return [list(map(float, item["embedding"])) for item in items]


def get_embedder() -> Embedder | None:
    """The configured embedder, or None when none is configured or the configured one cannot load."""
    path = os.environ.get("ZHIJIA_EMBED_MODEL_PATH", "").strip()
    if path:
        try:
            return LocalModelEmbedder(path)
        except EmbedderUnavailable as error:
            logger.info("local embedding model unavailable: %s", error)
        except Exception:  # a broken model directory must not take search down
            logger.exception("local embedding model failed to load")
    url = os.environ.get("ZHIJIA_EMBED_URL", "").strip()
    model = os.environ.get("ZHIJIA_EMBED_MODEL", "").strip()
    if url and model:
        timeout = float(os.environ.get("ZHIJIA_EMBED_TIMEOUT", "10") or 10)
        return HttpEmbedder(url, model, os.environ.get("ZHIJIA_EMBED_API_KEY") or None, timeout)
    return None


def normalise_vector(vector) -> list[float]:
    values = [float(x) for x in vector]
    norm = math.sqrt(sum(x * x for x in values))
    return [x / norm for x in values] if norm else values


def cosine_scores(query: list[float], vectors: list[list[float]]) -> list[float]:
    """Dot products of a unit query with unit document vectors (~60 ms for 2,850 × 768 in plain Python)."""
    return [sum(map(mul, query, vector)) for vector in vectors]
