"""Which sentences of the retrieved passages the generator reads: a small logistic-regression ranker.

Each sentence of the given hits is scored from a few features of the question, the sentence and its hit; the
weights are fitted on JaQuAD (labelled by the answer's character offset) by `python -m evals evidence fit` and
kept in `evidence_weights.json`. `pick` then fills a character budget in ranked order.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .answer_type import expected_answer, holds_answer
from .chunk import split_sentences
from .japanese import bigram_share, content_bigrams, fold_width
from .load import Document
from .retrieve import Hit

log = logging.getLogger(__name__)

WEIGHTS_FILE = Path(__file__).with_name("evidence_weights.json")


class ScoredSentence(NamedTuple):
    """A sentence of hit `rank` (its index in the list ranked), in document character offsets."""

    rank: int
    doc_id: str
    start: int
    end: int
    score: float


class Candidate(NamedTuple):
    """A sentence of a hit, with what the features need to know about it."""

    rank: int  # index of its hit in the list given
    hit: Hit
    start: int
    end: int
    retrieval: float  # blended retrieval score of the sentence
    position: float  # place in its passage: 0 first, 1 last
    text: str


def hit_sentences(hit: Hit) -> list[tuple[int, int, float]]:
    """(start, end, score) of the passage's sentences in document offsets; without scores, its best one 1, others 0."""
    if hit.sentences:
        return list(hit.sentences)
    offset = hit.passage.start
    return [(offset + s, offset + e, 1.0 if (offset + s, offset + e) == hit.best_sentence else 0.0)
            for s, e in split_sentences(hit.passage.text)]


def candidates(hits: list[Hit], documents: Mapping[str, Document]) -> list[Candidate]:
    """Every sentence of every hit, in hit order then reading order."""
    out = []
    for rank, hit in enumerate(hits):
        text = documents[hit.passage.doc_id].text
        sentences = hit_sentences(hit)
        last = max(len(sentences) - 1, 1)
        for i, (start, end, score) in enumerate(sentences):
            out.append(Candidate(rank, hit, start, end, score, i / last, text[start:end]))
    return out


# --- features: small pure functions of the question and a sentence -------------------------------------------


def longest_common_run(question: str, text: str) -> int:
    """Length of the longest substring of `question` found in `text` (both NFKC).

    A substring of length n being there implies one of length n-1 is, so the length is found by bisection.
    """
    question, text = fold_width(question), fold_width(text)
    low, high = 0, min(len(question), len(text))
    while low < high:
        n = (low + high + 1) // 2
        if any(question[i:i + n] in text for i in range(len(question) - n + 1)):
            low = n
        else:
            high = n - 1
    return low


def asked_kind(wanted: re.Pattern | None, text: str) -> float:
    """+1 when the question asks for a kind of words (a date, a count) and the sentence holds such words,
    -1 when it asks and the sentence holds none, 0 when the question asks for no particular kind."""
    if wanted is None:
        return 0.0
    return 1.0 if holds_answer(text, wanted) else -1.0


def zscores(values: np.ndarray) -> np.ndarray:
    """Values standardised within one question's candidates (0 when they do not vary)."""
    std = float(values.std()) if values.size else 0.0
    return (values - values.mean()) / std if std > 1e-6 else np.zeros_like(values)


def gap_to_best(values: np.ndarray) -> np.ndarray:
    """How far each value falls below the best among one question's candidates (0 for the best)."""
    return values - values.max() if values.size else values


class _Context(NamedTuple):
    question: str
    bigrams: set[str]
    wanted: re.Pattern | None


# Each feature maps (question context, candidate) to a number; the evidence_weights.json names the ones the model uses.
FEATURES: dict[str, Callable[[_Context, Candidate], float]] = {
    "retrieval": lambda q, c: c.retrieval,
    "passage_score": lambda q, c: c.hit.score,
    "passage_rank": lambda q, c: float(c.rank),
    "bigrams": lambda q, c: bigram_share(q.bigrams, c.text),
    "bigrams_with_title": lambda q, c: bigram_share(q.bigrams, f"{c.hit.passage.title}\n{c.text}"),
    "common_run": lambda q, c: longest_common_run(q.question, c.text) / max(len(q.question), 1),
    "asked_kind": lambda q, c: asked_kind(q.wanted, c.text),
    "log_chars": lambda q, c: math.log1p(len(c.text)),
    "position": lambda q, c: c.position,
    "best_of_passage": lambda q, c: float((c.start, c.end) == tuple(c.hit.best_sentence)),
}
# Relative to the question's other candidates: how a sentence, or its passage, compares with those it competes with.
RELATIVE: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "retrieval_z": ("retrieval", zscores),
    "bigrams_z": ("bigrams", zscores),
    "common_run_z": ("common_run", zscores),
    "passage_gap": ("passage_score", gap_to_best),
}
FEATURE_NAMES = [*FEATURES, *RELATIVE]


