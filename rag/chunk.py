"""Splitting of documents into passages along Japanese sentence boundaries, sized in embedder tokens."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .load import Document

# A sentence ends at 。！？!? (with any closing brackets that follow) or at a paragraph break.
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』）)\]】”’]*|\n+|$)")
_SOFT_BREAK = re.compile(r"(?<=[、，,；;:：])")


@dataclass(frozen=True)
class Passage:
    """A span of a cleaned document; start/end are character offsets into Document.text."""

    passage_id: str
    doc_id: str
    title: str
    position: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)  # as asdict, whose recursive copy is most of writing a million passages


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`, whitespace excluded, in order."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            # 「行く。」と言った。 is one sentence: a quotation closed before と / って continues it.
            if spans and text[spans[-1][1] - 1] in "」』" and text[start] in "とっ" and spans[-1][1] == start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


class Chunker:
    """Greedy packing of whole sentences up to `max_tokens`, repeating up to `overlap_tokens` of the tail."""

    def __init__(self, count_tokens: Callable[[str], int], max_tokens: int = 160, overlap_tokens: int = 48):
        if max_tokens < 16:
            raise ValueError("max_tokens must be at least 16")
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap_tokens = min(overlap_tokens, max_tokens // 2)

    def _pieces(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        """A sentence as (start, end, tokens) pieces; one too long is cut at commas, then by length."""
        tokens = self.count_tokens(text[start:end])
        if tokens <= self.max_tokens:
            return [(start, end, tokens)]
        pieces: list[tuple[int, int, int]] = []
        cuts = [start + m.start() for m in _SOFT_BREAK.finditer(text[start:end]) if m.start()] + [end]
        piece_start = start
        for cut in cuts:
            if cut <= piece_start:
                continue
            if self.count_tokens(text[piece_start:cut]) <= self.max_tokens:
                continue
            # text[piece_start:cut] is too long: close the piece before this cut, or hard-split it.
            prev = max((c for c in cuts if piece_start < c < cut), default=None)
            if prev is not None and self.count_tokens(text[piece_start:prev]) <= self.max_tokens:
                pieces.append((piece_start, prev, self.count_tokens(text[piece_start:prev])))
                piece_start = prev
            while self.count_tokens(text[piece_start:cut]) > self.max_tokens:
                size = max(1, int((cut - piece_start) * self.max_tokens / self.count_tokens(text[piece_start:cut])))
                while size > 1 and self.count_tokens(text[piece_start:piece_start + size]) > self.max_tokens:
                    size = int(size * 0.9)
                pieces.append((piece_start, piece_start + size, self.count_tokens(text[piece_start:piece_start + size])))
                piece_start += size
        if piece_start < end:
            pieces.append((piece_start, end, self.count_tokens(text[piece_start:end])))
        return pieces

    def chunk(self, doc: Document) -> list[Passage]:
        """Passages of one document, in reading order."""
        units = [p for s, e in split_sentences(doc.text) for p in self._pieces(doc.text, s, e)]
        passages: list[Passage] = []
        current: list[tuple[int, int, int]] = []

        def flush() -> None:
            start, end = current[0][0], current[-1][1]
            passages.append(Passage(f"{doc.doc_id}#{len(passages)}", doc.doc_id, doc.title, len(passages),
                                    start, end, doc.text[start:end]))

        for unit in units:
            if current and sum(u[2] for u in current) + unit[2] > self.max_tokens:
                flush()
                tail: list[tuple[int, int, int]] = []
                for prev in reversed(current):
                    if sum(u[2] for u in tail) + prev[2] > self.overlap_tokens:
                        break
                    tail.insert(0, prev)
                current = tail if sum(u[2] for u in tail) + unit[2] <= self.max_tokens else []
            current.append(unit)
        if current:
            flush()
        return passages
