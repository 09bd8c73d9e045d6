"""Any local sentence-transformers model directory (needs torch)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import EmbedderError
from .base import Embedder


class SentenceTransformerEmbedder(Embedder):
    """Loads a model from a local folder only; prefixes (e.g. "query: " for E5) come from settings."""

    def __init__(self, model_path: str, query_prefix: str = "", passage_prefix: str = "", device: str = "cpu"):
        path = Path(model_path).expanduser()
        if not path.is_dir():
            raise EmbedderError(f"sentence-transformers model folder not found: {model_path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbedderError("sentence-transformers is not installed") from exc
        try:
            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except Exception as exc:  # the library raises many types for a broken folder
            raise EmbedderError(f"could not load sentence-transformers model from {path}: {exc}") from exc
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.name = f"sentence-transformers/{path.name}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([prefix + t for t in texts], normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(self.passage_prefix + text, add_special_tokens=True)["input_ids"])
