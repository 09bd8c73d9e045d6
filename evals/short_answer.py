"""The short answer read from an answer sentence, without the model: `python -m evals short-answer`.

When the model's reply carries no usable short answer (要点), the Verifier reads one from the sentence that answers:
the model's own sentence or the article's sentence it quotes. This harness gives that reader the gold answer's own
sentence (the sentence of the paragraph holding the answer offset) with the question, and scores what it reads
against the gold answer (exact match, character F1): the reader's ceiling, with retrieval and the model left out.

`rag.cite.filled_part` (the words standing where the question has its asking word) was shaped on JaQuAD train files
0000-0002; the default files here, 0003-0005, took no part in that. `rag.cite.residue` (the longest piece the
sentence adds to the question) is the reader it replaced. Both go through `asked_part`, as in the Verifier.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.chunk import split_sentences
from rag.cite import asked_part, filled_part, residue

from .metrics import char_f1, exact_match

READERS: dict[str, Callable[[str, str], str]] = {"filled_part": filled_part, "residue": residue}
DEFAULT_FILES = tuple(f"../shared/evaldata/jaquad/jaquad_train_{n:04d}.json" for n in (3, 4, 5))


@dataclass
class AnswerSentence:
    question: str
    sentence: str  # the sentence of the paragraph that holds the whole gold answer
    answer: str


def answer_sentences(paths: list[str | Path]) -> list[AnswerSentence]:
    """The questions of SQuAD-format files (JaQuAD, JSQuAD) whose first gold answer lies inside one sentence, with
    that sentence. An answer running across a sentence end has no one sentence to read it from, and is left out."""
    items: list[AnswerSentence] = []
    for path in paths:
        for article in json.loads(Path(path).read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                spans = split_sentences(context)
                for qa in paragraph["qas"]:
                    if not qa.get("answers"):  # an unanswerable question (SQuAD 2 style) has no sentence to read
                        continue
                    answer = qa["answers"][0]
                    start, end = answer["answer_start"], answer["answer_start"] + len(answer["text"])
                    sentence = next(((s, e) for s, e in spans if s <= start and end <= e), None)
                    if sentence is not None:
                        items.append(AnswerSentence(qa["question"], context[sentence[0]:sentence[1]], answer["text"]))
    return items


def evaluate(items: list[AnswerSentence], readers: dict[str, Callable[[str, str], str]] = READERS) -> dict:
    """Per reader: exact match and character F1 of `asked_part(reader(sentence, question))` against the gold."""
    if not items:
        raise ValueError("no questions to score")
    out = {}
    for name, reader in readers.items():
        read = [asked_part(reader(item.sentence, item.question), item.question) for item in items]
        out[name] = {"exact_match": round(sum(exact_match(r, i.answer) for r, i in zip(read, items)) / len(items), 3),
                     "char_f1": round(sum(char_f1(r, i.answer) for r, i in zip(read, items)) / len(items), 3)}
    return out


def run(paths: list[str | Path], limit: int = 0, seed: int = 0) -> dict:
    """The report: the files read, the number of questions scored (a random `limit` of them, if given), and the
    scores of each reader."""
    items = answer_sentences(paths)
    if not items:
        raise ValueError("no question with its answer inside one sentence in " + ", ".join(map(str, paths)))
    if limit and limit < len(items):
        items = random.Random(seed).sample(items, limit)
    return {"data": [str(p) for p in paths], "n": len(items), "seed": seed, "readers": evaluate(items)}
