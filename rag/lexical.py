"""Okapi BM25 over a pluggable tokenizer; character bigrams by default, which suits Japanese."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .japanese import PUNCTUATION, fold

# Punctuation, and the dash 「―」 that pages put between phrases, break runs of word characters.
_NON_WORD = re.compile(f"[{PUNCTUATION}―]+")


def char_ngrams(text: str, n: int = 2) -> list[str]:
    """Overlapping character n-grams inside runs of word characters (punctuation and spaces break runs)."""
    grams = []
    for run in _NON_WORD.split(fold(text)):
        if len(run) < n:
            if run:
                grams.append(run)
            continue
        grams.extend(run[i:i + n] for i in range(len(run) - n + 1))
    return grams


def char_bigrams(text: str) -> list[str]:
    return char_ngrams(text, 2)


def char_unigrams_bigrams(text: str) -> list[str]:
    """Single characters (kanji carry meaning alone) plus bigrams (word-like units): best on JSQuAD."""
    return char_ngrams(text, 1) + char_ngrams(text, 2)


class SudachiTokenizer:
    """Dictionary words from SudachiPy (split mode A, normalised forms), punctuation dropped."""

    def __init__(self, mode: str = "A"):
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="core").create()
        self._mode = getattr(SplitMode, mode)

    def __call__(self, text: str) -> list[str]:
        # Sudachi refuses inputs over ~49 KB; queries and passages are far shorter, so cut defensively.
        text = fold(text)[:12000]
        return [m.normalized_form() for m in self._tokenizer.tokenize(text, self._mode)
                if not _NON_WORD.fullmatch(m.surface())]


TOKENIZERS: dict[str, Callable[[], Callable[[str], list[str]]]] = {
    "unigram+bigram": lambda: char_unigrams_bigrams,
    "bigram": lambda: char_bigrams,
    "sudachi": SudachiTokenizer,
}


class LexicalHit(NamedTuple):
    index: int
    score: float


class BM25:
    """Inverted-index BM25: index(texts) builds it, retrieve(query, k) ranks, save/load keep it on disk."""

    def __init__(self, tokenizer: str = "unigram+bigram", k1: float = 1.2, b: float = 0.75):
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenizer!r}; choose one of {', '.join(TOKENIZERS)}")
        self.tokenizer_name = tokenizer
        self.tokenize = TOKENIZERS[tokenizer]()
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.n_docs = 0

    def index(self, texts: list[str]) -> BM25:
        counts = [Counter(self.tokenize(t)) for t in texts]
        self.vocab = {}
        for c in counts:
            for term in c:
                self.vocab.setdefault(term, len(self.vocab))
        self.n_docs = len(texts)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avg = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        postings: list[list[tuple[int, float]]] = [[] for _ in self.vocab]
        for doc, c in enumerate(counts):
            norm = self.k1 * (1 - self.b + self.b * lengths[doc] / avg)
            for term, tf in c.items():
                postings[self.vocab[term]].append((doc, tf * (self.k1 + 1) / (tf + norm)))
        df = np.array([len(p) for p in postings], dtype=np.float32)
        self.idf = np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.offsets = np.zeros(len(postings) + 1, dtype=np.int64)
        self.offsets[1:] = np.cumsum([len(p) for p in postings])
        self.doc_ids = np.array([d for p in postings for d, _ in p], dtype=np.int32)
        self.weights = np.array([w for p in postings for _, w in p], dtype=np.float32)
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for `query` (repeated query terms count once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in set(self.tokenize(query)):
            term_id = self.vocab.get(term)
            if term_id is None:
                continue
            lo, hi = self.offsets[term_id], self.offsets[term_id + 1]
            np.add.at(out, self.doc_ids[lo:hi], self.idf[term_id] * self.weights[lo:hi])
        return out

    def retrieve(self, query: str, k: int = 10) -> list[LexicalHit]:
        scores = self.scores(query)
        k = min(k, self.n_docs)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [LexicalHit(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, path: Path) -> None:
        terms = np.array(sorted(self.vocab, key=self.vocab.get), dtype=object)
        np.savez_compressed(path, terms=terms.astype(str), idf=self.idf, offsets=self.offsets,
                            doc_ids=self.doc_ids, weights=self.weights,
                            params=np.array([self.k1, self.b, self.n_docs], dtype=np.float64),
                            tokenizer=np.array(self.tokenizer_name))

    @classmethod
    def load(cls, path: Path) -> BM25:
        with np.load(path, allow_pickle=False) as data:
            model = cls(str(data["tokenizer"]), float(data["params"][0]), float(data["params"][1]))
            model.n_docs = int(data["params"][2])
            model.vocab = {str(t): i for i, t in enumerate(data["terms"])}
            model.idf, model.offsets = data["idf"], data["offsets"]
            model.doc_ids, model.weights = data["doc_ids"], data["weights"]
        return model
