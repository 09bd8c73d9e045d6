"""Ranking and answer metrics shared by the harnesses."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from rag.japanese import fold, unspaced

CUTOFFS = (1, 3, 5, 10)
# The form in which the harnesses look for gold answers and evidence in texts.
squash = unspaced


def jglue_normalize(text: str) -> str:
    """JGLUE's answer normalisation: lower case, whitespace collapsed, a trailing 「。」 removed."""
    text = re.sub(r"\s+", " ", fold(text)).strip()
    return text[:-1] if text.endswith("。") else text


def char_f1(prediction: str, reference: str) -> float:
    """F1 over characters (multiset overlap), as JGLUE scores JSQuAD."""
    pred, ref = list(jglue_normalize(prediction).replace(" ", "")), list(jglue_normalize(reference).replace(" ", ""))
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, reference: str) -> float:
    return float(jglue_normalize(prediction) == jglue_normalize(reference))


def ranking_metrics(ranks: list[int | None], n_relevant: list[int] | None = None,
                    relevance: list[list[bool]] | None = None) -> dict[str, float]:
    """hit@k, MRR@10 and nDCG@10 from the rank of the first relevant item (None: not in the top 10).

    For nDCG with several relevant items, pass `relevance` (top-10 booleans per query) and `n_relevant`.
    """
    n = max(len(ranks), 1)
    out = {f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in CUTOFFS}
    out["mrr@10"] = sum(1 / r for r in ranks if r is not None and r <= 10) / n
    if relevance is None:
        out["ndcg@10"] = sum(1 / math.log2(r + 1) for r in ranks if r is not None and r <= 10) / n
    else:
        total = 0.0
        for rel, count in zip(relevance, n_relevant or [1] * len(relevance)):
            dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(rel[:10]) if hit)
            ideal = sum(1 / math.log2(i + 2) for i in range(min(count, 10)))
            total += dcg / ideal if ideal else 0.0
        out["ndcg@10"] = total / n
    return out


def latency_summary(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    arr = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(arr, 50)), 2), "p95_ms": round(float(np.percentile(arr, 95)), 2)}
