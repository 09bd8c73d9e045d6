"""Hybrid search over a small real index with the real embedder."""

import pytest

from rag.retrieve import Retriever, max_by_group, standardize

import numpy as np


@pytest.fixture
def retriever(index, embedder):
    return Retriever(index, embedder)


@pytest.mark.parametrize("query, doc", [
    ("東京タワーの高さは？", "tokyo"),
    ("清水寺の舞台を支える柱の数", "kyoto"),
    ("小惑星から試料を持ち帰った探査機", "space"),
])
def test_right_article_ranks_first(retriever, query, doc):
    for mode in ("hybrid", "dense", "lexical"):
        assert retriever.search(query, k=3, mode=mode).hits[0].passage.doc_id == doc, mode


def test_best_sentence_lies_in_the_passage(retriever, index):
    hit = retriever.search("金閣寺を建てたのは誰", k=1).hits[0]
    s, e = hit.best_sentence
    assert hit.passage.start <= s < e <= hit.passage.end
    assert "足利義満" in index.documents[hit.passage.doc_id].text[s:e]


def test_empty_and_huge_queries(retriever):
    assert retriever.search("   ", k=5).hits == []
    huge = retriever.search("東京タワー" * 2000, k=3)
    assert len(huge.hits) == 3 and len(huge.query) <= 2000


def test_unknown_mode_is_rejected(retriever):
    with pytest.raises(ValueError):
        retriever.search("東京", mode="magic")


def test_group_max_finds_the_first_best_row():
    best, arg = max_by_group(np.array([1.0, 3.0, 3.0, 2.0], dtype=np.float32), np.array([0, 0, 1, 1]), 3)
    assert best.tolist() == [3.0, 3.0, 0.0] and arg[:2].tolist() == [1, 2]
    assert standardize(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
