"""Scale benchmark: build time, memory and search latency of the real index at 10^4..10^6 synthetic passages.

Passages recombine real sentences of the corpus (and JSQuAD, when present), so BM25 sees Japanese statistics;
their vectors are random unit vectors (no embedding), the worst case for approximate nearest-neighbour recall.
Each size is built and searched in its own process, so that the memory figure is the loaded index's alone.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import multiprocessing
import random
import resource
import shutil
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from rag.chunk import split_sentences
from rag.config import Settings
from rag.embed.base import Embedder
from rag.load import Document, load_corpus

log = logging.getLogger(__name__)

DIM = 384
COLUMNS = ["passages", "sentences", "build_s", "rss_mb", "p50_ms", "p95_ms", "ann_recall@10", "recall@10"]


class RandomEmbedder(Embedder):
    """Random unit vectors of DIM dimensions (seeded), and characters as tokens: indexing without a model."""

    name = f"random-unit/{DIM}"
    dim = DIM

    def __init__(self, seed: int = 0):
        self._rng = np.random.default_rng(seed)

    def _vectors(self, n: int) -> np.ndarray:
        out = self._rng.standard_normal((n, DIM), dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._vectors(len(texts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(len(texts))

    def count_tokens(self, text: str) -> int:
        return len(text)


def sentence_pool(corpus_dir: str | Path, jsquad: str | Path | None) -> list[str]:
    """Distinct real sentences of the corpus and of the JSQuAD paragraphs, when that file is there."""
    texts = [d.text for d in load_corpus(Path(corpus_dir))[0]]
    if jsquad and Path(jsquad).is_file():
        data = json.loads(Path(jsquad).read_text(encoding="utf-8"))
        texts += [p["context"].partition(" [SEP] ")[2] for a in data["data"] for p in a["paragraphs"]]
    pool = {t[s:e] for t in texts for s, e in split_sentences(t) if 8 <= e - s <= 200}
    return sorted(pool)


def synthetic_documents(pool: list[str], n: int, per_passage: int = 3, seed: int = 0) -> list[Document]:
    """n one-passage documents, each `per_passage` random sentences of the pool."""
    rng = random.Random(seed)
    return [Document(f"s{i:07d}", f"記事{i}", "".join(rng.choices(pool, k=per_passage))) for i in range(n)]


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    status = Path("/proc/self/status").read_text()
    current = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(settings: Settings, pool: list[str], n: int) -> dict:
    from rag.index import update_index

    documents = synthetic_documents(pool, n)
    started = time.perf_counter()
    index, _ = update_index(settings, RandomEmbedder(), documents=documents, progress=True)
    return {"build_s": round(time.perf_counter() - started, 1), "sentences": len(index.sentences),
            "build_peak_rss_mb": round(_rss_mb()[1])}


def _search(settings: Settings, pool: list[str], n_queries: int, k: int = 10) -> dict:
    from rag.index import Index
    from rag.retrieve import Retriever

    index = Index.load(settings.index_dir, settings)
    rss_loaded = _rss_mb()[0]
    retriever = Retriever(index, RandomEmbedder(), settings.dense_weight, settings.candidates)
    rng = random.Random(1)
    texts = [rng.choice(pool) for _ in range(n_queries)]
    vectors = RandomEmbedder(seed=1).embed_queries(texts)
    retriever.rank(texts[0], vectors[0], k, settings.dense_weight)  # warm caches
    seconds, ann_recall, recall = [], [], []
    exact = _exact_top(index.passage_vectors, vectors, k)
    for text, vector, truth in tqdm(list(zip(texts, vectors, exact)), desc="searching", unit="q"):
        started = time.perf_counter()
        retriever.rank(text, vector, k, settings.dense_weight)
        seconds.append(time.perf_counter() - started)
        truth = set(truth.tolist())
        ann_recall.append(len(truth & set(index.passage_vectors.search(vector, k)[1].tolist())) / k)
        # What the blend's dense side sees: the candidates rescored exactly, then cut to k.
        rows = index.passage_vectors.search(vector, settings.candidates)[1]
        rescored = rows[np.argsort(-index.passage_vectors.scores_of(vector, rows), kind="stable")[:k]]
        recall.append(len(truth & set(rescored.tolist())) / k)
    ms = np.array(seconds) * 1000
    return {"rss_mb": round(rss_loaded), "rss_after_search_mb": round(_rss_mb()[0]),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "ann_recall@10": round(float(np.mean(ann_recall)), 4), "recall@10": round(float(np.mean(recall)), 4),
            "factory": getattr(index.passage_vectors, "factory", settings.store)}


def _exact_top(store, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top-k rows by inner product, reading the stored vectors in blocks."""
    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), k), dtype=np.int64)
    block = 200_000
    for start in range(0, store.size, block):
        rows = np.arange(start, min(start + block, store.size))
        scores = queries @ store.vectors(rows).T
        merged_scores = np.hstack([best_scores, scores])
        merged_rows = np.hstack([best_rows, np.broadcast_to(rows, scores.shape)])
        top = np.argsort(-merged_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(merged_scores, top, 1)
        best_rows = np.take_along_axis(merged_rows, top, 1)
    return best_rows


def run(settings: Settings, sizes: list[int], work_dir: Path, n_queries: int, jsquad: str | None,
        keep: bool = False) -> dict:
    """Build and search every size in turn; returns {size: row}."""
    pool = sentence_pool(settings.corpus_dir, jsquad)
    log.info("%d distinct sentences to recombine", len(pool))
    rows = {}
    context = multiprocessing.get_context("spawn")
    for n in sizes:
        folder = work_dir / f"scale-{n}"
        shutil.rmtree(folder, ignore_errors=True)
        size_settings = settings.replace(index_dir=str(folder), chunk_tokens=4096, chunk_overlap_tokens=0,
                                         qdrant_collection=f"scale{n}")
        print(f"{n} passages: building ...", flush=True)
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool_exec:
            built = pool_exec.submit(_build, size_settings, pool, n).result()
        print(f"{n} passages: built in {built['build_s']} s; searching ...", flush=True)
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool_exec:
            searched = pool_exec.submit(_search, size_settings, pool, n_queries).result()
        rows[f"{n:,}"] = {"passages": n, **built, **searched}
        print(json.dumps(rows[f"{n:,}"]), flush=True)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return rows


def update_timing(settings: Settings, embedder: Embedder, work_dir: Path, n_documents: int, jsquad: str | None) -> dict:
    """Seconds of a full build of n synthetic documents, and of the update after one of them changed."""
    from rag.index import update_index

    pool = sentence_pool(settings.corpus_dir, jsquad)
    documents = synthetic_documents(pool, n_documents, per_passage=6)
    folder = work_dir / f"update-{n_documents}"
    shutil.rmtree(folder, ignore_errors=True)
    settings = settings.replace(index_dir=str(folder))
    started = time.perf_counter()
    _, full = update_index(settings, embedder, documents=documents, progress=True)
    full_s = time.perf_counter() - started
    changed = documents[n_documents // 2]
    documents[n_documents // 2] = Document(changed.doc_id, changed.title, changed.text + "この記事は更新された。")
    started = time.perf_counter()
    _, one = update_index(settings, embedder, documents=documents, progress=True)
    one_s = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return {"documents": n_documents, "full_s": round(full_s, 2), "full_embedded_passages": full.embedded_passages,
            "one_changed_s": round(one_s, 2), "one_changed_embedded_passages": one.embedded_passages,
            "one_changed_embedded_sentences": one.embedded_sentences, "ratio": round(one_s / full_s, 4)}
