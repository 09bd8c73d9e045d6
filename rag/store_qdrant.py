"""Vectors in Qdrant: a server or cluster shared by several app replicas (qdrant_url), or its local mode (qdrant_path).

Each index generation writes its own collections ("<qdrant_collection>-gen-...-passages" / "-sentences"), named in
the generation's store.json; the manifest swap switches replicas from one to the next, and the collections of
generations older than the previous one are dropped. Point id = row number; the vectors are unit length, so the
distance is the dot product, the cosine the FAISS store computes.

BM25 stays in index_dir, computed by rag/lexical.py for every backend, rather than as Qdrant sparse vectors: the
blend needs BM25 of exactly the candidate rows and the same statistics whatever the store, so both backends rank
alike and the contract tests can compare them.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
from pathlib import Path

import numpy as np

from .errors import IndexUnavailable, StoreUnavailable
from .store import STORE_FILE, VectorStore, _check, choose_factory

log = logging.getLogger(__name__)

_CLIENTS: dict[tuple[str, str], object] = {}  # one client per server or local folder (local mode locks its folder)
UPLOAD_BATCH = 512


def connect(settings):
    """The client for settings.qdrant_url (else settings.qdrant_path), checked to answer."""
    key = (settings.qdrant_url, settings.qdrant_path)
    if key in _CLIENTS:
        return _CLIENTS[key]
    if not settings.qdrant_url and not settings.qdrant_path:
        raise StoreUnavailable("store = \"qdrant\" needs qdrant_url (a server or cluster) or qdrant_path (local mode)")
    try:
        from qdrant_client import QdrantClient
    except ImportError as exc:
        raise StoreUnavailable("store = \"qdrant\" needs the qdrant-client package (pip install -r requirements.txt)") \
            from exc
    where = settings.qdrant_url or settings.qdrant_path
    try:
        if settings.qdrant_url:
            client = QdrantClient(url=settings.qdrant_url, api_key=os.environ.get(settings.qdrant_api_key_env) or None,
                                  timeout=int(settings.qdrant_timeout_s), check_compatibility=False)
        else:
            client = QdrantClient(path=settings.qdrant_path)
        client.get_collections()
    except Exception as exc:  # connection refused, DNS, TLS, auth, a locked local folder: all mean "not usable"
        raise StoreUnavailable(f"cannot reach Qdrant at {where} ({type(exc).__name__}: {exc}); start it or fix "
                               "qdrant_url / qdrant_path, or use store = \"faiss\"") from exc
    if not _CLIENTS:
        atexit.register(_close_all)
    _CLIENTS[key] = client
    return client


def _close_all() -> None:
    """Close clients before the interpreter tears down modules (local mode releases its folder lock)."""
    for client in _CLIENTS.values():
        client.close()
    _CLIENTS.clear()


class QdrantStore(VectorStore):
    """Rows of a Qdrant collection.

    client: a QdrantClient (see connect). collection: its name. dim: vector dimension. ann_min_rows: below this
    many rows search is exact (Qdrant's exact=True, a full scan), as the FAISS store (default 20000).
    searchable: False for rows read by row only (default True). embedder: the embedder name recorded in the
    collection's metadata, so that a collection of another model is refused (default "").
    """

    def __init__(self, client, collection: str, dim: int, ann_min_rows: int = 20000, searchable: bool = True,
                 embedder: str = ""):
        self.client, self.collection, self.dim = client, collection, dim
        self.ann_min_rows, self.searchable, self.embedder = ann_min_rows, searchable, embedder
        self._pending: list[np.ndarray] = []
        self._size = 0
        self.local = type(getattr(client, "_client", None)).__name__ == "QdrantLocal"

    @classmethod
    def create(cls, settings, dim: int, name: str, searchable: bool = True, embedder: str = "") -> QdrantStore:
        return cls(connect(settings), f"{settings.qdrant_collection}-{name}", dim, settings.ann_min_passages,
                   searchable, embedder)

    def add(self, vectors: np.ndarray) -> None:
        self._pending.append(_check(vectors, self.dim))

    def save(self, folder: Path) -> None:
        from qdrant_client import models

        vectors = np.vstack(self._pending) if self._pending else np.zeros((0, self.dim), dtype=np.float32)
        if self.client.collection_exists(self.collection):
            self.client.delete_collection(self.collection)  # left by a build that died before its swap
        self.client.create_collection(
            self.collection, vectors_config=models.VectorParams(size=self.dim, distance=models.Distance.DOT),
            metadata={"embedder": self.embedder, "dim": self.dim, "rows": len(vectors)})
        if len(vectors):
            self.client.upload_collection(self.collection, vectors=vectors, ids=range(len(vectors)),
                                          batch_size=UPLOAD_BATCH, wait=True)
        self._pending, self._size = [], len(vectors)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STORE_FILE).write_text(json.dumps({
            "backend": "qdrant", "collection": self.collection, "dim": self.dim, "rows": self._size,
            "searchable": self.searchable, "ann_min_rows": self.ann_min_rows, "embedder": self.embedder}))

    @classmethod
    def load(cls, folder: Path, settings) -> QdrantStore:
        """The collection named in folder/store.json, refused when it holds other vectors than the index expects."""
        meta = json.loads((folder / STORE_FILE).read_text())
        client = connect(settings)
        name = meta["collection"]
        rebuild = "rebuild the index with `python -m rag index` (it re-creates the collection)"
        if not client.collection_exists(name):
            raise IndexUnavailable(f"Qdrant collection {name} is missing; {rebuild}")
        info = client.get_collection(name)
        size = info.config.params.vectors.size
        found = info.config.metadata or {}
        if size != meta["dim"] or found.get("embedder", meta["embedder"]) != meta["embedder"]:
            raise IndexUnavailable(
                f"Qdrant collection {name} holds {found.get('embedder', '?')} vectors of dimension {size}, the index "
                f"expects {meta['embedder']} of dimension {meta['dim']}; {rebuild}")
        store = cls(client, name, meta["dim"], meta["ann_min_rows"], meta["searchable"], meta["embedder"])
        store._size = client.count(name, exact=True).count
        if store._size != meta["rows"]:
            raise IndexUnavailable(f"Qdrant collection {name} has {store._size} vectors, the index {meta['rows']}; "
                                   f"{rebuild}")
        return store

    @property
    def size(self) -> int:
        return self._size + sum(len(p) for p in self._pending)

    @property
    def exact(self) -> bool:
        return choose_factory(self.size, self.ann_min_rows, "ann") == "Flat"

    def _query(self, query: np.ndarray, k: int, exact: bool) -> tuple[np.ndarray, np.ndarray]:
        from qdrant_client import models

        # Local mode always scans exactly and warns about search parameters, so it gets none.
        params = models.SearchParams(exact=True) if exact and not self.local else None
        points = self.client.query_points(self.collection, query=np.asarray(query, dtype=np.float32).reshape(-1),
                                          limit=k, search_params=params, with_payload=False).points
        return (np.array([p.score for p in points], dtype=np.float32),
                np.array([p.id for p in points], dtype=np.int64))

    def _nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self._query(query, k, self.exact)

    def scores_of(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        if rows is None:  # every row: one exact scan on the server
            out = np.zeros(self.size, dtype=np.float32)
            if self.size:
                scores, ids = self._query(query, self.size, exact=True)
                out[ids] = scores
            return out
        return self.vectors(rows) @ query

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros((len(rows), self.dim), dtype=np.float32)
        for start in range(0, len(rows), UPLOAD_BATCH):
            part = rows[start:start + UPLOAD_BATCH]
            found = {p.id: p.vector for p in self.client.retrieve(self.collection, ids=part.tolist(),
                                                                  with_payload=False, with_vectors=True)}
            out[start:start + len(part)] = [found[int(r)] for r in part]
        return out

    def release_others(self, keep: str, previous: str | None) -> None:
        """Drop this index's collections of generations older than the previous one (replicas that have not yet
        reloaded still read the previous one)."""
        prefix = self.collection.split("-gen-")[0] + "-"
        for collection in self.client.get_collections().collections:
            name = collection.name
            if name.startswith(prefix + "gen-") and keep not in name and not (previous and previous in name):
                log.info("dropping Qdrant collection %s of an older index generation", name)
                self.client.delete_collection(name)
