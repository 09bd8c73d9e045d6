"""The scale benchmark's parts on a small collection: synthetic passages, and one size built and searched."""

from rag.config import Settings

from evals import scale


def test_synthetic_passages_recombine_real_sentences(corpus_dir):
    pool = scale.sentence_pool(corpus_dir, None)
    assert "東京タワーは1958年に完成した。" in pool and len(pool) == len(set(pool))
    docs = scale.synthetic_documents(pool, 5, per_passage=3)
    assert [d.doc_id for d in docs] == [f"s{i:07d}" for i in range(5)]
    assert all(sum(s in d.text for s in pool) >= 1 for d in docs)
    assert scale.synthetic_documents(pool, 5) == docs  # seeded


def test_one_size_through_the_approximate_path(corpus_dir, tmp_path):
    settings = Settings(corpus_dir=str(corpus_dir), ann_min_passages=100, candidates=20)
    rows = scale.run(settings, [300], tmp_path, n_queries=5, jsquad=None)
    row = rows["300"]
    assert row["passages"] == 300 and row["factory"] == "PQ192x4fs"
    assert row["recall@10"] == 1.0 and row["sentences"] >= 300
    assert not (tmp_path / "scale-300").exists()
