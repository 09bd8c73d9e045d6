"""Okapi BM25 over a pluggable tokenizer (character n-grams by default, which suits Japanese), scored by bm25s."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
from tqdm import tqdm

from .japanese import PUNCTUATION, fold

# Punctuation, and the dash 「―」 that pages put between phrases, break runs of word characters.
STATS = "stats.json"  # our side of a saved index: tokenizer, k1, b, collection size, average length
FORWARD, OFFSETS = "forward.npy", "forward_offsets.npy"  # each text's word ids, for scoring a few rows
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


def bm25_term_scores(tf: np.ndarray, length: np.ndarray, df: np.ndarray, n_docs: int, avg_length: float,
                     k1: float, b: float) -> np.ndarray:
    """Okapi BM25 of single (term, text) pairs: idf log(1 + (N - df + .5) / (df + .5)), tf saturated by k1, b.

    The same formula bm25s precomputes per posting ("lucene" variant) times (k1 + 1), the classic scale; the
    factor changes no ranking and no z-score, and keeps raw scores comparable with the literature.
    """
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_length))


class BM25:
    """BM25 over our own tokenizer, with bm25s's sparse index for scoring every text at once.

    tokenizer: name in TOKENIZERS (default "unigram+bigram"); k1: term saturation (default 1.2); b: length
    normalisation (default 0.75). index(texts) builds it, scores(query) scores every text, scores_of(query, rows)
    scores a few rows from their own word ids and the kept statistics (document frequencies, average length), so
    that a caller scoring a handful of rows never reads the postings of the whole collection.
    """

    def __init__(self, tokenizer: str = "unigram+bigram", k1: float = 1.2, b: float = 0.75):
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenizer!r}; choose one of {', '.join(TOKENIZERS)}")
        self.tokenizer_name = tokenizer
        self.tokenize = TOKENIZERS[tokenizer]()
        self.k1, self.b = k1, b
        self.n_docs = 0
        self.avg_length = 1.0
        self._model = None
        self._df: np.ndarray = np.zeros(0, dtype=np.int64)
        # forward index: the word ids of text i are _forward[_offsets[i]:_offsets[i + 1]]
        self._offsets: np.ndarray = np.zeros(1, dtype=np.int64)
        self._forward: np.ndarray = np.zeros(0, dtype=np.int32)

    def index(self, texts: list[str], progress: bool = False) -> BM25:
        import bm25s

        # bm25s sets its own logger to DEBUG on import, which would print through any root handler (even `-q`)
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        # Words become ids as they come (one small array per text), so a million texts do not sit in memory as
        # Python strings; bm25s builds its index from the ids and our vocabulary.
        vocab: dict[str, int] = {}
        ids = []
        for text in tqdm(texts, desc="indexing words", unit="text", disable=not progress, mininterval=2):
            words = self.tokenize(text)
            ids.append(np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), dtype=np.int32,
                                   count=len(words)))
        self.n_docs = len(texts)
        lengths = np.fromiter((len(t) for t in ids), dtype=np.float64, count=len(ids))
        self.avg_length = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        if not vocab:  # bm25s needs a word: a space, which no tokenized query holds
            vocab, ids = {" ": 0}, [np.zeros(1, dtype=np.int32)]
        # "lucene" is Okapi BM25 with idf log(1 + (N - df + .5) / (df + .5)), as bm25_term_scores.
        self._model = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        self._model.index((ids, vocab), create_empty_token=False, show_progress=progress)
        self._df = np.diff(self._model.scores["indptr"])
        self._offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        self._offsets[1:] = np.cumsum(lengths)
        self._forward = np.concatenate(ids[:len(texts)]) if texts else np.zeros(0, dtype=np.int32)
        return self

    def _query_ids(self, query: str) -> list[int]:
        vocab = self._model.vocab_dict
        return sorted({vocab[t] for t in self.tokenize(query) if t in vocab and t != ""})

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for `query` (repeated query terms count once)."""
        ids = self._query_ids(query)
        if not ids or self.n_docs == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        return (self._model.get_scores_from_ids(ids) * (self.k1 + 1)).astype(np.float32)

    def scores_of(self, query: str, rows: np.ndarray) -> np.ndarray:
        """BM25 of these rows alone, equal to their entries in scores(query): computed from each row's own word
        ids (the forward index) and the collection's statistics, so the cost follows the rows, not the collection."""
        rows = np.asarray(rows, dtype=np.int64)
        query_ids = np.array(self._query_ids(query), dtype=np.int64)
        if not len(query_ids) or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        lo, hi = self._offsets[rows], self._offsets[rows + 1]
        lengths = (hi - lo).astype(np.int64)
        starts = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        words = np.asarray(self._forward[starts + np.arange(int(lengths.sum()))], dtype=np.int64)
        owner = np.repeat(np.arange(len(rows)), lengths)
        match = np.isin(words, query_ids)
        pairs, tf = np.unique(owner[match] * len(self._df) + words[match], return_counts=True)
        row, term = pairs // len(self._df), pairs % len(self._df)
        contributions = bm25_term_scores(tf.astype(np.float64), lengths[row].astype(np.float64),
                                         self._df[term].astype(np.float64), self.n_docs, self.avg_length, self.k1, self.b)
        return np.bincount(row, weights=contributions, minlength=len(rows)).astype(np.float32)

    def retrieve(self, query: str, k: int = 10) -> list[LexicalHit]:
        """The k best texts with a score above zero, best first."""
        scores = self.scores(query)
        top = top_k(scores, k)
        return [LexicalHit(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._model.save(str(folder))
        np.save(folder / FORWARD, self._forward)
        np.save(folder / OFFSETS, self._offsets)
        (folder / STATS).write_text(json.dumps({"tokenizer": self.tokenizer_name, "k1": self.k1, "b": self.b,
                                                "n_docs": self.n_docs, "avg_length": self.avg_length}))

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> BM25:
        """mmap leaves the postings on disk until read: a collection scored only through scores_of costs no RAM.
        The forward index is always mapped, as it is read a few rows at a time."""
        import bm25s

        stats = json.loads((folder / STATS).read_text())
        model = cls(stats["tokenizer"], stats["k1"], stats["b"])
        model.n_docs, model.avg_length = stats["n_docs"], stats["avg_length"]
        model._model = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
        model._df = np.diff(np.asarray(model._model.scores["indptr"]))
        model._forward = np.load(folder / FORWARD, mmap_mode="r")  # read by row: only the rows scored are paged in
        model._offsets = np.load(folder / OFFSETS)
        return model


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k largest scores, largest first (ties: lower row first)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    order = np.lexsort((top, -scores[top]))
    return top[order]
