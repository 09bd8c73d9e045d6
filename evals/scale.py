"""Scale benchmark: build time, memory and search latency of the real index at 10^4..10^6 synthetic passages.

Passages recombine real sentences of the corpus (and JSQuAD, when present), so BM25 sees Japanese statistics.
Their vectors are either random unit vectors (no embedding; no neighbourhood structure, the worst case for
approximate nearest-neighbour search) or "real": each distinct sentence of the pool is embedded once with the
configured embedder (cached in the work folder), a sentence's vector is its own, and a passage's is the normalised
mean of its sentences' vectors plus a little seeded noise, so that passages sharing sentences stay distinct.
Each size is built and searched in its own process, so that the memory figure is the loaded index's alone.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
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

from .metrics import latency_summary

log = logging.getLogger(__name__)

DIM = 384
COLUMNS = ["passages", "sentences", "build_s", "build_peak_rss_mb", "rss_mb", "p50_ms", "p95_ms", "ann_recall@10",
           "recall@10", "bm25_recall@10"]
VECTORS = ("random", "real")
# norm of the seeded random vector added to a passage's mean sentence vector (itself of norm ~0.9 for E5): passages
# made of the same sentences become distinct, while a passage stays far nearer its own sentences than any other
PASSAGE_NOISE = 0.05
# a returned row counts as one of the true top k when its exact cosine reaches the k-th best exact cosine less this:
# float32 sums in another order differ by ~1e-7, and rows scoring the same are interchangeable
TIE_TOLERANCE = 1e-6


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


def synthetic_choices(pool_size: int, n: int, per_passage: int = 3, seed: int = 0) -> list[list[int]]:
    """Which pool sentences make each of n synthetic passages (seeded)."""
    rng = random.Random(seed)
    rows = range(pool_size)
    return [rng.choices(rows, k=per_passage) for _ in range(n)]


def synthetic_documents(pool: list[str], n: int, per_passage: int = 3, seed: int = 0) -> list[Document]:
    """n one-passage documents, each `per_passage` random sentences of the pool."""
    return [Document(f"s{i:07d}", f"記事{i}", "".join(pool[r] for r in rows))
            for i, rows in enumerate(synthetic_choices(len(pool), n, per_passage, seed))]


def cached_vectors(texts: list[str], embedder: Embedder, cache_dir: Path, queries: bool = False) -> np.ndarray:
    """The embedder's vectors of `texts`, embedded once and kept in `cache_dir` under a hash of texts and model."""
    key = hashlib.sha256("\n".join([embedder.name, str(queries), *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"vectors-{key}.npy"
    if path.is_file():
        return np.load(path)
    embed = embedder.embed_queries if queries else embedder.embed_passages
    batches = range(0, len(texts), 32)
    vectors = np.vstack([embed(texts[i:i + 32]) for i in tqdm(batches, desc="embedding the pool", unit="batch")])
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors.astype(np.float32))
    return np.load(path)


class PoolEmbedder(Embedder):
    """"Real" vectors without embedding every synthetic text: a sentence of the pool gets its embedded vector, a
    synthetic passage (title 記事{i}) the normalised mean of its sentences' vectors plus seeded noise."""

    def __init__(self, pool: list[str], vectors: np.ndarray, choices: list[list[int]], name: str, seed: int = 0):
        self.name, self.dim = f"pool-mean/{name}", vectors.shape[1]
        self._pool, self._row = pool, {s: i for i, s in enumerate(pool)}
        self._vectors, self._choices, self._seed = vectors, choices, seed
        self.missed = 0  # sentences split otherwise than in the pool: they get their passage's vector

    def _passage(self, i: int) -> np.ndarray:
        noise = np.random.default_rng((self._seed, i)).standard_normal(self.dim)
        vector = self._vectors[self._choices[i]].mean(axis=0) + PASSAGE_NOISE * noise / np.linalg.norm(noise)
        return vector / np.linalg.norm(vector)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):
            title, _, body = text.partition("\n")
            i = int(title.removeprefix("記事"))
            row = self._row.get(body)
            if body == "".join(self._pool[r] for r in self._choices[i]):
                out[n] = self._passage(i)
            elif row is not None:
                out[n] = self._vectors[row]
            else:
                self.missed += 1
                out[n] = self._passage(i)
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError("query vectors are embedded by the real embedder")

    def count_tokens(self, text: str) -> int:
        return len(text)


def _rss_mb(field: str = "VmRSS") -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB; field "RssAnon" leaves out mapped file pages."""
    status = Path("/proc/self/status").read_text()
    current = next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:")) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(settings: Settings, pool: list[str], n: int, pool_vectors: np.ndarray | None, model: str) -> dict:
    from rag.index import update_index

    documents = synthetic_documents(pool, n)
    if pool_vectors is None:
        embedder = RandomEmbedder()
    else:
        embedder = PoolEmbedder(pool, pool_vectors, synthetic_choices(len(pool), n), model)
    started = time.perf_counter()
    index, _ = update_index(settings, embedder, documents=documents, progress=True)
    if getattr(embedder, "missed", 0):
        log.warning("%d sentences split otherwise than in the pool took their passage's vector", embedder.missed)
    return {"build_s": round(time.perf_counter() - started, 1), "sentences": len(index.sentences),
            "build_peak_rss_mb": round(_rss_mb()[1])}


def _pool_and_queries(settings: Settings, n_queries: int, jsquad: str | None, vectors: str,
                      embedder: Embedder | None, work_dir: Path) -> tuple[list[str], list[str], np.ndarray | None,
                                                                         np.ndarray]:
    """(sentence pool, query texts drawn from it, the pool's vectors or None for random ones, query vectors)."""
    if vectors not in VECTORS:
        raise ValueError(f"vectors must be one of {', '.join(VECTORS)}")
    pool = sentence_pool(settings.corpus_dir, jsquad)
    log.info("%d distinct sentences to recombine", len(pool))
    rng = random.Random(1)
    texts = [rng.choice(pool) for _ in range(n_queries)]
    if vectors == "random":
        return pool, texts, None, RandomEmbedder(seed=1).embed_queries(texts)
    cache = work_dir / "pool-vectors"
    return pool, texts, cached_vectors(pool, embedder, cache), cached_vectors(texts, embedder, cache, queries=True)


def _search(settings: Settings, texts: list[str], vectors: np.ndarray, k: int = 10) -> dict:
    from rag.index import Index
    from rag.lexical import top_k
    from rag.retrieve import Retriever

    index = Index.load(settings.index_dir, settings)
    rss_loaded = _rss_mb()[0]
    retriever = Retriever(index, RandomEmbedder(), settings.dense_weight, settings.candidates,
                          settings.lexical_max_df)
    retriever.rank(texts[0], vectors[0], k, settings.dense_weight)  # warm caches
    seconds, ann_recall, recall, lexical_recall = [], [], [], []
    exact_scores, _ = _exact_top(index.passage_vectors, vectors, k)
    store = index.passage_vectors
    for text, vector, truth in tqdm(list(zip(texts, vectors, exact_scores)), desc="searching", unit="q"):
        started = time.perf_counter()
        retriever.rank(text, vector, k, settings.dense_weight)
        seconds.append(time.perf_counter() - started)
        # A row is a true neighbour when its exact cosine reaches the k-th best: rows scoring alike count alike.
        threshold = truth[-1] - TIE_TOLERANCE
        ann_recall.append(float((store.scores_of(vector, store.search(vector, k)[1]) >= threshold).sum()) / k)
        # What the blend's dense side sees: the candidates rescored exactly, then cut to k.
        candidates = store.scores_of(vector, store.search(vector, settings.candidates)[1])
        recall.append(float((np.sort(candidates)[::-1][:k] >= threshold).sum()) / k)
        # BM25's side: how many of the exact BM25 top k (every word of every passage) its candidates hold
        full = index.passage_lexical.scores(text)
        best = [r for r in top_k(full, k).tolist() if full[r] > 0]
        if best and not store.exact:
            found = set(index.passage_lexical.top(text, settings.candidates, settings.lexical_max_df).tolist())
            lexical_recall.append(len(found.intersection(best)) / len(best))
    # After the searches the mapped files (vectors, postings) read so far count too: page cache, which the kernel
    # takes back under pressure; RssAnon is the process's own memory.
    return {"rss_mb": round(rss_loaded), "rss_after_search_mb": round(_rss_mb()[0]),
            "anon_after_search_mb": round(_rss_mb("RssAnon")[0]),
            **latency_summary(seconds), "ann_recall@10": round(float(np.mean(ann_recall)), 4), "recall@10": round(float(np.mean(recall)), 4),
            "bm25_recall@10": round(float(np.mean(lexical_recall)), 4) if lexical_recall else 1.0,
            "factory": getattr(store, "factory", settings.store)}


def _exact_top(store, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the exact top k by inner product, best first, reading the stored vectors in blocks."""
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
    return best_scores, best_rows


def run(settings: Settings, sizes: list[int], work_dir: Path, n_queries: int, jsquad: str | None,
        keep: bool = False, vectors: str = "random", embedder: Embedder | None = None) -> dict:
    """Build and search every size in turn; returns {size: row}. vectors "real" needs the `embedder`."""
    pool, texts, pool_vectors, query_vectors = _pool_and_queries(settings, n_queries, jsquad, vectors, embedder,
                                                                 work_dir)
    model = embedder.name if pool_vectors is not None else ""
    rows = {}
    context = multiprocessing.get_context("spawn")
    for n in sizes:
        folder = work_dir / f"scale-{n}-{vectors}"
        shutil.rmtree(folder, ignore_errors=True)
        size_settings = settings.replace(index_dir=str(folder), chunk_tokens=4096, chunk_overlap_tokens=0,
                                         qdrant_collection=f"scale{n}")
        print(f"{n} passages: building ...", flush=True)
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool_exec:
            built = pool_exec.submit(_build, size_settings, pool, n, pool_vectors, model).result()
        print(f"{n} passages: built in {built['build_s']} s; searching ...", flush=True)
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool_exec:
            searched = pool_exec.submit(_search, size_settings, texts, query_vectors).result()
        rows[f"{n:,}"] = {"passages": n, "vectors": vectors, **built, **searched}
        print(json.dumps(rows[f"{n:,}"]), flush=True)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return rows


def dense_sweep(settings: Settings, n: int, n_queries: int, jsquad: str | None, vectors: str,
                embedder: Embedder | None, work_dir: Path, specs: list[str], k: int = 10) -> dict:
    """Recall@k and latency of vector indexes alone over one size's passage vectors, no BM25 or blend: which
    factory and parameters to use. Each spec is "FACTORY" or "FACTORY:PARAMS" (e.g. "IVF1024,PQ192x4fs:nprobe=256");
    recall is that of the blend's dense candidates, as in `run`."""
    from rag.store import FaissStore

    pool, _, pool_vectors, queries = _pool_and_queries(settings, n_queries, jsquad, vectors, embedder, work_dir)
    if pool_vectors is not None:
        passages = PoolEmbedder(pool, pool_vectors, synthetic_choices(len(pool), n), embedder.name)
        matrix = np.empty((n, pool_vectors.shape[1]), dtype=np.float32)
        for i in tqdm(range(n), desc="passage vectors", unit="passage", mininterval=2):
            matrix[i] = passages._passage(i)
    else:
        matrix = RandomEmbedder().embed_passages([""] * n)
    kth = np.array([np.partition(matrix @ q, n - k)[n - k] for q in queries]) - TIE_TOLERANCE
    rows = {}
    for spec in specs:
        factory, _, params = spec.partition(":")
        started = time.perf_counter()
        store = FaissStore(matrix.shape[1], 1, factory, params, refine=settings.ann_refine)
        store.add(matrix)
        store.search(queries[0], k)  # builds the index
        build_s = time.perf_counter() - started
        seconds, recall = [], []
        for query, threshold in zip(queries, kth):
            started = time.perf_counter()
            scores = store.search(query, settings.candidates)[0]
            seconds.append(time.perf_counter() - started)
            recall.append(float((np.sort(scores)[::-1][:k] >= threshold).sum()) / k)
        rows[spec] = {"build_s": round(build_s, 1), **latency_summary(seconds),
                      "recall@10": round(float(np.mean(recall)), 4)}
        log.info("%s: %s", spec, rows[spec])
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
