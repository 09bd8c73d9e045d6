"""Sentence splitting and token-bounded passages with offsets into the cleaned text."""

from rag.chunk import Chunker, split_sentences
from rag.load import Document


def count_chars(text: str) -> int:
    return len(text)


def test_sentences_end_at_japanese_punctuation_and_closing_brackets():
    text = "彼は「行く。」と言った。本当か？はい！\n\n見出し\n最後の文"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["彼は「行く。」と言った。", "本当か？", "はい！", "見出し", "最後の文"]


def test_passages_respect_the_token_limit_and_offsets():
    text = "".join(f"これは{i}番目の文です。" for i in range(40))
    doc = Document("d", "題", text)
    passages = Chunker(count_chars, max_tokens=40, overlap_tokens=12).chunk(doc)
    assert len(passages) > 5
    for p in passages:
        assert len(p.text) <= 40
        assert doc.text[p.start:p.end] == p.text
        assert p.text.endswith("。")  # no sentence is cut
    assert passages[1].start < passages[0].end  # overlap carries the last sentence over


def test_a_sentence_longer_than_the_limit_is_split():
    text = "、".join(["長い節"] * 50) + "。"
    passages = Chunker(count_chars, max_tokens=30, overlap_tokens=0).chunk(Document("d", "t", text))
    assert all(len(p.text) <= 30 for p in passages)
    assert "".join(p.text for p in passages) == text


def test_positions_and_ids_are_stable():
    doc = Document("doc1", "題", "一つ目。二つ目。三つ目。")
    passages = Chunker(count_chars, max_tokens=16, overlap_tokens=0).chunk(doc)
    assert [p.passage_id for p in passages] == [f"doc1#{i}" for i in range(len(passages))]
