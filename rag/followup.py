"""Follow-up questions: turning 「その会談は何分続いた？」 into a query that stands on its own."""

from __future__ import annotations

import re

# Words that point back to something said earlier in the conversation.
_ANAPHORA = re.compile(r"(その|この|あの|それ|これ|あれ|そこ|ここ|彼|彼女|同氏|同国|同社|両者|両国|両首脳|前者|後者|上記|先ほど|さっき)")
_SHORT = 14


def needs_context(question: str) -> bool:
    """A question that refers back, or is too short to be understood alone."""
    return bool(_ANAPHORA.search(question)) or len(question.strip()) < _SHORT


def standalone_query(question: str, history: list[dict] | None) -> str:
    """The question, preceded by the last user question when it refers back to it.

    Retrieval over both texts finds the passage the conversation is about, so the evidence the generator sees
    is about it too. Rule-based: no model call, no added latency.
    """
    question = question.strip()
    if not history or not needs_context(question):
        return question
    previous = [turn.get("content", "") for turn in history
                if isinstance(turn, dict) and turn.get("role") == "user" and str(turn.get("content", "")).strip()]
    if not previous:
        return question
    return f"{str(previous[-1]).strip()} {question}"
