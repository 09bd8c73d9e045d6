"""Any OpenAI-compatible /v1/embeddings endpoint (text-embeddings-inference, vLLM, Infinity, OpenAI itself)."""

from __future__ import annotations

import logging
import os
import time

import httpx
import numpy as np

from ..errors import EmbedderError
from .base import Embedder

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class OpenAIEmbedder(Embedder):
    """Vectors from an HTTP endpoint, in batches, retried on connection errors and 5xx/429 answers.

    base_url: the API root ending in /v1 (default http://127.0.0.1:8080/v1, text-embeddings-inference's port).
    model: the model name the server expects (required; it also names the index, so another model makes it stale).
    query_prefix / passage_prefix: put before every query / passage ("query: " and "passage: " for E5 models;
        the server adds nothing). Default "".
    api_key: sent as a Bearer token when not empty. Default "" (servers on the same network often need none).
    batch_size: texts per request (default 32).
    timeout_s: seconds per request (default 30).
    retries: further tries after a failed request (default 3).
    backoff_s: the wait before the first retry, doubled before each next one (default 0.5).
    dim: the vector size expected, or 0 (default) to take it from the server's answer to a first request.
    client: an httpx.Client to use instead of a new one (tests).

    Token counts (for sizing passages) are estimated, as the server's tokenizer is not at hand: one token per
    character of Japanese text is close for the multilingual models these servers run, and errs on the long side.
    """

    def __init__(self, base_url: str = "http://127.0.0.1:8080/v1", model: str = "", query_prefix: str = "",
                 passage_prefix: str = "", api_key: str = "", batch_size: int = 32, timeout_s: float = 30.0,
                 retries: int = 3, backoff_s: float = 0.5, dim: int = 0, client: httpx.Client | None = None):
        if not model:
            raise EmbedderError("the openai embedder needs the model name the server serves (embedder_model)")
        if batch_size < 1:
            raise EmbedderError("embedder_batch_size must be at least 1")
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size, self.retries, self.backoff_s = batch_size, max(0, retries), backoff_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout_s, headers=headers)
        self.name = f"openai/{model}"
        self.dim = dim  # checked against the first answer when given
        self.dim = self._request(["dimension probe"]).shape[1]  # one request now: a wrong address fails at start

    def _request(self, texts: list[str]) -> np.ndarray:
        """One batch, retried; the rows in the order of `texts`, L2-normalised."""
        error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = self._client.post(self.url, json={"model": self.model, "input": texts})
            except httpx.HTTPError as exc:
                error = f"{exc.__class__.__name__}: {exc}"
                log.warning("embedding request to %s failed (%s), try %d of %d", self.url, error, attempt + 1,
                            self.retries + 1)
                continue
            if response.status_code in RETRY_STATUSES:
                error = f"HTTP {response.status_code}: {response.text[:200]}"
                log.warning("embedding server answered %s, try %d of %d", error, attempt + 1, self.retries + 1)
                continue
            if response.status_code != 200:
                raise EmbedderError(f"the embedding server at {self.url} refused the request "
                                    f"(HTTP {response.status_code}: {response.text[:200]})")
            return self._vectors(response, len(texts))
        raise EmbedderError(f"the embedding server at {self.url} could not be used after {self.retries + 1} tries "
                            f"({error}); check embedder_base_url and that the server is running")

    def _vectors(self, response: httpx.Response, n: int) -> np.ndarray:
        try:
            rows = sorted(response.json()["data"], key=lambda row: row["index"])
            vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbedderError(f"the embedding server at {self.url} sent an answer that is not an embeddings "
                                f"list ({exc.__class__.__name__}: {exc})") from exc
        if vectors.ndim != 2 or len(vectors) != n:
            raise EmbedderError(f"the embedding server at {self.url} sent {len(vectors)} vectors for {n} texts")
        if getattr(self, "dim", 0) and vectors.shape[1] != self.dim:
            raise EmbedderError(f"the embedding server at {self.url} sent vectors of dimension {vectors.shape[1]}, "
                                f"expected {self.dim}: is embedder_model the model the index was built with?")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float32)

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [prefix + (t or " ") for t in texts]
        return np.vstack([self._request(texts[i:i + self.batch_size]) for i in range(0, len(texts), self.batch_size)])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def count_tokens(self, text: str) -> int:
        return len(self.passage_prefix) + len(text) + 2  # + the model's start and end tokens


def from_environment(key_env: str) -> str:
    """The API key from the variable the settings name (the key itself is never a setting)."""
    return os.environ.get(key_env, "") if key_env else ""
