"""Reading corpus files: formats, encodings, broken files, and the committed corpus/ folder."""

from pathlib import Path

import pytest

from rag.errors import CorpusError
from rag.load import decode_bytes, load_corpus, load_document, to_markdown

from .conftest import REPO


def test_html_scripts_and_navigation_are_dropped(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><head><title>題名</title><script>alert(1)</script></head><body><nav>メニュー</nav>"
                    "<p>本文の文です。&lt;img src=x onerror=alert(1)&gt;</p></body></html>", encoding="utf-8")
    doc = load_document(page)
    assert doc.title == "題名"
    assert "alert(1)</script>" not in doc.text and "メニュー" not in doc.text
    assert "<img src=x onerror=alert(1)>" in doc.text  # kept as text, shown escaped by the UI


def test_legacy_japanese_encodings_are_read():
    text = "日本語の文章です。"
    assert decode_bytes(text.encode("cp932")) == text
    assert decode_bytes(text.encode("euc_jp")) == text
    assert decode_bytes(text.encode("iso2022_jp")) == text  # 7-bit: valid UTF-8 too
    damaged = ("日本語の文章です。" * 20).encode() + b"\xff\xfe" + "日本".encode()
    assert decode_bytes(damaged) == "日本語の文章です。" * 20 + "日本"  # stray bytes dropped, no error


def test_unusable_files_are_reported_not_fatal(corpus_dir: Path):
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus_dir / "junk.md").write_text("スポンサーリンク\nコメント\n", encoding="utf-8")
    docs, problems = load_corpus(corpus_dir)
    assert {d.doc_id for d in docs} == {"tokyo", "kyoto", "space"}
    assert {Path(p.path).name for p in problems} == {"empty.txt", "binary.txt", "junk.md"}
    assert all(p.reason for p in problems)


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "c").mkdir()
    with pytest.raises(CorpusError, match="no usable article"):
        load_corpus(tmp_path / "c")


def test_front_matter_round_trips(corpus_dir: Path, tmp_path):
    doc = load_document(corpus_dir / "tokyo.md")
    assert (doc.title, doc.publisher, doc.date) == ("東京タワーの歴史", "テスト新聞", "2024-01-02")
    copy = tmp_path / "tokyo.md"
    copy.write_text(to_markdown(doc), encoding="utf-8")
    again = load_document(copy)
    assert (again.title, again.text, again.publisher) == (doc.title, doc.text, doc.publisher)


def test_committed_corpus_has_the_five_articles_with_metadata():
    docs, problems = load_corpus(REPO / "corpus")
    assert len(docs) == 5 and not problems
    assert all(d.title and d.source_file.endswith(".txt") for d in docs)
    assert any(d.date == "2025-12-07" and d.publisher == "BS朝日" for d in docs)
