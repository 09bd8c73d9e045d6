"""The kind of words a question asks for (a number of days, a date...), to check that an answer holds them."""

from __future__ import annotations

import re

from .japanese import (
    ASKED_COUNT,
    CURRENCIES,
    DATE,
    KATAKANA,
    NUMBER,
    PERSON_END,
    PREDICATE_END,
    RANGE,
    RANGE_END_AFTER,
    RANGE_END_BEFORE,
    RECURRING_DAY,
    TIME_LENGTH,
    TIME_OF_DAY,
    UNIT,
    WEEKDAY,
    fold_width,
    fold_width_with_offsets,
    lists_options,
    named_option,
    squash,
    unit_pattern,
    written_part,
)

_WHEN = re.compile(r"いつ")
# 「いつ」 is answered by a date, or by the days a service recurs on (「毎月第2・第4水曜日」)
_DATE_OR_RECURRING_DAY = re.compile(f"{DATE.pattern}|{RECURRING_DAY.pattern}")
_ASKED_WEEKDAY = re.compile(r"何曜")
# 「何月」 asks for a date too, before the count after it (「何月何日」: 「5月7日」; a number of months is 「何か月」).
_ASKED_MONTH = re.compile(r"何月")
# 「何時」 asks for a time of day (「午前6時40分」); not 「何時間」 (hours), 「何時代」 or 「何時期」 (an era, a period),
# 「何時限」 (a period of a school day) or 「何時点」 (a point in time)
_ASKED_TIME = re.compile(r"何時(?!間|代|限|点|期)")
# 「何時まで」, 「いつまで」 ask for the end of a range; 「いつからいつまで」 for the whole of it
_ASKING_WHEN = r"(?:いつ|何[時日月年]|何曜日?)(?:頃|ごろ)?"
_ASKS_END = re.compile(f"{_ASKING_WHEN}まで")
_ASKS_START = re.compile(f"{_ASKING_WHEN}から")
# 「どこ」 asks for a place, 「誰」 for a person or a body, 「名前」 and 「名称」 for a name: a date or a figure alone
# answers none of them, nor does a clause (「…を模索したことがある」).
# 「どこ」 and 「だれ」 as words, not inside others: not the どころ of 見どころ or 出どころ, the どことなく ("somehow"), the
# だれ of なだれ. 「どの都市」, 「どの国」 and the like ask where, as 「どこ」 does: none of the 1,570 such questions of JaQuAD
# train 0000-0027 and JSQuAD valid is answered by a date, a figure, a clause or a person.
_WHO = r"誰|(?<![ぁ-ゖ])だれ"
_WHERE = r"どこ(?!とな|ろ)|どの(?:都市|街|場所|地域|地方|空港|駅|港|島|(?:国|町|市|村|県|州)(?![長王知議民]))"
_WHO_OR_WHERE = f"{_WHO}|{_WHERE}"
_ASKS_FOR_A_NAME = re.compile(rf"{_WHO_OR_WHERE}|名前|名称")
_ASKS_WHERE = re.compile(_WHERE)
_ASKS_WHO = re.compile(_WHO)
_DATE_OR_FIGURE = re.compile(rf"(?:{DATE.pattern}|{NUMBER}(?:{UNIT})?)(?:です|でした)?[。.]?")
# 「何日」 asks for a day of a month where a particle, a copula or the question's end follows it (「何日に」, 「何日から」,
# 「何月何日？」): every one of JaQuAD train's 213 answers to it holds a day's number, so 「12月初旬」 or 「同日」 answers
# another question. Not 何日間, 何日前, 何日目, nor a length of time (「何日続いた」, 「何日かかる」, 「何日くらい」), nor a
# question asking the time of day too (「何日の何時から」).
_ASKS_FOR_A_DAY = re.compile(r"何日(?=に|から|まで|の|は|が|です|でした|だ|ごろ|頃|[?？。]|$)(?!.*何時(?!間))")
_DAY_NUMBER = re.compile(r"[0-9〇一二三四五六七八九十]日|[0-9〇一二三四五六七八九十]$")
# 「どれくらいの時間続いた」, 「どのくらいの期間」, 「どのくらい続いた」 ask for a length of time (not 「どれくらいかかった」
# or 「要した」, asked of a cost as often, nor 「続落した」, 「経済成長した」): every one of the 33 such questions of JaQuAD
# train 0000-0027 and JSQuAD valid is answered by one (「約90分」, 「30万年ほど」)
_ASKS_LENGTH = re.compile(r"(?:どれ|どの)(?:くらい|ぐらい|ほど)(?:の(?:時間|期間|年月|日数)|続(?:い|け|く)|経(?:っ|た|過))")
# 「いくら」 asks for an amount (not 「いくらか」, "somewhat", though 「いくらかかる」 does; not the 「いくらい」 of
# 「いいくらい」, though 「いくらいりますか」 does), unless it asks how long passed (「いくら経って」): a figure other than
# a date or a length of time (but 「4.5カ月分」, counted in months' pay), or a word for none (無料, ゼロ). 217 of the 220
# such questions of JaQuAD train 0000-0027 and JSQuAD valid are answered by such a figure, the other three by one of
# those words. A kanji numeral inside a word (「統一料金」) counts as a figure: the rule errs towards letting answers
# stand.
_ASKS_AMOUNT = re.compile(r"いくら(?!か(?!か)|でも|い(?!り|る|れ|っ|ただ)|.{0,3}(?:経|たっ|立っ))")
_AMOUNT_WORDS = re.compile(rf"{NUMBER}|無料|ゼロ(?![{KATAKANA}])")
_NO_AMOUNT = re.compile(rf"{DATE.pattern}|(?:{TIME_LENGTH.pattern})(?!分)")
# 「いくつ」 asks how many (not 「いくつか」, "some", though 「いくつか？」 does; not 「いくつも」, "many"): all 212 such
# questions of JaQuAD train 0000-0027 and JSQuAD valid are answered by words holding a number, in figures, in kanji
# or in words (「ひとつ」, 「みっつ」, 「複数」, 「数カ国」, 「ゼロ」, 「なし」), so words without one (「中露首脳会談」) answer
# another question.
_ASKS_HOW_MANY = re.compile(r"いくつ(?!か(?![?？。]|$)|も)")
_COUNT_WORDS = re.compile(rf"{NUMBER}|ひと|ふた|(?:みっ|よっ|いつ|むっ|なな|やっ|ここの)つ|とお|複数|数|ゼロ|なし")


