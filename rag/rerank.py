"""Reordering retrieved passages by whether they answer: the extractive reader's verdict added to retrieval's score.

Retrieval ranks passages by how much they speak about the question's topic; a passage that names the same meeting
but not its length ranks as high as the one stating 「会談は約90分に及び」. The extractive reader (rag/reader), fitted
on JaQuAD to point at the words that answer a question or at none, tells the two apart. `ReaderReranker` reads each
of retrieval's first candidates laid out as the evidence block shows sentences (title line, one sentence a line: the
layout the reader was fitted on, whether or not the prompt shows titles) and
gives each passage the score retrieval gave it plus `weight` times the reader's margin (its best span's score above
"no answer here"); the sentences the model reads are then chosen from the passages so ordered (rag/evidence.py reads
the new score as the passage's).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from .chunk import split_sentences
from .load import Document
from .prompt import laid_out
from .retrieve import Hit

log = logging.getLogger(__name__)


def passage_text(hit: Hit, documents: Mapping[str, Document]) -> str:
    """A hit's passage laid out for the reader, under its article's title."""
    doc = documents.get(hit.passage.doc_id)
    text = hit.passage.text
    return laid_out(doc.title if doc else hit.passage.title, [text[s:e] for s, e in split_sentences(text)])


_loaded: dict[int, object] = {}
_loading = threading.Lock()


def shared_reader(threads: int = 0):
    """The rag.reader.SpanReader of this process for `threads`, loaded on first use."""
    with _loading:
        if threads not in _loaded:
            from .reader import SpanReader

            _loaded[threads] = SpanReader(threads=threads)
        return _loaded[threads]


def reader_score(score: float, margin: float, weight: float) -> float:
    """Retrieval's score of a passage plus `weight` times the reader's margin on it."""
    return score + weight * margin


class ReaderReranker:
    """`reranker(question, hits, documents)`: the hits reordered by `reader_score`, each carrying its new score.

    Args:
        reader: a callable giving the rag.reader.SpanReader to read with, called for each question (it loads the
            reader once, in about a second, or gives the one the generator answers from).
        weight: how much one unit of the reader's margin weighs against retrieval's score (default 0.2): higher
            trusts the reader more where it and retrieval disagree.
    """

    def __init__(self, reader: Callable[[], object], weight: float = 0.2):
        self.reader = reader
        self.weight = weight
        self.failed = False  # the reader could not be loaded: retrieval's order stands from then on

    def __call__(self, question: str, hits: list[Hit], documents: Mapping[str, Document]) -> list[Hit]:
        if len(hits) < 2 or not question or self.failed:
            return hits
        try:
            reader = self.reader()
        # whatever a missing package, a damaged weights file or torch raises: retrieval's order still answers
        except Exception as exc:
            log.warning("passages are not reranked: the extractive reader could not be loaded (%s)", exc,
                        exc_info=True)
            self.failed = True
            return hits
        try:
            spans = reader(question, [passage_text(h, documents) for h in hits])
        # a reader failing on one question (torch out of memory, a text it cannot read): that question keeps
        # retrieval's order, as ReaderFirst leaves such a question to the model
        except Exception:
            log.exception("passages are not reranked for this question: the extractive reader failed")
            return hits
        margins = {span.context: span.margin for span in spans}
        # a passage the reader finds no words in is read as one it finds the least answer in
        least = min(margins.values(), default=0.0)
        scored = [h._replace(score=reader_score(h.score, margins.get(i, least), self.weight))
                  for i, h in enumerate(hits)]
        return sorted(scored, key=lambda h: -h.score)
