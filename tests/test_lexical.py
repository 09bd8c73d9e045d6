"""BM25 over character n-grams: ranking, persistence, tokenizers, and agreement with a plain implementation."""

import math
from collections import Counter

import numpy as np
import pytest

from rag.lexical import BM25, char_bigrams, char_unigrams_bigrams, top_k

TEXTS = ["東京タワーは1958年に完成した。", "清水寺の舞台は139本の柱で支えられている。", "金閣寺は足利義満の山荘だった。",
         "東京の清水さんは金閣寺と清水寺を訪れた。", ""]


def plain_bm25(texts, query, k1, b):
    """Okapi BM25 written out term by term, independently of bm25s: the reference the index must match."""
    docs = [Counter(char_unigrams_bigrams(t)) for t in texts]
    lengths = [sum(d.values()) for d in docs]
    avg = sum(lengths) / len(lengths)
    out = []
    for doc, length in zip(docs, lengths):
        score = 0.0
        for term in set(char_unigrams_bigrams(query)):
            df = sum(term in d for d in docs)
            if df and doc[term]:
                idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
                score += idf * doc[term] * (k1 + 1) / (doc[term] + k1 * (1 - b + b * length / avg))
        out.append(score)
    return out


@pytest.mark.parametrize("query", ["清水寺の柱は何本", "東京の金閣寺", "zzz", "東京東京タワー"])
def test_scores_match_a_plain_implementation(query):
    bm25 = BM25(k1=0.8, b=0.75).index(TEXTS)
    expected = plain_bm25(TEXTS, query, 0.8, 0.75)
    assert bm25.scores(query) == pytest.approx(expected, abs=1e-5)
    assert bm25.scores_of(query, np.array([3, 1, 4])) == pytest.approx(
        [expected[3], expected[1], expected[4]], abs=1e-5)


def test_ngrams_ignore_punctuation_and_width():
    assert char_bigrams("東京、タワー") == ["東京", "タワ", "ワー"]
    assert "1" in char_unigrams_bigrams("１９")


def test_ranking_and_round_trip(tmp_path):
    bm25 = BM25().index(TEXTS)
    hits = bm25.retrieve("清水寺の柱は何本", k=2)
    assert [h.index for h in hits] == [1, 3] and hits[0].score > hits[1].score > 0
    bm25.save(tmp_path / "bm25")
    for mmap in (False, True):
        loaded = BM25.load(tmp_path / "bm25", mmap=mmap)
        assert loaded.retrieve("清水寺の柱は何本", k=2) == hits
        assert loaded.scores_of("清水寺の柱", np.array([1, 3])).tolist() == bm25.scores_of("清水寺の柱", np.array([1, 3])).tolist()
        assert (loaded.k1, loaded.b, loaded.n_docs) == (1.2, 0.75, 5)


def test_unknown_terms_and_empty_queries_score_zero():
    bm25 = BM25().index(TEXTS)
    assert not bm25.scores("").any() and not bm25.scores_of("", np.arange(5)).any()
    assert bm25.retrieve("zzz", k=3) == []
    assert BM25().index([]).scores("東京").tolist() == []


def test_top_k_breaks_ties_by_row():
    assert top_k(np.array([1.0, 3.0, 3.0, 0.5], dtype=np.float32), 3).tolist() == [1, 2, 0]
    assert top_k(np.array([2.0, 1.0]), 5).tolist() == [0, 1]


def test_unknown_tokenizer_is_rejected():
    with pytest.raises(ValueError, match="unknown tokenizer"):
        BM25("words")


def test_postings_equal_those_bm25s_builds_itself(monkeypatch):
    """The score matrix assembled from word ids (in worker processes too) is bm25s's own, bit for bit."""
    import bm25s

    from rag import lexical

    texts = [f"{a}{b}" for a in TEXTS for b in TEXTS] * 3
    ours = BM25(k1=0.8, b=0.75).index(texts)
    vocab = ours._model.vocab_dict
    ids = [np.array([vocab[w] for w in char_unigrams_bigrams(t)], dtype=np.int32) for t in texts]
    theirs = bm25s.BM25(k1=0.8, b=0.75, method="lucene")
    theirs.index((ids, dict(vocab)), create_empty_token=False, show_progress=False)
    for key in ("data", "indices", "indptr"):
        assert ours._model.scores[key].dtype == theirs.scores[key].dtype
        assert np.array_equal(ours._model.scores[key], theirs.scores[key])
    monkeypatch.setattr(lexical, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(lexical, "CHUNK_TEXTS", 7)
    parallel = BM25(k1=0.8, b=0.75).index(texts, workers=2)
    assert parallel._model.vocab_dict == vocab
    assert np.array_equal(parallel._forward, ours._forward)
    assert all(np.array_equal(parallel._model.scores[k], ours._model.scores[k]) for k in ("data", "indices", "indptr"))


def test_top_from_rarer_words_only():
    texts = TEXTS * 4 + ["清水寺", "の" * 3]
    bm25 = BM25().index(texts)
    query = "清水寺の柱"
    scores = bm25.scores(query)
    every_word = bm25.top(query, 5)
    assert every_word.tolist() == [r for r in top_k(scores, 5).tolist() if scores[r] > 0]
    rare = bm25.top(query, 50, max_df_share=0.3)  # の (in most texts) is left out of the search, not of the scores
    assert len(rare) and all("柱" in texts[r] or "清水" in texts[r] for r in rare.tolist())
    assert (len(texts) - 1) not in rare.tolist()
    assert bm25.top("zzz", 5).tolist() == [] and BM25().index([]).top("東京", 5).tolist() == []
