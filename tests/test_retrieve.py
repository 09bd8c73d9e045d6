"""Hybrid search over a small real index with the real embedder."""

import numpy as np
import pytest

from rag.index import build_index
from rag.retrieve import Retriever, max_by_group, standardize


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


def full_scan(index, embedder, query, k, weight=0.7):
    """Today's search before candidates: every passage and sentence scored, sentences found by a scan."""
    sentences, n = index.sentences, len(index.passages)
    q = embedder.embed_query(query)
    lexical = index.passage_lexical.scores(query)
    z = standardize(index.sentence_vectors.scores_of(q))
    dense = index.passage_vectors.scores_of(q)
    fused = weight * (standardize(dense) + max_by_group(z, sentences.passage_of, n)[0]) / 2
    sentence_fused = weight * z
    z = standardize(index.sentence_lexical.scores(query))
    fused += (1 - weight) * (standardize(lexical) + max_by_group(z, sentences.passage_of, n)[0]) / 2
    sentence_fused += (1 - weight) * z
    _, best = max_by_group(sentence_fused, sentences.passage_of, n)
    out = []
    for i in np.argsort(-fused, kind="stable")[:k]:
        own = np.nonzero(sentences.passage_of == i)[0]
        out.append((index.passages[i].passage_id, float(fused[i]), float(dense[i]), float(lexical[i]),
                    (int(sentences.start[best[i]]), int(sentences.end[best[i]])),
                    [(int(sentences.start[r]), int(sentences.end[r]), float(sentence_fused[r])) for r in own]))
    return out


def as_rows(hits):
    return [(h.passage.passage_id, h.score, h.dense, h.lexical, h.best_sentence, list(h.sentences)) for h in hits]


QUERIES = ["東京タワーの高さは？", "清水寺の舞台を支える柱の数", "金閣寺を建てたのは誰", "宇宙", "1970年"]


@pytest.mark.parametrize("query", QUERIES)
def test_exact_path_equals_the_full_scan(retriever, index, embedder, query):
    assert index.passage_vectors.exact
    got, expected = as_rows(retriever.search(query, k=10).hits), full_scan(index, embedder, query, 10)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for g, e in zip(got, expected):
        assert g[1:4] == pytest.approx(e[1:4], abs=1e-5) and g[4] == e[4]
        assert [s[:2] for s in g[5]] == [s[:2] for s in e[5]]
        assert [s[2] for s in g[5]] == pytest.approx([s[2] for s in e[5]], abs=1e-5)


@pytest.fixture
def approximate_index(settings, embedder, index):
    """The same collection behind an approximate store (IVF with one list: it still returns every row)."""
    approximate = settings.replace(ann_min_passages=1, ann_factory="IVF1,Flat", ann_search_params="",
                                   index_dir=settings.index_dir + "-ann")
    return build_index(approximate, embedder, progress=False)[0]


@pytest.mark.parametrize("query", QUERIES)
def test_candidate_path_over_every_passage_equals_the_full_scan(approximate_index, embedder, query):
    assert not approximate_index.passage_vectors.exact
    got = as_rows(Retriever(approximate_index, embedder, candidates=1000).search(query, k=10).hits)
    expected = full_scan(approximate_index, embedder, query, 10)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for g, e in zip(got, expected):
        assert g[1:4] == pytest.approx(e[1:4], abs=1e-5) and g[4] == e[4]


def test_few_candidates_rank_only_the_nearest_and_best_matching(approximate_index, embedder):
    retriever = Retriever(approximate_index, embedder, candidates=2)
    q = embedder.embed_query("金閣寺を建てたのは誰")
    nearest = set(approximate_index.passage_vectors.search(q, 2)[1].tolist())
    lexical = approximate_index.passage_lexical.scores("金閣寺を建てたのは誰")
    best_words = set(np.argsort(-lexical, kind="stable")[:2].tolist())
    hits = retriever.search("金閣寺を建てたのは誰", k=10).hits
    rows = {p.passage_id: i for i, p in enumerate(approximate_index.passages)}
    assert {rows[h.passage.passage_id] for h in hits} == nearest | best_words
    assert "足利義満" in approximate_index.documents[hits[0].passage.doc_id].text[slice(*hits[0].best_sentence)]
    for h in hits:  # raw scores are the exact ones, whatever the candidate source
        assert h.dense == pytest.approx(float(approximate_index.passage_vectors.scores_of(q, [rows[h.passage.passage_id]])[0]), abs=1e-6)


def test_large_collections_switch_to_the_large_factory(settings, embedder, index):
    large = settings.replace(ann_min_passages=1, ann_factory="PQ8x4fs", ann_large_min_passages=2,
                             ann_large_factory="IVF2,Flat", ann_large_search_params="nprobe=2",
                             index_dir=settings.index_dir + "-large")
    built = build_index(large, embedder, progress=False)[0]
    store = built.passage_vectors
    assert store.factory == "IVF2,Flat" and not store.exact
    import faiss

    assert faiss.extract_index_ivf(store._index).nprobe == 2  # the large tier's parameters, not ann_search_params
    q = embedder.embed_query("金閣寺を建てたのは誰")
    assert store.search(q, 3)[1].tolist() == np.argsort(-store.scores_of(q), kind="stable")[:3].tolist()
    small = settings.replace(ann_min_passages=1, ann_factory="IVF1,Flat", ann_large_min_passages=10**6)
    assert build_index(small.replace(index_dir=settings.index_dir + "-small"), embedder, progress=False)[0] \
        .passage_vectors.factory == "IVF1,Flat"
