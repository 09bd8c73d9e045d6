"""JSQuAD (JGLUE) harness: paragraph retrieval over every distinct paragraph, and reader EM / F1."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from rag.config import Settings
from rag.embed import Embedder
from rag.index import update_index
from rag.load import Document
from rag.retrieve import MODES, Retriever

from .metrics import CUTOFFS, latency_summary, ranking_metrics, squash

# The size of the samples answers are reported on (`--limit 300 --seed 1`), which `--leave-out` takes away.
REPORTED_SAMPLE = 300
COLUMNS = ["hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "p50_ms", "p95_ms"]


@dataclass
class JsquadQuestion:
    id: str
    question: str
    answers: list[str]
    paragraph: int


def load_jsquad(path: str | Path, limit: int | None = None, seed: int = 0, leave_out: Sequence[int] = (),
                leave_out_size: int = REPORTED_SAMPLE) -> tuple[list[Document], list[JsquadQuestion]]:
    """Distinct paragraphs as documents (title and paragraph split at [SEP] as JSQuAD writes them; a context without
    one, as in JaQuAD, is all text, under its article's title) and their questions.

    `limit` keeps a random sample of that many questions (fixed seed), with every paragraph still indexed.
    `leave_out` seeds first take away the samples of `leave_out_size` questions that `limit` and those seeds would
    draw (the ones figures are reported on), so that what is left can be tuned on without reading them.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    documents: list[Document] = []
    by_context: dict[str, int] = {}
    questions: list[JsquadQuestion] = []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            if context not in by_context:
                # JSQuAD writes 「title [SEP] text」; JaQuAD gives the text alone, its title with the article
                title, sep, body = context.partition(" [SEP] ")
                if not sep:
                    title, body = article["title"], context
                by_context[context] = len(documents)
                documents.append(Document(doc_id=f"p{len(documents):05d}", title=title.strip() or article["title"],
                                          text=body.strip() or context))
            for qa in paragraph["qas"]:
                questions.append(JsquadQuestion(qa["id"], qa["question"], [a["text"] for a in qa["answers"]],
                                                by_context[context]))
    if leave_out:  # a sample as large as the file is all of it
        size = min(leave_out_size, len(questions))
        held = {q.id for s in leave_out for q in random.Random(s).sample(questions, size)}
        questions = [q for q in questions if q.id not in held]
    if limit and limit < len(questions):
        questions = random.Random(seed).sample(questions, limit)
    return documents, questions


def build_paragraph_index(documents: list[Document], settings: Settings, embedder: Embedder,
                          index_dir: Path) -> Retriever:
    """An index of the paragraphs in `index_dir`; one built there before is reused (only changes are embedded)."""
    index, _ = update_index(settings, embedder, documents=documents, index_dir=index_dir, progress=True)
    return Retriever(index, embedder, settings.dense_weight, settings.candidates, settings.lexical_max_df)


def evaluate_retrieval(retriever: Retriever, documents: list[Document], questions: list[JsquadQuestion],
                       modes: tuple[str, ...] = MODES) -> dict:
    """Rank paragraphs (a paragraph ranks where its first passage does) for every question, in every mode."""
    doc_number = {d.doc_id: i for i, d in enumerate(documents)}
    rows, per_question = {}, {q.id: {"question": q.question, "paragraph": q.paragraph} for q in questions}
    for mode in modes:
        ranks, seconds = [], []
        answer_in_top = {k: 0 for k in CUTOFFS}
        for q in tqdm(questions, desc=f"jsquad {mode}", unit="q"):
            started = time.perf_counter()
            result = retriever.search(q.question, k=40, mode=mode)
            seconds.append(time.perf_counter() - started)
            paragraphs, texts = [], []
            for hit in result.hits:
                number = doc_number[hit.passage.doc_id]
                if number not in paragraphs:
                    paragraphs.append(number)
                    texts.append(squash(documents[number].text))
            rank = paragraphs.index(q.paragraph) + 1 if q.paragraph in paragraphs[:10] else None
            ranks.append(rank)
            per_question[q.id][f"rank_{mode}"] = rank
            answers = [squash(a) for a in q.answers]
            first = next((i + 1 for i, text in enumerate(texts[:10]) if any(a in text for a in answers)), None)
            for k in CUTOFFS:
                answer_in_top[k] += first is not None and first <= k
        row = ranking_metrics(ranks)
        row.update({f"answer@{k}": answer_in_top[k] / max(len(questions), 1) for k in CUTOFFS})
        rows[mode] = {**row, **latency_summary(seconds)}
    return {"rows": rows, "questions": per_question}
