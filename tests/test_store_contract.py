"""One contract for every vector store: FAISS (embedded) and Qdrant (local mode; a real server when QDRANT_URL is set).

Every case runs on each backend; the last ones build the same index on each and require identical rankings.
"""

import os

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import IndexUnavailable, StoreUnavailable
from rag.index import Index, update_index
from rag.retrieve import Retriever
from rag.store import new_store, open_store

BACKENDS = [
    pytest.param("faiss", id="faiss"),
    pytest.param("qdrant-local", id="qdrant-local"),
    pytest.param("qdrant-server", id="qdrant-server", marks=[
        pytest.mark.integration,
        pytest.mark.skipif(not os.environ.get("QDRANT_URL"), reason="set QDRANT_URL to test a Qdrant server")]),
]


@pytest.fixture(params=BACKENDS)
def backend_settings(request, tmp_path):
    if request.param == "faiss":
        return Settings(store="faiss", index_dir=str(tmp_path / "index"))
    if request.param == "qdrant-local":
        return Settings(store="qdrant", qdrant_path=str(tmp_path / "qdrant"), index_dir=str(tmp_path / "index"))
    return Settings(store="qdrant", qdrant_url=os.environ["QDRANT_URL"], index_dir=str(tmp_path / "index"),
                    qdrant_collection=f"ragtest{os.getpid()}")


def unit_vectors(n, dim=16, seed=0):
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def saved_store(settings, tmp_path, vectors, name="gen-test-passages", searchable=True):
    store = new_store(settings, vectors.shape[1], name, searchable, embedder="test/16")
    store.add(vectors[:5])
    store.add(vectors[5:])
    store.save(tmp_path / name)
    return open_store(tmp_path / name, settings)


def test_rows_come_back_as_stored(backend_settings, tmp_path):
    vectors = unit_vectors(40)
    store = saved_store(backend_settings, tmp_path, vectors)
    assert store.size == 40 and store.exact
    assert np.allclose(store.vectors(np.array([7, 0, 39])), vectors[[7, 0, 39]], atol=1e-6)


def test_exact_search_and_scores_match_brute_force(backend_settings, tmp_path):
    vectors = unit_vectors(40)
    store = saved_store(backend_settings, tmp_path, vectors)
    query = unit_vectors(1, seed=1)[0]
    truth = vectors @ query
    scores, rows = store.search(query, 5)
    assert rows.tolist() == np.argsort(-truth, kind="stable")[:5].tolist()
    assert np.allclose(scores, truth[rows], atol=1e-5)
    assert np.allclose(store.scores_of(query), truth, atol=1e-5)
    assert np.allclose(store.scores_of(query, np.array([3, 1, 30])), truth[[3, 1, 30]], atol=1e-5)
    assert len(store.search(query, 100)[1]) == 40


def test_scores_agree_with_qdrant_edge(backend_settings, tmp_path):
    """A second, independent engine (Qdrant Edge, in-process) must find the same rows with the same scores."""
    edge = pytest.importorskip("qdrant_edge")
    vectors = unit_vectors(60, seed=3)
    store = saved_store(backend_settings, tmp_path, vectors)
    shard = edge.EdgeShard.create(str(tmp_path / "edge"), edge.EdgeConfig(
        vectors=edge.EdgeVectorParams(size=16, distance=edge.Distance.Dot)))
    shard.update(edge.UpdateOperation.upsert_points([edge.Point(i, v.tolist()) for i, v in enumerate(vectors)]))
    for seed in (4, 5, 6):
        query = unit_vectors(1, seed=seed)[0]
        found = shard.query(edge.QueryRequest(limit=8, query=edge.Query.Nearest(query.tolist())))
        scores, rows = store.search(query, 8)
        assert rows.tolist() == [p.id for p in found]
        assert scores == pytest.approx([p.score for p in found], abs=1e-5)
    shard.close()


def test_wrong_dimension_and_row_only_stores_are_refused(backend_settings, tmp_path):
    store = new_store(backend_settings, 16, "gen-x-passages", embedder="test/16")
    with pytest.raises(ValueError, match="dimension 16"):
        store.add(unit_vectors(3, dim=8))
    rows_only = saved_store(backend_settings, tmp_path, unit_vectors(10), "gen-test-sentences", searchable=False)
    with pytest.raises(ValueError, match="by row"):
        rows_only.search(unit_vectors(1)[0], 3)
    assert rows_only.scores_of(unit_vectors(1)[0], np.array([2])).shape == (1,)