def expected_answer(question: str) -> re.Pattern | None:
    """A pattern every answer to `question` must match, or None when the question does not say (誰, 何, なぜ...)."""
    question = fold_width(question)
    if _ASKED_MONTH.search(question):
        return DATE
    if _ASKED_TIME.search(question):
        return TIME_OF_DAY
    if _ASKED_WEEKDAY.search(question):
        return WEEKDAY
    # 「何日前」 wants 「6日前」, 「何カ国」 wants 「20か国」, 「何メートル」 wants 「333メートル」
    if match := ASKED_COUNT.search(question):
        return re.compile(f"{NUMBER}(?:{unit_pattern(match[1])})")
    if _WHEN.search(question):
        return _DATE_OR_RECURRING_DAY
    return None


# 「誰」 and 「どこ」 ask for a person or a place by name: of 「漫画家の手塚治虫」 the name is the answer
_ASKS_WHO_OR_WHERE = re.compile(_WHO_OR_WHERE)


# 「何円」, 「何ドル」: a price asked for by its unit
_ASKS_PRICE = re.compile(f"何(?:{'|'.join(CURRENCIES)})")


def asks_price(question: str) -> bool:
    """Whether `question` asks how much money (「いくら」, 「いくらかかる」, 「何円」; not 「いくらか」 nor 「いくら経って」)."""
    return _ASKS_AMOUNT.search(question) is not None or _ASKS_PRICE.search(question) is not None


def asks_who_or_where(question: str) -> bool:
    """Whether `question` asks for a person or a place (「誰」, 「どこ」)."""
    return _ASKS_WHO_OR_WHERE.search(question) is not None


def asks_when(question: str) -> bool:
    """Whether `question` asks when (「いつ」): a date answers it, written whole."""
    return _WHEN.search(question) is not None


