"""Hybrid retrieval at two granularities: passages and their sentences, dense and lexical, blended per query."""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from .chunk import Passage
from .embed import Embedder
from .index import Index

MAX_QUERY_CHARS = 2000
MODES = ("hybrid", "dense", "lexical")


class Hit(NamedTuple):
    """One ranked passage: blended score, raw cosine of the passage, raw BM25, and its best-matching sentence."""

    passage: Passage
    score: float
    dense: float
    lexical: float
    rank: int
    best_sentence: tuple[int, int]  # character offsets in the document
    sentences: tuple[tuple[int, int, float], ...] = ()  # (start, end, blended score) of each of its sentences


class SearchResult(NamedTuple):
    query: str
    hits: list[Hit]
    seconds: float


def standardize(scores: np.ndarray) -> np.ndarray:
    """Per-query z-scores, so that cosines (bunched near 0.8) and BM25 (unbounded) can be added."""
    if scores.size == 0:
        return scores
    std = float(scores.std())
    return (scores - float(scores.mean())) / (std if std > 1e-6 else 1.0)


def max_by_group(values: np.ndarray, groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the largest value and the row it came from."""
    best = np.full(n_groups, -np.inf, dtype=np.float32)
    np.maximum.at(best, groups, values)
    arg = np.zeros(n_groups, dtype=np.int64)
    is_best = values >= best[groups]
    arg[groups[is_best][::-1]] = np.nonzero(is_best)[0][::-1]  # first row reaching the max
    return np.where(np.isfinite(best), best, 0.0).astype(np.float32), arg


def dense_candidates(index: Index, query_vector: np.ndarray, k: int) -> np.ndarray:
    """Passage rows among the k nearest to the query in the (approximate) vector index."""
    return index.passage_vectors.search(query_vector, k)[1]


class Retriever:
    """search(query, k) over a loaded Index.

    A passage's dense and lexical evidence is each the mean of its own standardised score and that of its
    best sentence, so a passage that answers in one sentence is not drowned by its other sentences.
    mode "dense" / "lexical" use one side only (for comparisons in evals).

    index: the loaded Index. embedder: embeds the query. dense_weight: share of the dense side in the blend
    (default 0.7). candidates: on an index whose vector store is approximate, the blend ranks only the union of
    this many nearest passages and this many best BM25 passages (default 100), with z-scores taken over those
    candidates and their sentences; on an exact store every passage is a candidate, as a full scan.
    lexical_max_df: on an approximate store, the BM25 candidates are found from the query's words in at most this
    share of the passages (default 0.05); the candidates' scores count every word.
    """

    def __init__(self, index: Index, embedder: Embedder, dense_weight: float = 0.7, candidates: int = 100,
                 lexical_max_df: float = 0.05):
        if not 0.0 <= dense_weight <= 1.0:
            raise ValueError("dense_weight must lie between 0 and 1")
        self.index = index
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.candidates = candidates
        self.lexical_max_df = lexical_max_df

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> SearchResult:
        """Top-k passages for `query`. An empty query gives no hits; a very long one is cut to its start."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
        started = time.perf_counter()
        query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
        n = len(self.index.passages)
        if not query or n == 0 or k <= 0:
            return SearchResult(query, [], time.perf_counter() - started)
        weight = {"hybrid": self.dense_weight, "dense": 1.0, "lexical": 0.0}[mode]
        q = self.embedder.embed_query(query) if weight > 0 else None
        hits = self.rank(query, q, k, weight)
        return SearchResult(query, hits, time.perf_counter() - started)

    def rank(self, query: str, query_vector: np.ndarray | None, k: int, weight: float) -> list[Hit]:
        """The blend over the candidates of an embedded query (no embedding here: benchmarks time this part)."""
        index, sentences = self.index, self.index.sentences
        exact = index.passage_vectors.exact
        if exact:
            lexical_all = index.passage_lexical.scores(query)
            if weight == 0 and not lexical_all.any():
                return []
            candidates = np.arange(len(index.passages))
            lexical = lexical_all
        else:
            found = []
            if weight > 0:
                found.append(dense_candidates(index, query_vector, self.candidates))
            if weight < 1:
                found.append(index.passage_lexical.top(query, self.candidates, self.lexical_max_df))
            candidates = np.unique(np.concatenate(found)).astype(np.int64)
            # the candidates' BM25 from their own words: every query word counts, common ones included
            lexical = index.passage_lexical.scores_of(query, candidates)
            if weight == 0 and not lexical.any():
                return []
        m = len(candidates)
        rows = sentences.rows_of(candidates)  # sentence rows, grouped by candidate in candidate order
        counts = sentences.offsets[candidates + 1] - sentences.offsets[candidates]
        group = np.repeat(np.arange(m), counts)
        first_row = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)  # of each candidate in `rows`
        dense = np.zeros(m, dtype=np.float32)
        fused = np.zeros(m, dtype=np.float32)
        sentence_fused = np.zeros(len(rows), dtype=np.float32)
        if weight > 0:
            dense = index.passage_vectors.scores_of(query_vector, None if exact else candidates)
            z_sentences = standardize(index.sentence_vectors.scores_of(query_vector, None if exact else rows))
            best, _ = max_by_group(z_sentences, group, m)
            fused += weight * (standardize(dense) + best) / 2
            sentence_fused += weight * z_sentences
        if weight < 1:
            if exact:
                sentence_lexical = index.sentence_lexical.scores(query)
            else:  # from the candidates' sentences' own words: no posting list of the whole collection is read
                sentence_lexical = index.sentence_lexical.scores_of(query, rows)
            z_sentences = standardize(sentence_lexical)
            best, _ = max_by_group(z_sentences, group, m)
            fused += (1 - weight) * (standardize(lexical) + best) / 2
            sentence_fused += (1 - weight) * z_sentences
        _, best_sentence = max_by_group(sentence_fused, group, m)
        hits = []
        for rank, c in enumerate(np.argsort(-fused, kind="stable")[:k], start=1):
            i = int(candidates[c])
            j = int(rows[best_sentence[c]]) if len(rows) else 0
            own = rows[first_row[c]:first_row[c] + counts[c]]
            scored = tuple((int(sentences.start[r]), int(sentences.end[r]), float(sentence_fused[first_row[c] + t]))
                           for t, r in enumerate(own))
            hits.append(Hit(index.passages[i], float(fused[c]), float(dense[c]), float(lexical[c]), rank,
                            (int(sentences.start[j]), int(sentences.end[j])), scored))
        return hits
