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


class Retriever:
    """search(query, k) over a loaded Index.

    A passage's dense and lexical evidence is each the mean of its own standardised score and that of its
    best sentence, so a passage that answers in one sentence is not drowned by its other sentences.
    mode "dense" / "lexical" use one side only (for comparisons in evals).
    """

    def __init__(self, index: Index, embedder: Embedder, dense_weight: float = 0.7):
        if not 0.0 <= dense_weight <= 1.0:
            raise ValueError("dense_weight must lie between 0 and 1")
        self.index = index
        self.embedder = embedder
        self.dense_weight = dense_weight


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
        sentences = self.index.sentences
        lexical = self.index.passage_lexical.scores(query)
        dense = np.zeros(n, dtype=np.float32)
        fused = np.zeros(n, dtype=np.float32)
        sentence_fused = np.zeros(len(sentences), dtype=np.float32)
        if weight > 0:
            q = self.embedder.embed_query(query)
            dense = self.index.passage_vectors.all_scores(q)
            z_sentences = standardize(self.index.sentence_vectors.all_scores(q))
            best, _ = max_by_group(z_sentences, sentences.passage_of, n)
            fused += weight * (standardize(dense) + best) / 2
            sentence_fused += weight * z_sentences
        if weight < 1:
            if not lexical.any() and weight == 0:
                return SearchResult(query, [], time.perf_counter() - started)
            z_sentences = standardize(self.index.sentence_lexical.scores(query))
            best, _ = max_by_group(z_sentences, sentences.passage_of, n)
            fused += (1 - weight) * (standardize(lexical) + best) / 2
            sentence_fused += (1 - weight) * z_sentences
        _, best_sentence = max_by_group(sentence_fused, sentences.passage_of, n)
        top = np.argsort(-fused, kind="stable")[:k]
        hits = []
        for rank, i in enumerate(top, start=1):
            j = int(best_sentence[i])
            own = np.nonzero(sentences.passage_of == i)[0]
            scored = tuple((int(sentences.start[r]), int(sentences.end[r]), float(sentence_fused[r])) for r in own)
            hits.append(Hit(self.index.passages[i], float(fused[i]), float(dense[i]), float(lexical[i]), rank,
                            (int(sentences.start[j]), int(sentences.end[j])), scored))
        return SearchResult(query, hits, time.perf_counter() - started)
