"""Retrieval quality of the index on a question file: hit@k, MRR@10, nDCG@10 and latency per search mode."""

from __future__ import annotations

import time

from rag.followup import standalone_query
from rag.retrieve import MODES, Retriever

from .metrics import latency_summary, ranking_metrics, squash
from .questions import Question

COLUMNS = ["hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "p50_ms", "p95_ms"]


def evaluate_retrieval(retriever: Retriever, questions: list[Question], modes: tuple[str, ...] = MODES) -> dict:
    """Score every answerable question; a passage is relevant when it contains an evidence string."""
    passages = retriever.index.passages
    squashed = [squash(p.text) for p in passages]
    position = {p.passage_id: i for i, p in enumerate(passages)}
    scored = [q for q in questions if q.answerable and q.evidence]
    relevant_sets = [{i for i, text in enumerate(squashed) if any(squash(e) in text for e in q.evidence)}
                     for q in scored]
    rows, per_question = {}, {q.id: {"question": q.question, "n_relevant": len(r)} for q, r in zip(scored, relevant_sets)}
    for mode in modes:
        ranks, relevance, seconds = [], [], []
        for q, relevant in zip(scored, relevant_sets):
            query = standalone_query(q.question, q.history)
            started = time.perf_counter()
            result = retriever.search(query, k=10, mode=mode)
            seconds.append(time.perf_counter() - started)
            flags = [position[h.passage.passage_id] in relevant for h in result.hits]
            rank = next((i + 1 for i, hit in enumerate(flags) if hit), None)
            ranks.append(rank)
            relevance.append(flags)
            per_question[q.id][f"rank_{mode}"] = rank
        rows[mode] = {**ranking_metrics(ranks, [len(r) for r in relevant_sets], relevance), **latency_summary(seconds)}
    return {"rows": rows, "questions": per_question, "n_questions": len(scored),
            "unmatched_evidence": [q.id for q, r in zip(scored, relevant_sets) if not r]}
