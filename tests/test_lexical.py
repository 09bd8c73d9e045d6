"""BM25 over character n-grams: ranking, persistence, tokenizers."""

import pytest

from rag.lexical import BM25, char_bigrams, char_unigrams_bigrams

TEXTS = ["東京タワーは1958年に完成した。", "清水寺の舞台は139本の柱で支えられている。", "金閣寺は足利義満の山荘だった。"]


def test_ngrams_ignore_punctuation_and_width():
    assert char_bigrams("東京、タワー") == ["東京", "タワ", "ワー"]
    assert "1" in char_unigrams_bigrams("１９")


def test_ranking_and_round_trip(tmp_path):
    bm25 = BM25().index(TEXTS)
    hits = bm25.retrieve("清水寺の柱は何本", k=2)
    assert hits[0].index == 1 and hits[0].score > 0
    bm25.save(tmp_path / "bm25.npz")
    loaded = BM25.load(tmp_path / "bm25.npz")
    assert loaded.retrieve("清水寺の柱は何本", k=2) == hits


def test_unknown_terms_and_empty_queries_score_zero():
    bm25 = BM25().index(TEXTS)
    assert not bm25.scores("").any()
    assert bm25.retrieve("zzz", k=3) == []


def test_unknown_tokenizer_is_rejected():
    with pytest.raises(ValueError, match="unknown tokenizer"):
        BM25("words")
