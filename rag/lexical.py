"""Okapi BM25 over a pluggable tokenizer (character n-grams by default, which suits Japanese), scored by bm25s."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import multiprocessing
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
    """Single characters (kanji carry meaning alone) plus bigrams (word-like units): best on JSQuAD.

    The same list as char_ngrams(text, 1) + char_ngrams(text, 2), folding and splitting the text once: a build
    tokenizes every passage and sentence, so this is most of its time.
    """
    runs = [run for run in _NON_WORD.split(fold(text)) if run]
    grams = list("".join(runs))
    for run in runs:
        if len(run) < 2:
            grams.append(run)
        else:
            grams += map(str.__add__, run, run[1:])
    return grams


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

    def index(self, texts: list[str], progress: bool = False, workers: int = 1) -> BM25:
        """Tokenize `texts` (in `workers` processes when there are many) and build the postings.

        Memory stays near that of the word ids themselves: texts are tokenized a chunk at a time, words become
        ids at once (no text's words sit in memory as Python strings), and bm25s's score matrix is assembled
        from the ids with array operations rather than from per-text Python objects.
        """
        import bm25s

        # bm25s sets its own logger to DEBUG on import, which would print through any root handler (even `-q`)
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        vocab: dict[str, int] = {}
        parts, lengths = [], []
        for words, ids, chunk_lengths in _tokenized_chunks(self.tokenizer_name, texts, workers, progress):
            # Chunk-local ids become collection ids; new words are numbered in order of first appearance.
            mapping = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), dtype=np.int32,
                                  count=len(words))
            parts.append(mapping[ids])
            lengths.append(chunk_lengths)
        self.n_docs = len(texts)
        lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        mean = float(lengths.astype(np.float64).mean()) if len(lengths) else 0.0
        self.avg_length = mean if mean > 0 else 1.0
        self._offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        self._offsets[1:] = np.cumsum(lengths)
        self._forward = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        del parts
        # "lucene" is Okapi BM25 with idf log(1 + (N - df + .5) / (df + .5)), as bm25_term_scores.
        self._model = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        if vocab:
            self._model.scores = _score_matrix(self._forward, self._offsets, len(vocab), self.k1, self.b)
            self._model.vocab_dict = vocab
            self._model.unique_token_ids_set = set(vocab.values())
            self._model.nonoccurrence_array = None
        else:  # bm25s needs a word: a space, which no tokenized query holds
            self._model.index(([np.zeros(1, dtype=np.int32)], {" ": 0}), create_empty_token=False,
                              show_progress=False)
        self._df = np.diff(self._model.scores["indptr"])
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

    def top(self, query: str, k: int, max_df_share: float = 1.0) -> np.ndarray:
        """Rows of about the k best BM25 scores above zero, best first, summing the postings of the query's words
        found in at most `max_df_share` of the texts only (at least its two rarest words).

        A word found nearly everywhere (の, に) has a long posting list and a small idf: at a million passages its
        postings are most of a query's work and change little of who is on top. The rows' full scores are
        scores_of(query, rows).
        """
        ids = np.array(self._query_ids(query), dtype=np.int64)
        if not len(ids) or self.n_docs == 0:
            return np.zeros(0, dtype=np.int64)
        df = self._df[ids]
        rare = ids[df <= max_df_share * self.n_docs]
        if len(rare) < min(2, len(ids)):
            rare = ids[np.argsort(df, kind="stable")[:2]]
        scores = self._model.get_scores_from_ids(np.sort(rare).tolist())
        touched = np.flatnonzero(scores > 0)  # rare words reach few rows: rank those, not the whole collection
        return touched[top_k(scores[touched], k)]

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
        # Plain arrays over the mapped files: np.memmap's slicing costs microseconds a call, and a query makes a few
        # dozen such calls over the postings
        for key in ("data", "indices", "indptr"):
            model._model.scores[key] = np.asarray(model._model.scores[key])
        model._df = np.diff(model._model.scores["indptr"])
        model._forward = np.asarray(np.load(folder / FORWARD, mmap_mode="r"))  # read by row: only those are paged in
        model._offsets = np.load(folder / OFFSETS)
        return model


# texts per tokenizing task: large enough to amortise sending them to a worker, small enough to show progress
CHUNK_TEXTS = 5_000
# below this many texts a build tokenizes in its own process: starting workers would cost more than it saves
PARALLEL_MIN_TEXTS = 100_000
_worker_tokenizers: dict[str, Callable[[str], list[str]]] = {}


def _tokenize_chunk(task: tuple[str, list[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(distinct words in order of first appearance, every word as an index into them, words per text)."""
    name, texts = task
    if name not in _worker_tokenizers:
        _worker_tokenizers[name] = TOKENIZERS[name]()
    tokenize = _worker_tokenizers[name]
    words: list[str] = []
    lengths = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        own = tokenize(text)
        lengths[i] = len(own)
        words += own
    local = {w: i for i, w in enumerate(dict.fromkeys(words))}
    ids = np.fromiter(map(local.__getitem__, words), dtype=np.int32, count=len(words))
    return list(local), ids, lengths


def _tokenized_chunks(name: str, texts: list[str], workers: int, progress: bool):
    """_tokenize_chunk of each CHUNK_TEXTS texts in order, in `workers` processes for large collections."""
    tasks = ((name, texts[i:i + CHUNK_TEXTS]) for i in range(0, len(texts), CHUNK_TEXTS))
    bar = tqdm(total=len(texts), desc="indexing words", unit="text", disable=not progress, mininterval=2)
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(texts) >= PARALLEL_MIN_TEXTS:
            # spawn, not fork: the building process holds threads (FAISS, tqdm) that a fork would copy mid-state
            pool = stack.enter_context(multiprocessing.get_context("spawn").Pool(workers))
            results = pool.imap(_tokenize_chunk, tasks)
        else:
            results = map(_tokenize_chunk, tasks)
        for result in results:
            bar.update(len(result[2]))
            yield result
    bar.close()


def _score_matrix(forward: np.ndarray, offsets: np.ndarray, n_vocab: int, k1: float, b: float,
                  chunk_docs: int = 100_000) -> dict:
    """bm25s's "lucene" score matrix (CSC, a column per word) from every text's word ids, equal bit for bit to
    the one bm25s.BM25.index builds, without its per-text Python objects: term counts come from sorting each
    chunk of texts' (text, word) pairs, scores from whole arrays."""
    import scipy.sparse as sp

    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)
    avg_length = lengths.mean()  # as bm25s: the mean of an integer array
    terms, counts, row_sizes = [], [], []
    for lo in range(0, n_docs, chunk_docs):
        hi = min(lo + chunk_docs, n_docs)
        owner = np.repeat(np.arange(hi - lo, dtype=np.int64), lengths[lo:hi])
        pairs, tf = np.unique(owner * n_vocab + forward[offsets[lo]:offsets[hi]], return_counts=True)
        terms.append((pairs % n_vocab).astype(np.int32))
        counts.append(tf.astype(np.float32))
        row_sizes.append(np.bincount(pairs // n_vocab, minlength=hi - lo))
        del owner, pairs, tf
    terms, counts = np.concatenate(terms), np.concatenate(counts)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.concatenate(row_sizes), out=indptr[1:])
    df = np.bincount(terms, minlength=n_vocab)
    # bm25s takes each idf through Python's math.log and keeps it as float32; the rest is float64, as there
    idf = np.array([math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df.tolist()],
                   dtype=np.float32)
    norm = k1 * ((1 - b) + b * lengths.astype(np.float64) / avg_length)
    data = np.empty(len(terms), dtype=np.float32)
    for lo in range(0, len(terms), 10_000_000):  # float64 temporaries a slice at a time
        hi = min(lo + 10_000_000, len(terms))
        rows = np.searchsorted(indptr, np.arange(lo, hi), side="right") - 1
        tf = counts[lo:hi].astype(np.float64)
        data[lo:hi] = idf[terms[lo:hi]].astype(np.float64) * (tf / (norm[rows] + tf))
    del counts
    matrix = sp.csr_matrix((data, terms, indptr), shape=(n_docs, n_vocab)).tocsc()
    del data, terms
    return {"data": matrix.data.astype(np.float32, copy=False), "indices": matrix.indices.astype(np.int32, copy=False),
            "indptr": matrix.indptr.astype(np.int64), "num_docs": n_docs}


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k largest scores, largest first (ties: lower row first)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    order = np.lexsort((top, -scores[top]))
    return top[order]
