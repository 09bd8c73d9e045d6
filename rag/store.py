"""Vector stores behind one interface: embedded FAISS (the default) or a Qdrant collection.

A store holds rows of L2-normalised vectors by position (row i of passages.jsonl is row i of its store). It answers
two questions: the approximate nearest rows to a query (`search`), and the exact cosine of given rows (`scores_of`),
which is all the blend in rag/retrieve.py needs once it has its candidates.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from .errors import ConfigError, IndexUnavailable

log = logging.getLogger(__name__)

STORE_FILE = "store.json"  # which backend wrote the folder, and what it needs to open it again


class VectorStore(ABC):
    """Rows of unit vectors of one dimension; inner product is cosine similarity."""

    dim: int
    searchable: bool = True  # False for a store that is only read by row (sentences found through their passages)

    @abstractmethod
    def add(self, vectors: np.ndarray) -> None:
        """Append rows (kept in memory or sent to the backend; `save` makes them durable)."""

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of about the k nearest rows to one query, best first; exact when `exact`."""
        if not self.searchable:
            raise ValueError("this store is read by row only")
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        return self._nearest(query, k)

    @abstractmethod
    def _nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """`search` for 1 <= k <= size on a searchable store."""

    @abstractmethod
    def scores_of(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Exact inner product of `query` with these rows (every row when None), in the order given."""

    @abstractmethod
    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of these rows (float32), e.g. to carry them into a rebuilt index unchanged."""

    @abstractmethod
    def save(self, folder: Path) -> None: ...

    @property
    @abstractmethod
    def size(self) -> int: ...

    @property
    @abstractmethod
    def exact(self) -> bool:
        """True when `search` ranks by exact inner product over every row."""

    def close(self) -> None:
        """Drop what the store holds in memory once it is saved (a build keeps it only to call release_others)."""

    def release_others(self, keep: str, previous: str | None) -> None:
        """After a swap: drop the backend's copies of generations other than `keep` and `previous` (an embedded
        store's files go with their generation folder, so there is nothing to do)."""


def _check(vectors: np.ndarray, dim: int) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[1] != dim:
        raise ValueError(f"expected vectors of dimension {dim}, got shape {vectors.shape}")
    return vectors


def choose_factory(n_rows: int, ann_min_rows: int, ann_factory: str, large_min_rows: int = 0,
                   large_factory: str = "") -> str:
    """Exact "Flat" below `ann_min_rows` rows (scans are fast there and results stay exact), `large_factory` from
    `large_min_rows` rows on (when both are given), else `ann_factory`."""
    if n_rows < ann_min_rows:
        return "Flat"
    return large_factory if large_factory and large_min_rows and n_rows >= large_min_rows else ann_factory


class FaissStore(VectorStore):
    """The vectors as a float32 .npy (memory-mapped when loaded) and, for `search`, a FAISS index built by its factory.

    dim: vector dimension. ann_min_rows: below this many rows the search index is exact (default 20000).
    ann_factory: FAISS index-factory string used at or above it (default "PQ192x4fs": 4-bit product-quantised codes,
    96 bytes a vector, scanned with SIMD). search_params: FAISS ParameterSpace string applied after loading, e.g.
    "efSearch=128" for HNSW or "nprobe=32" for IVF (default ""). searchable: False for a store that is only read by
    row (sentences are scored inside their candidate passages), which then holds no search index (default True).
    refine: an approximate search fetches refine * k rows and keeps the k best by exact score (default 4).
    large_min_rows, large_factory, large_search_params: from this many rows on (default 0: never), the factory
    string and search parameters that replace ann_factory and search_params (e.g. "IVF1024,PQ192x4fs", "nprobe=256").
    """

    VECTORS, INDEX = "vectors.npy", "index.faiss"

    def __init__(self, dim: int, ann_min_rows: int = 20000, ann_factory: str = "PQ192x4fs", search_params: str = "",
                 searchable: bool = True, refine: int = 4, large_min_rows: int = 0, large_factory: str = "",
                 large_search_params: str = ""):
        self.dim = dim
        self.refine = refine
        self.ann_min_rows, self.ann_factory, self.search_params = ann_min_rows, ann_factory, search_params
        self.large_min_rows, self.large_factory, self.large_search_params = \
            large_min_rows, large_factory, large_search_params
        self.searchable = searchable
        self._parts: list[np.ndarray] = []
        self._vectors: np.ndarray = np.zeros((0, dim), dtype=np.float32)
        self._index = None
        self.factory = ""

    def add(self, vectors: np.ndarray) -> None:
        self._parts.append(_check(vectors, self.dim))
        self._index = None

    def close(self) -> None:
        self._parts, self._vectors, self._index = [], np.zeros((0, self.dim), dtype=np.float32), None

    def _all(self) -> np.ndarray:
        if len(self._parts) == 1 and not len(self._vectors):  # the usual build: one array, kept without a copy
            self._vectors = self._parts.pop()
        if self._parts:
            self._vectors = np.vstack([self._vectors, *self._parts]) if len(self._vectors) else np.vstack(self._parts)
            self._parts = []
        return self._vectors

    def _search_index(self):
        if self._index is None:
            self._index = self._build_index(self._all())
        return self._index

    def _build_index(self, vectors: np.ndarray):
        import faiss

        self.factory = self._choose(len(vectors))
        index = faiss.index_factory(self.dim, self.factory, faiss.METRIC_INNER_PRODUCT)
        log.info("building %s over %d vectors", self.factory, len(vectors))
        # k-means of the quantisers needs a sample, not the collection (faiss would subsample it anyway); an inverted
        # file's clusters want some 40 vectors each (fewer leave faiss warning of a poor clustering)
        ivf = faiss.try_extract_index_ivf(index)
        wanted = max(20_000, 40 * ivf.nlist if ivf is not None else 0)
        sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), wanted), replace=False)] \
            if not index.is_trained and len(vectors) else None
        if sample is not None:
            # One thread: k-means runs thousands of tiny parallel steps, and on a busy machine OpenMP's waiting
            # between them costs far more than the work (152 s against 9 s for PQ192x4fs on 2 shared cores).
            threads = faiss.omp_get_max_threads()
            faiss.omp_set_num_threads(1)
            try:
                index.train(np.ascontiguousarray(sample))
            finally:
                faiss.omp_set_num_threads(threads)
        for start in range(0, len(vectors), 100_000):
            index.add(np.ascontiguousarray(vectors[start:start + 100_000]))
        self._tune(index)
        return index

    def _choose(self, n_rows: int) -> str:
        return choose_factory(n_rows, self.ann_min_rows, self.ann_factory, self.large_min_rows, self.large_factory)

    def _tune(self, index) -> None:
        import faiss

        # the large tier's parameters go with its factory string, chosen by a build or read from the saved store
        params = self.large_search_params if self.factory == self.large_factory else self.search_params
        if params and self.factory != "Flat":
            faiss.ParameterSpace().set_index_parameters(index, params)

    def _nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        exact = self.exact
        wanted = k if exact else min(self.size, k * self.refine)
        scores, ids = self._search_index().search(_check(np.atleast_2d(query), self.dim), wanted)
        rows = ids[0][ids[0] >= 0].astype(np.int64)
        if exact:
            return scores[0][:len(rows)], rows
        # The approximate index only proposes: its `refine` times k best are rescored from the stored vectors.
        scores = self.scores_of(query, rows)
        order = np.argsort(-scores, kind="stable")[:k]
        return scores[order], rows[order]

    def scores_of(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        vectors = self._all()
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        if rows is None:
            return vectors @ query if len(vectors) else np.zeros(0, dtype=np.float32)
        return self.vectors(rows) @ query

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        return np.asarray(self._all()[rows], dtype=np.float32)

    @property
    def exact(self) -> bool:
        return self._choose(self.size) == "Flat"

    def save(self, folder: Path) -> None:
        import faiss

        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / self.VECTORS, self._all())
        if self.searchable:
            faiss.write_index(self._search_index(), str(folder / self.INDEX))
        (folder / STORE_FILE).write_text(json.dumps({
            "backend": "faiss", "dim": self.dim, "rows": self.size, "factory": self.factory,
            "searchable": self.searchable, "ann_min_rows": self.ann_min_rows, "ann_factory": self.ann_factory,
            "refine": self.refine, "large_min_rows": self.large_min_rows, "large_factory": self.large_factory}))

    @classmethod
    def load(cls, folder: Path, search_params: str = "", refine: int | None = None,
             large_search_params: str = "") -> FaissStore:
        """The vectors stay on disk (memory-mapped) and are read by row; the search index is read into memory."""
        import faiss

        meta = json.loads((folder / STORE_FILE).read_text())
        store = cls(meta["dim"], meta["ann_min_rows"], meta["ann_factory"], search_params, meta["searchable"],
                    refine or meta["refine"], meta.get("large_min_rows", 0), meta.get("large_factory", ""),
                    large_search_params)
        store._vectors = np.asarray(np.load(folder / cls.VECTORS, mmap_mode="r"))  # mapped; no np.memmap per slice
        if meta["searchable"]:
            store._index = faiss.read_index(str(folder / cls.INDEX))
            store.factory = meta["factory"]
            store._tune(store._index)
        return store

    @property
    def size(self) -> int:
        return len(self._vectors) + sum(len(p) for p in self._parts)


