"""Citations assigned in code: a quote counts only where it is found in a passage shown to the user."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import NamedTuple

from .chunk import Passage

MIN_QUOTE_CHARS = 4
FUZZY_RATIO = 0.8
_PUNCT = re.compile(r"[\s、。，．,.!?！？「」『』（）()\[\]【】・:：;；\"'“”‘’…]+")


class Located(NamedTuple):
    """Where a quote was found: passage number in the list given, and character span in its text."""

    passage: int
    start: int
    end: int


def _squash_with_map(text: str) -> tuple[str, list[int]]:
    """Text without spaces and punctuation (NFKC, lower case), with the original offset of each kept char."""
    kept, offsets = [], []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch).lower()
        if _PUNCT.fullmatch(norm) or not norm:
            continue
        kept.append(norm)
        offsets.extend([i] * len(norm))
    return "".join(kept), offsets


def locate(quote: str, passages: list[Passage]) -> Located | None:
    """Find `quote` in one of `passages`: exactly (ignoring spaces, punctuation and width), else approximately
    (a common stretch covering FUZZY_RATIO of the quote). None when it is not there."""
    q, _ = _squash_with_map(quote)
    if len(q) < MIN_QUOTE_CHARS:
        return None
    best: tuple[float, Located] | None = None
    for number, passage in enumerate(passages):
        text, offsets = _squash_with_map(passage.text)
        if not offsets:
            continue
        at = text.find(q)
        if at >= 0:
            return Located(number, offsets[at], offsets[at + len(q) - 1] + 1)
        match = SequenceMatcher(None, q, text, autojunk=False).find_longest_match(0, len(q), 0, len(text))
        ratio = match.size / len(q)
        if ratio >= FUZZY_RATIO and (best is None or ratio > best[0]):
            best = (ratio, Located(number, offsets[match.b], offsets[match.b + match.size - 1] + 1))
    return best[1] if best else None


def support(answer: str, sources: list[str]) -> float:
    """Share of the answer's character bigrams that occur in the sources: low means invented content."""
    a, _ = _squash_with_map(answer)
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    if not grams:
        return 0.0
    joined = "".join(_squash_with_map(s)[0] for s in sources)
    return sum(1 for g in grams if g in joined) / len(grams)
