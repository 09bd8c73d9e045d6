"""A model-free generator: quotes the snippet sentence that best matches the question. Fast and always grounded."""

from __future__ import annotations

from collections.abc import Iterator

from ..chunk import split_sentences
from ..lexical import char_unigrams_bigrams
from ..prompt import REFUSAL, parse_evidence_block
from .base import Generator

MIN_OVERLAP = 0.35


class ExtractiveGenerator(Generator):
    """Reads the evidence block of prompts built by rag.prompt and replies in the same quote-then-answer format.

    For machines without room for a language model, for tests of everything around the model, and as the
    answer of last resort. The answer is the best-matching sentence itself.
    """

    name = "extractive"

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        evidence, question = parse_evidence_block(messages[-1]["content"])
        wanted = set(char_unigrams_bigrams(question))
        best: tuple[float, int, str] = (0.0, 0, "")
        for item in evidence:
            for s, e in split_sentences(item.text):
                sentence = item.text[s:e]
                grams = set(char_unigrams_bigrams(sentence))
                overlap = len(wanted & grams) / max(len(wanted), 1)
                if overlap > best[0]:
                    best = (overlap, item.n, sentence)
        if best[0] < MIN_OVERLAP:
            yield f"根拠: なし\n回答: {REFUSAL}"
            return
        yield f"根拠: 「{best[2]}」[{best[1]}]\n"
        yield f"回答: {best[2]}"
