"""Follow-up questions become standalone queries."""

import pytest

from rag.followup import needs_context, standalone_query, with_previous

HISTORY = [{"role": "user", "content": "ウィトコフ特使は誰と会談した？"}, {"role": "assistant", "content": "プーチン大統領です。"}]


def test_referring_question_takes_the_previous_question_along():
    assert needs_context("その会談は何分続いた？")
    assert standalone_query("その会談は何分続いた？", HISTORY) == "ウィトコフ特使は誰と会談した？ その会談は何分続いた？"


def test_standalone_question_is_left_alone():
    question = "ブダペスト覚書はどの会議で署名されましたか？"
    assert standalone_query(question, HISTORY) == question
    assert standalone_query("その会談は？", []) == "その会談は？"
    assert standalone_query("その会談は？", [{"role": "assistant", "content": "x"}]) == "その会談は？"


@pytest.mark.parametrize("question, goes_on", [
    ("じゃあ習近平主席との会談はいつだった？", True), ("でも実際には何項目あると言われている？", True),
    ("では、中国側の出席者は誰でしたか？", True), ("一方、ロシア側の代表は誰ですか？", True),
    ("ブダペスト覚書はどの会議で署名されましたか？", False), ("中国でも報じられた会談はいつですか？", False),
    ("一方的に停戦を宣言したのはどの国ですか？", False), ("あと何日で万博が開幕しますか？", False),  # words of their own
    ("ではないと否定したのは誰ですか？", False),
])
def test_a_question_opening_by_going_on_from_the_answer_before_needs_it(question, goes_on):
    assert needs_context(question) is goes_on


def test_the_question_before_is_the_last_users():
    history = [*HISTORY, {"role": "user", "content": "  "}, {"role": "assistant", "content": "はい。"}]
    assert with_previous("何分続いた？", history) == "ウィトコフ特使は誰と会談した？ 何分続いた？"
    assert with_previous("何分続いた？", []) == "何分続いた？"
    assert with_previous("何分続いた？", [{"role": "user", "content": None}]) == "何分続いた？"
