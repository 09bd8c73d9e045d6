"""Vector stores behind one interface; FAISS exact inner-product search by default."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np


class VectorStore(ABC):
    """Nearest neighbours by inner product over L2-normalised vectors (cosine similarity)."""

    @abstractmethod
    def add(self, vectors: np.ndarray) -> None: ...

    @abstractmethod
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each (n_queries, k); ids are -1 where fewer than k vectors exist."""

    @abstractmethod
    def save(self, file: Path) -> None: ...

    @property
    @abstractmethod
    def size(self) -> int: ...


class FaissStore(VectorStore):
    """faiss.IndexFlatIP: exact, and fast enough for hundreds of thousands of passages on a laptop."""

    def __init__(self, dim: int, index=None):
        import faiss

        self._faiss = faiss
        self.dim = dim
        self.index = index if index is not None else faiss.IndexFlatIP(dim)

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected vectors of dimension {self.dim}, got shape {vectors.shape}")
        self.index.add(vectors)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        return self.index.search(queries, max(1, min(k, self.size)))

    def all_scores(self, query: np.ndarray) -> np.ndarray:
        """Similarity of `query` to every stored vector, by position (exact search over the whole index)."""
        out = np.zeros(self.size, dtype=np.float32)
        if self.size:
            scores, ids = self.search(query, self.size)
            valid = ids[0] >= 0
            out[ids[0][valid]] = scores[0][valid]
        return out

    def save(self, file: Path) -> None:
        self._faiss.write_index(self.index, str(file))

    @classmethod
    def load(cls, file: Path) -> FaissStore:
        import faiss

        index = faiss.read_index(str(file))
        return cls(index.d, index)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)


STORES = {"faiss": FaissStore}
