"""Retrieved passages reordered by the extractive reader's verdict (rag/rerank.py)."""

import logging

import pytest

from rag.chunk import Passage
from rag.config import Settings
from rag.load import Document
from rag.rerank import ReaderReranker, passage_text, reader_score
from rag.retrieve import Hit

MEETING = "中露首脳の会談は12月15日にオンラインで開かれた。両首脳は米国への対抗で一致した。"
LENGTH = "12月15日の会談は約90分に及んだ。両氏は互いを「親愛なる友」と呼んだ。"


def hit(doc_id: str, text: str, score: float, rank: int) -> Hit:
    return Hit(Passage(f"{doc_id}#0", doc_id, doc_id, 0, 0, len(text), text), score, 0.85, 1.0, rank, (0, len(text)))


DOCUMENTS = {"meeting": Document("meeting", "中露首脳会談", MEETING), "length": Document("length", "会談の詳細", LENGTH)}


class Margins:
    """A reader giving each text the margin listed for it, recording the texts it was given."""

    def __init__(self, *margins: float):
        self.margins, self.read = margins, []

    def __call__(self, question, texts):
        self.read.append(texts)
        return [type("Span", (), {"context": i, "margin": m})() for i, m in enumerate(self.margins)]


def test_the_score_is_retrievals_plus_the_weighted_margin():
    assert reader_score(2.0, 5.0, 0.2) == pytest.approx(3.0)
    assert reader_score(2.0, -5.0, 0.5) == pytest.approx(-0.5)
    assert reader_score(2.0, 5.0, 0.0) == 2.0


def test_passages_are_reordered_by_the_reader_and_carry_their_new_score():
    hits = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    reader = Margins(-10.0, 5.0)
    ranked = ReaderReranker(lambda: reader, weight=0.2)("会談はどのくらい続いた？", hits, DOCUMENTS)
    assert [h.passage.doc_id for h in ranked] == ["length", "meeting"]
    assert [h.score for h in ranked] == [pytest.approx(3.5), pytest.approx(1.0)]
    assert [h.rank for h in ranked] == [1, 0]  # retrieval's rank is kept for the record


def test_a_weight_of_zero_keeps_retrievals_order():
    hits = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    assert ReaderReranker(lambda: Margins(-10.0, 5.0), weight=0.0)("会談は？", hits, DOCUMENTS) == hits


def test_each_passage_is_read_under_its_articles_title_one_sentence_a_line():
    assert passage_text(hit("length", LENGTH, 1.0, 0), DOCUMENTS) == \
        "【会談の詳細】\n12月15日の会談は約90分に及んだ。\n両氏は互いを「親愛なる友」と呼んだ。\n"
    reader = Margins(0.0, 0.0)
    ReaderReranker(lambda: reader)("会談は？", [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)],
                                   DOCUMENTS)
    assert reader.read == [[passage_text(hit("meeting", MEETING, 3.0, 0), DOCUMENTS),
                            passage_text(hit("length", LENGTH, 2.5, 1), DOCUMENTS)]]


def test_one_passage_or_no_question_is_not_read():
    reader = Margins(5.0)
    one = [hit("meeting", MEETING, 3.0, 0)]
    assert ReaderReranker(lambda: reader)("会談は？", one, DOCUMENTS) == one
    two = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    assert ReaderReranker(lambda: reader)("", two, DOCUMENTS) == two
    assert reader.read == []


def test_a_reader_that_cannot_load_leaves_retrievals_order_and_is_not_tried_again(caplog):
    tries = []

    def broken():
        tries.append(1)
        raise OSError("reader-jaquad-r96.safetensors is damaged")

    reranker = ReaderReranker(broken)
    hits = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    with caplog.at_level(logging.WARNING):
        assert reranker("会談は？", hits, DOCUMENTS) == hits
        assert reranker("会談は？", hits, DOCUMENTS) == hits
    assert len(tries) == 1 and "not reranked" in caplog.text and "damaged" in caplog.text


def test_the_real_reader_puts_the_passage_that_answers_first():
    """Retrieval ranks the passage about the meeting first; the reader finds the length only in the other."""
    from rag.rerank import shared_reader

    hits = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    ranked = ReaderReranker(lambda: shared_reader(1))("12月15日の中露首脳会談はどのくらいの時間続きましたか？",
                                                       hits, DOCUMENTS)
    assert [h.passage.doc_id for h in ranked] == ["length", "meeting"]


def test_the_settings_defaults():
    settings = Settings()
    assert (settings.rerank_candidates, settings.rerank_weight) == (0, 0.2)  # off: see README


def test_a_passage_the_reader_gives_no_span_is_read_as_its_least_likely():
    class OnlySecond(Margins):
        def __call__(self, question, texts):
            return [span for span in super().__call__(question, texts) if span.context == 1]

    hits = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    ranked = ReaderReranker(lambda: OnlySecond(0.0, -10.0))("会談は？", hits, DOCUMENTS)
    assert [(h.passage.doc_id, h.score) for h in ranked] == [("meeting", pytest.approx(1.0)),
                                                             ("length", pytest.approx(0.5))]


def test_a_reader_failing_on_one_question_leaves_its_order_and_reads_the_next(caplog):
    class Flaky(Margins):
        def __call__(self, question, texts):
            if question == "壊れる？":
                raise RuntimeError("out of memory")
            return super().__call__(question, texts)

    reranker = ReaderReranker(lambda: Flaky(-10.0, 5.0))
    hits = [hit("meeting", MEETING, 3.0, 0), hit("length", LENGTH, 2.5, 1)]
    with caplog.at_level(logging.WARNING):
        assert reranker("壊れる？", hits, DOCUMENTS) == hits
    assert "out of memory" in caplog.text and not reranker.failed
    assert [h.passage.doc_id for h in reranker("会談は？", hits, DOCUMENTS)] == ["length", "meeting"]
