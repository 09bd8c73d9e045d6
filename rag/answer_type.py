"""The kind of words a question asks for (a number of days, a date...), to check that an answer holds them."""

from __future__ import annotations

import re
import unicodedata

_NUMBER = r"[0-9一二三四五六七八九十百千万億兆]+(?:[.,][0-9]+)*"
_KA = "[かカヵヶケ]"
# 何 + counter in a question: 「何日前」 wants 「6日前」, 「何カ国」 wants 「20か国」. Longer counters first.
_COUNTERS = ["年前", "年後", "年間", "年", "か月", "週間", "日前", "日後", "日間", "日", "時間", "分", "秒", "人", "歳",
             "回目", "回", "倍", "%", "パーセント", "か国", "項目", "か条", "隻", "機", "両", "台", "本", "個", "件", "社",
             "位", "票", "発", "冊", "枚", "頭"]
_COUNTER_QUESTION = re.compile("何(" + "|".join(c.replace("か", _KA) for c in _COUNTERS) + ")")
_WHEN = re.compile(r"いつ")
# Dates in digits only: 「一日」 in 「丸一日」 is not a date.
_DATE = re.compile(r"[0-9]+年(?:[0-9]+月(?:[0-9]+日)?)?|[0-9]+月(?:[0-9]+日)?|[0-9]+日|[0-9]+年代|[0-9]+世紀"
                   r"|[昨今来翌前同][年月]|先月|先週|今週|来週|昨日|今日|明日")


def expected_answer(question: str) -> re.Pattern | None:
    """A pattern every answer to `question` must match, or None when the question does not say (誰, 何, なぜ...)."""
    question = unicodedata.normalize("NFKC", question)
    if match := _COUNTER_QUESTION.search(question):
        counter = re.sub(_KA, _KA, re.escape(match[1]))
        return re.compile(_NUMBER + counter)
    if _WHEN.search(question):
        return _DATE
    return None


def holds_answer(text: str, pattern: re.Pattern | None) -> bool:
    """Whether `text` holds words of the kind the question asks for (always true when it asks for no kind)."""
    return pattern is None or pattern.search(unicodedata.normalize("NFKC", text)) is not None


def answer_span(text: str, pattern: re.Pattern | None) -> str:
    """The first words of the asked kind in `text` ("" when none or no kind)."""
    match = pattern.search(unicodedata.normalize("NFKC", text)) if pattern is not None else None
    return match[0] if match else ""