def holds_answer(text: str, pattern: re.Pattern | None, question: str = "") -> bool:
    """Whether `text` holds words of the kind the question asks for (always true when it asks for no kind), other
    than those the question states itself (`answer_span`)."""
    return pattern is None or answer_span(text, pattern, question) != ""


def answer_span(text: str, pattern: re.Pattern | None, question: str = "", near: str = "") -> str:
    """The words of the asked kind in `text` ("" when none or no kind): the first of them that the question does
    not state itself (「28項目とされた和平案は、実は何項目」 is not answered by 「28項目」) unless it offers them as a
    choice, and among those the first holding `near` or held by it (the model's words, 「30」 for 「30項目」)."""
    if pattern is None:
        return ""
    # a question naming two or more such words offers a choice (「2014年と2017年のうち」): they may answer it
    stated = squash(question) if len(pattern.findall(fold_width(question))) < 2 else ""
    folded = fold_width(text)
    matches = [m for m in pattern.finditer(folded)
               if not (stated and re.search(rf"(?<![0-9]){re.escape(squash(m[0]))}", stated))]
    if _ASKS_END.search(question) and not _ASKS_START.search(question):
        # asked until when, the end of a range answers, where the text gives one
        matches = [m for m in matches if RANGE_END_AFTER.match(folded, m.end())] \
            or [m for m in matches if RANGE_END_BEFORE.search(folded, 0, m.start())] or matches
    found = [m[0] for m in matches]
    near = squash(near)
    return next((words for words in found if near and (near in squash(words) or squash(words) in near)),
                found[0] if found else "")


def range_end(span: str, question: str) -> str:
    """Asked until when (「何時まで」, 「いつまで」; not 「いつからいつまで」), of a range written alone (`RANGE`:
    「9時から20時」, 「1193-1215年」) its end, as the cited sentence writes it: the question asks for the end only."""
    folded = fold_width(question)
    if not _ASKS_END.search(folded) or _ASKS_START.search(folded):
        return span
    written, spans = fold_width_with_offsets(span.strip())
    match = RANGE.fullmatch(written)
    return written_part(span.strip(), spans, *match.span(1)) if match else span


def of_another_kind(span: str, question: str) -> bool:
    """Whether `span` is words of a kind the question does not ask for: none of the options a choice question
    lists (「両方」 or a figure for 「町と村のどちら」), words without a day's number for 「何日」, a date or a figure
    alone, or a clause, for 「どこ」, 「誰」 or 「名前」 (the model answering 「いつ生まれたか」 for 「どこで生まれたか」),
    or a person for 「どこ」 (「…会議書記」 for where a meeting is held: none of the 3,097 answers to a 「どこ」
    question without 「誰」 in JaQuAD train 0000-0027 and JSQuAD valid ends with a person's title, `PERSON_END`),
    words without a length of time for 「どのくらいの時間」 (「37回目」), words without a figure other than a date
    or a length of time, nor 「無料」 or 「ゼロ」, for 「いくら」 (「50年間」, 「50年間で保有していた金準備高」), or words
    without a number for 「いくつ」 (「中露首脳会談」)."""
    if lists_options(question):
        return not named_option(span, question)
    span, question = fold_width(span.strip()), fold_width(question)
    if span and _ASKS_LENGTH.search(question) and not TIME_LENGTH.search(span):
        return True
    if span and _ASKS_AMOUNT.search(question) and not _AMOUNT_WORDS.search(_NO_AMOUNT.sub("", span)):
        return True
    if span and _ASKS_HOW_MANY.search(question):  # a count answers it, though it asks how many names (「名称」)
        return not _COUNT_WORDS.search(span)
    if not _ASKS_FOR_A_NAME.search(question):
        return bool(span) and _ASKS_FOR_A_DAY.search(question) is not None and _DAY_NUMBER.search(span) is None
    # 「どこの知事」 asks which place's governor: 「東京都知事」 answers it
    if _ASKS_WHERE.search(question) and not _ASKS_WHO.search(question) and (title := PERSON_END.search(span)) \
            and re.search(f"(?:どこの|どの)[^、。?？]*{re.escape(title[0])}", question) is None:
        return True
    return _DATE_OR_FIGURE.fullmatch(span) is not None or PREDICATE_END.search(span) is not None
