"""The scale benchmark's parts on a small collection: synthetic passages, and one size built and searched."""

import numpy as np

from evals import scale
from rag.config import Settings


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


def test_real_vectors_are_the_pool_sentences_and_their_means(corpus_dir, tmp_path, hash_embedder):
    pool = scale.sentence_pool(corpus_dir, None)
    vectors = scale.cached_vectors(pool, hash_embedder, tmp_path)
    assert hash_embedder.passages_embedded == len(pool)
    assert np.array_equal(scale.cached_vectors(pool, hash_embedder, tmp_path), vectors)  # from the cache
    assert hash_embedder.passages_embedded == len(pool)
    choices = scale.synthetic_choices(len(pool), 4)
    docs = scale.synthetic_documents(pool, 4)
    embedder = scale.PoolEmbedder(pool, vectors, choices, hash_embedder.name)
    got = embedder.embed_passages([f"{d.title}\n{d.text}" for d in docs] + [f"{docs[0].title}\n{pool[choices[0][1]]}"])
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    mean = vectors[choices[0]].mean(axis=0)
    assert float(got[0] @ (mean / np.linalg.norm(mean))) > 0.99  # the mean, moved a little by the noise
    assert np.array_equal(got[4], vectors[choices[0][1]])
    assert np.array_equal(embedder.embed_passages([f"{docs[2].title}\n{docs[2].text}"])[0], got[2])  # seeded


def test_one_size_with_real_vectors(corpus_dir, tmp_path, hash_embedder):
    settings = Settings(corpus_dir=str(corpus_dir), ann_min_passages=100, ann_factory="PQ16x4fs", candidates=20)
    rows = scale.run(settings, [300], tmp_path, n_queries=5, jsquad=None, vectors="real", embedder=hash_embedder)
    assert rows["300"]["vectors"] == "real" and rows["300"]["recall@10"] == 1.0


def test_dense_sweep_times_vector_indexes_alone(corpus_dir, tmp_path):
    settings = Settings(corpus_dir=str(corpus_dir), candidates=20)
    rows = scale.dense_sweep(settings, 300, 5, None, "random", None, tmp_path, ["Flat", "IVF4,Flat:nprobe=4"])
    assert rows["Flat"]["recall@10"] == 1.0 and rows["IVF4,Flat:nprobe=4"]["recall@10"] == 1.0
