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


def evidence_in(evidence: str, text: str) -> bool:
    """Whether a gold evidence string stands in `text`. A table row written as the source wrote it (「| 大人 |
    1,320円 |」, 「渋谷店,東京都,48」) counts when its cells stand in `text` in order: a loader may show the row with
    its column names (「区分: 大人、料金: 1,320円。」)."""
    cells = [squash(c) for c in re.split(r"[|,]", evidence) if squash(c)]
    text = squash(text)
    if len(cells) <= 1:
        return squash(evidence) in text
    at = 0
    for cell in cells:
        at = text.find(cell, at)
        if at < 0:
            return False
        at += len(cell)
    return True


def ungrouped(text: str) -> str:
    """`squash`, with the 「,」 of digit groups removed (「1,320円」 reads 「1320円」), so that figures compare."""
    return re.sub(r"(?<=[0-9]),(?=[0-9]{3})", "", squash(text))


def stated_numbers(text: str) -> list[str]:
    """The numbers a text states, as digit strings without their 「,」 groups (「1,320円」 gives 「1320」)."""
    return re.findall(r"[0-9]+(?:\.[0-9]+)?", ungrouped(text))


def jglue_normalize(text: str) -> str:
    """JGLUE's answer normalisation: lower case, whitespace collapsed, a trailing 「。」 removed."""
    text = re.sub(r"\s+", " ", fold(text)).strip()
    return text.removesuffix("。")


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
