"""Follow-up questions become standalone queries."""

from rag.followup import needs_context, standalone_query

HISTORY = [{"role": "user", "content": "ウィトコフ特使は誰と会談した？"}, {"role": "assistant", "content": "プーチン大統領です。"}]


def test_referring_question_takes_the_previous_question_along():
    assert needs_context("その会談は何分続いた？")
    assert standalone_query("その会談は何分続いた？", HISTORY) == "ウィトコフ特使は誰と会談した？ その会談は何分続いた？"


def test_standalone_question_is_left_alone():
    question = "ブダペスト覚書はどの会議で署名されましたか？"
    assert standalone_query(question, HISTORY) == question
    assert standalone_query("その会談は？", []) == "その会談は？"
    assert standalone_query("その会談は？", [{"role": "assistant", "content": "x"}]) == "その会談は？"