def open_store(folder: Path, settings) -> VectorStore:
    """The store saved in `folder`, by the backend that wrote it."""
    meta = json.loads((folder / STORE_FILE).read_text())
    backend = meta.get("backend")
    if backend not in STORES:
        raise IndexUnavailable(f"unknown vector store {backend!r} in {folder}")
    if backend == "faiss":
        return FaissStore.load(folder, settings.ann_search_params, settings.ann_refine, settings.ann_large_search_params)
    return _backend(backend).load(folder, settings)


def new_store(settings, dim: int, name: str, searchable: bool = True, embedder: str = "") -> VectorStore:
    """An empty store of the configured backend; `name` tells the collections apart (a generation and
    "passages" / "sentences"), `embedder` names the model its vectors come from."""
    if settings.store not in STORES:
        raise ConfigError(f"unknown store {settings.store!r}; choose one of {', '.join(STORES)}")
    if settings.store == "faiss":
        return FaissStore(dim, settings.ann_min_passages, settings.ann_factory, settings.ann_search_params, searchable,
                          settings.ann_refine, settings.ann_large_min_passages, settings.ann_large_factory,
                          settings.ann_large_search_params)
    return _backend(settings.store).create(settings, dim, name, searchable, embedder)


def _backend(name: str):
    if name == "qdrant":  # imported on use: the qdrant-client package is needed only by those who choose it
        from .store_qdrant import QdrantStore

        return QdrantStore
    return STORES[name]


STORES: dict[str, type[VectorStore] | None] = {"faiss": FaissStore, "qdrant": None}  # None: imported on use
