"""A model-free generator: quotes the snippet sentence that best matches the question. Fast and always grounded."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ..answer_type import expected_answer, holds_answer
from ..chunk import split_sentences
from ..lexical import char_unigrams_bigrams
from ..prompt import REFUSAL, parse_evidence_block
from .base import Generator

MIN_OVERLAP = 0.3


class ExtractiveGenerator(Generator):
    """Reads the evidence block of prompts built by rag.prompt and replies in the same format (the answer citing its sentence).

    For machines without room for a language model, for tests of everything around the model, and as the
    answer of last resort. The answer is the best-matching sentence itself.
    """

    name = "extractive"

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        evidence, question = parse_evidence_block(messages[-1]["content"])
        wanted = set(char_unigrams_bigrams(question))
        sentences = [(item.n, item.text[s:e]) for item in evidence for s, e in split_sentences(item.text)]
        grams = [set(char_unigrams_bigrams(text)) for _, text in sentences]
        # Question n-grams found in few sentences say more about which one answers (idf weighting).
        weight = {g: math.log(1 + len(grams) / (1 + sum(g in gs for gs in grams))) for g in wanted}
        total = sum(weight.values()) or 1.0
        best: tuple[float, int, str] = (0.0, 0, "")
        kind = expected_answer(question)  # 「何本」: when a sentence has a number of 本, only those can answer
        typed = any(holds_answer(text, kind) for _, text in sentences)
        for (n, text), gs in zip(sentences, grams):
            if typed and not holds_answer(text, kind):
                continue
            overlap = sum(weight[g] for g in wanted & gs) / total
            if overlap > best[0]:
                best = (overlap, n, text)
        if best[0] < MIN_OVERLAP:
            yield f"回答: {REFUSAL}\n要点: なし"
            return
        yield f"回答: {best[2]}[{best[1]}]"