def _corpus(folder):
    folder.mkdir()
    for i in range(12):
        (folder / f"d{i:02d}.txt").write_text(f"記事{i}\n\n第{i}の町では{i * 3}人が祭りに来た。川の水は冷たい。"
                                              f"{'寺の鐘が鳴った。' if i % 3 == 0 else '駅が新しくなった。'}\n",
                                              encoding="utf-8")


def test_every_backend_ranks_the_same(backend_settings, tmp_path, hash_embedder):
    _corpus(tmp_path / "corpus")
    reference = Settings(store="faiss", corpus_dir=str(tmp_path / "corpus"), index_dir=str(tmp_path / "ref"),
                         chunk_tokens=64, chunk_overlap_tokens=0)
    settings = backend_settings.replace(corpus_dir=str(tmp_path / "corpus"), chunk_tokens=64, chunk_overlap_tokens=0)
    expected_index = update_index(reference, hash_embedder, progress=False)[0]
    index = update_index(settings, hash_embedder, progress=False)[0]
    for mode in ("hybrid", "dense", "lexical"):
        for query in ("寺の鐘", "第7の町の祭り", "新しい駅"):
            got = Retriever(index, hash_embedder).search(query, k=5, mode=mode).hits
            want = Retriever(expected_index, hash_embedder).search(query, k=5, mode=mode).hits
            assert [h.passage.passage_id for h in got] == [h.passage.passage_id for h in want], (mode, query)
            assert [h.score for h in got] == pytest.approx([h.score for h in want], abs=1e-4)


def test_update_reuses_stored_vectors_and_keeps_one_previous_generation(backend_settings, tmp_path, hash_embedder):
    _corpus(tmp_path / "corpus")
    settings = backend_settings.replace(corpus_dir=str(tmp_path / "corpus"), chunk_tokens=64, chunk_overlap_tokens=0)
    first = update_index(settings, hash_embedder, progress=False)[0]
    for i in (1, 2):
        (tmp_path / "corpus" / "d05.txt").write_text(f"記事5\n\n改訂{i}。", encoding="utf-8")
        index, report = update_index(settings, hash_embedder, progress=False)
        assert report.replaced == ["d05"] and report.embedded_passages == 1
    row = next(r for r, p in enumerate(index.passages) if p.doc_id == "d00")
    old_row = next(r for r, p in enumerate(first.passages) if p.doc_id == "d00")
    assert np.allclose(index.passage_vectors.vectors([row]), hash_embedder.embed_passages(
        [f"{first.passages[old_row].title}\n{first.passages[old_row].text}"]), atol=1e-6)
    if settings.store == "qdrant":
        from rag.store_qdrant import connect

        names = {c.name for c in connect(settings).get_collections().collections
                 if c.name.startswith(settings.qdrant_collection + "-gen-")}
        assert len(names) == 4  # passages and sentences of this generation and of the previous one
        assert index.passage_vectors.collection in names
        assert Index.load(settings.index_dir, settings).manifest == index.manifest


def test_qdrant_collection_of_another_embedder_is_refused(tmp_path, hash_embedder):
    _corpus(tmp_path / "corpus")
    settings = Settings(store="qdrant", qdrant_path=str(tmp_path / "qdrant"), corpus_dir=str(tmp_path / "corpus"),
                        index_dir=str(tmp_path / "index"), chunk_tokens=64)
    index = update_index(settings, hash_embedder, progress=False)[0]
    from qdrant_client import models

    from rag.store_qdrant import connect

    client, name = connect(settings), index.passage_vectors.collection
    client.delete_collection(name)
    client.create_collection(name, vectors_config=models.VectorParams(size=8, distance=models.Distance.DOT),
                             metadata={"embedder": "other/8"})
    with pytest.raises(IndexUnavailable, match=r"holds other/8 vectors of dimension 8.*python -m rag index"):
        Index.load(settings.index_dir, settings)


def test_unreachable_qdrant_is_reported_at_start(tmp_path):
    settings = Settings(store="qdrant", qdrant_url="http://127.0.0.1:9", qdrant_timeout_s=2,
                        index_dir=str(tmp_path / "index"))
    with pytest.raises(StoreUnavailable, match=r"cannot reach Qdrant at http://127.0.0.1:9"):
        new_store(settings, 16, "gen-x-passages")
    with pytest.raises(StoreUnavailable, match="qdrant_url"):
        new_store(Settings(store="qdrant"), 16, "gen-x-passages")
