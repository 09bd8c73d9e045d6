"""Quotes located in code; unsupported answers detected."""

from rag.chunk import Passage
from rag.cite import locate, support

PASSAGES = [
    Passage("a#0", "a", "t", 0, 0, 30, "東京タワーは1958年に完成した。高さは333メートルだ。"),
    Passage("b#0", "b", "t", 0, 0, 30, "清水寺の舞台は139本の柱で支えられている。"),
]


def test_exact_quote_is_found_ignoring_spaces_and_width():
    where = locate("高さは ３３３メートル", PASSAGES)
    assert where.passage == 0
    assert PASSAGES[0].text[where.start:where.end] == "高さは333メートル"


def test_slightly_misquoted_text_is_found_approximately():
    where = locate("清水寺の舞台は139本の柱で支えられていた", PASSAGES)
    assert where is not None and where.passage == 1


def test_invented_or_tiny_quotes_are_rejected():
    assert locate("日本の首相は安倍晋三です", PASSAGES) is None
    assert locate("高さ", PASSAGES) is None


def test_support_measures_overlap_with_sources():
    assert support("東京タワーの高さは333メートルです。", [PASSAGES[0].text]) > 0.6
    assert support("日本の首相は安倍晋三です。", [PASSAGES[0].text]) < 0.3
