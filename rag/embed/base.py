"""The interface every embedding backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Embedder(ABC):
    """Turns passages and queries into L2-normalised float32 vectors of a fixed dimension."""

    #: Identifies the model in index manifests; an index built with another name is stale.
    name: str
    dim: int

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) vectors for documents."""

    @abstractmethod
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) vectors for search queries."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Model tokens in `text`, as the model would see it as a passage."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]
