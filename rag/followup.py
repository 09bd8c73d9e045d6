"""Follow-up questions: turning 「その会談は何分続いた？」 into a query that stands on its own."""

from __future__ import annotations

import re

# Words that point back to something said earlier in the conversation.
_ANAPHORA = re.compile(r"(その|この|あの|それ|これ|あれ|そこ|ここ|彼|彼女|同氏|同国|同社|両者|両国|両首脳|前者|後者|上記|先ほど|さっき)")
# Words that open a question by going on from the answer before it (「じゃあ習近平主席との会談は？」, 「でも実際には
# 何項目？」): what they go on from is the conversation's topic.
# 「では」, 「一方」, 「あと」 and 「なら」 only before a comma: they start words too (「ではない」, 「一方的」, 「あと何日」).
_GOING_ON = re.compile(r"^(?:(?:じゃあ|じゃ|でも|だけど|だったら|ほかに|他に|逆に)|(?:では|一方|あと|なら)[、,\s])")
_SHORT = 14


def needs_context(question: str) -> bool:
    """A question that refers back, goes on from the answer before it, or is too short to be understood alone."""
    question = question.strip()
    return bool(_ANAPHORA.search(question) or _GOING_ON.match(question)) or len(question) < _SHORT


def with_previous(question: str, history: list[dict] | None) -> str:
    """The question preceded by the last user question of `history` (the question alone where there is none):
    retrieval over both texts finds the passage the conversation is about."""
    question = question.strip()
    previous = [words for turn in history or [] if isinstance(turn, dict) and turn.get("role") == "user"
                and (words := str(turn.get("content") or "").strip())]
    return f"{previous[-1]} {question}" if previous else question


def standalone_query(question: str, history: list[dict] | None) -> str:
    """The question, preceded by the last user question when it refers back to it (`needs_context`).

    Retrieval over both texts finds the passage the conversation is about, so the evidence the generator sees
    is about it too. Rule-based: no model call, no added latency.
    """
    question = question.strip()
    return with_previous(question, history) if needs_context(question) else question