def feature_matrix(question: str, cands: list[Candidate], names: list[str] | None = None) -> np.ndarray:
    """One row per candidate, one column per feature in `names` (default: all of FEATURE_NAMES)."""
    names = names or FEATURE_NAMES
    context = _Context(fold_width(question), content_bigrams(question), expected_answer(question))
    needed = {RELATIVE[n][0] if n in RELATIVE else n for n in names}
    base = {name: np.array([f(context, c) for c in cands], dtype=np.float64)
            for name, f in FEATURES.items() if name in needed}
    columns = [base[name] if name in FEATURES else RELATIVE[name][1](base[RELATIVE[name][0]]) for name in names]
    return np.stack(columns, axis=1) if cands else np.zeros((0, len(names)))


# --- the model -------------------------------------------------------------------------------------------------

def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, names: list[str], l2: float = 1.0, iterations: int = 50) -> dict:
    """L2-regularised logistic regression by Newton's method (IRLS) on standardised features.

    Returns the weights in the layout of evidence_weights.json; the intercept is not penalised.
    """
    if x.shape != (len(y), len(names)):
        raise ValueError("x must have one row per label and one column per feature name")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(iterations):
        p = sigmoid(z @ w)
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"features": list(names), "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": w[:-1].tolist(), "intercept": float(w[-1]), "l2": l2}


class SentenceRanker:
    """rank(question, hits, documents): the hits' sentences, most likely to hold the answer first.

    Args:
        weights: path of a weights JSON file, or its content as a dict (feature names, means, scales,
            coefficients, intercept). Default None: the committed `rag/evidence_weights.json`.
    """

    def __init__(self, weights: str | Path | Mapping | None = None):
        if not isinstance(weights, Mapping):
            weights = json.loads(Path(weights or WEIGHTS_FILE).read_text(encoding="utf-8"))
        unknown = [n for n in weights["features"] if n not in FEATURE_NAMES]
        if unknown:
            raise ValueError(f"unknown evidence features {unknown}; known: {FEATURE_NAMES}")
        self.names = list(weights["features"])
        self.mean = np.asarray(weights["mean"], dtype=np.float64)
        self.scale = np.asarray(weights["scale"], dtype=np.float64)
        self.coef = np.asarray(weights["coef"], dtype=np.float64)
        self.intercept = float(weights["intercept"])
        if not len(self.names) == len(self.mean) == len(self.scale) == len(self.coef):
            raise ValueError("evidence weights: features, mean, scale and coef differ in length")

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row's sentence holds the answer."""
        return sigmoid(((x - self.mean) / self.scale) @ self.coef + self.intercept)

    def rank(self, question: str, hits: list[Hit], documents: Mapping[str, Document]) -> list[ScoredSentence]:
        """Sentences of `hits`, best first; a sentence that overlapping passages share is kept once (its best)."""
        cands = candidates(hits, documents)
        if not cands:
            return []
        scores = self.probabilities(feature_matrix(question, cands, self.names))
        order = sorted(range(len(cands)), key=lambda i: (-scores[i], cands[i].rank, cands[i].start))
        ranked: list[ScoredSentence] = []
        for i in order:
            c = cands[i]
            sentence = ScoredSentence(c.rank, c.hit.passage.doc_id, c.start, c.end, float(scores[i]))
            if not any(_overlap(sentence, kept) for kept in ranked):
                ranked.append(sentence)
        log.debug("ranked %d sentences of %d hits", len(ranked), len(hits))
        return ranked


def _overlap(a: ScoredSentence, b: ScoredSentence) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def reading_order(picked: list[ScoredSentence]) -> list[ScoredSentence]:
    """Picked sentences in the order of their passages, and of the article within each, so that sentences read
    on from each other."""
    return sorted(picked, key=lambda s: (s.rank, s.start))


def chars_read(picked: list[ScoredSentence], headings: Mapping[str, str]) -> int:
    """Characters of `picked` and their title lines: in reading order, a title line stands above each run of
    sentences under one title, as the prompt shows them (`headings`: doc_id -> its line; an article not in it has
    none)."""
    total, previous = 0, ""
    for s in reading_order(picked):
        line = headings.get(s.doc_id, "")
        total += s.end - s.start + (len(line) if line and line != previous else 0)
        previous = line
    return total


def pick(ranked: list[ScoredSentence], budget_chars: int,
         headings: Mapping[str, str] | None = None) -> list[ScoredSentence]:
    """Sentences in ranked order while `budget_chars` lasts: the first is always taken, one that does not fit
    is passed over for a shorter one further down, and none overlapping one already picked is taken.

    With `headings` (doc_id -> the title line shown above its sentences) the budget counts the title lines too
    (`chars_read`), so that it bounds the sentences and titles the model reads.
    """
    headings = headings or {}
    picked: list[ScoredSentence] = []
    for sentence in ranked:
        if any(_overlap(sentence, p) for p in picked):
            continue
        if not picked or chars_read([*picked, sentence], headings) <= budget_chars:
            picked.append(sentence)
    return picked
