"""Rules of written Japanese that retrieval, citation, answer checks and scoring share, each stated once.

Character classes are given as the inside of a regular-expression class (``f"[{KANJI}{KATAKANA}]"``), so that
rules can be built from them; the rules themselves are compiled patterns or small pure functions.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from babel import Locale

# --- normalisation ---------------------------------------------------------------------------------------------


def fold_width(text: str) -> str:
    """NFKC: full-width digits and letters, half-width katakana and compatibility characters (㍍, ①) in their
    ordinary form, so that 「３３３」 and 「333」 are one number to a pattern."""
    return unicodedata.normalize("NFKC", text)


# Marks that fold into the letter before them (「ｶﾞ」 is 「ガ」, 「か\u3099」 is 「が」): a letter and its marks fold as one.
_VOICING_MARKS = "\uff9e\uff9f\u3099\u309a"


def fold_width_with_offsets(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`fold_width`, with the span in `text` each folded character comes from, so that words found in the folded
    form are shown as `text` writes them (`written_part`). A letter and the marks that fold into it (voicing marks,
    combining accents) fold together, as `fold_width` folds them."""
    folded, spans, i = [], [], 0
    while i < len(text):
        end = i + 1
        while end < len(text) and (text[end] in _VOICING_MARKS or unicodedata.combining(text[end])):
            end += 1
        folded.append(norm := fold_width(text[i:end]))
        spans.extend([(i, end)] * len(norm))
        i = end
    return "".join(folded), spans


def written_part(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """The words of `text` that characters `start:end` of its folded form (`fold_width_with_offsets`) come from."""
    return text[spans[start][0]:spans[end - 1][1]]


def fold(text: str) -> str:
    """`fold_width` and lower case: the form in which words are compared (ＡＢＣ, ABC and abc are one word)."""
    return fold_width(text).lower()


def unspaced(text: str) -> str:
    """`fold` with all whitespace removed and punctuation kept: the form in which the evaluations look for gold
    answers and evidence in texts (a line break inside a sentence does not hide it; a misplaced 「、」 does)."""
    return re.sub(r"\s+", "", fold(text))


# Spaces and the punctuation of Japanese and Western text (brackets, quotes, 「…」, 「・」): none of it changes what a
# quote says, and models and pages place it freely.
PUNCTUATION = r"\s、。，．,.!?！？「」『』（）()\[\]【】・:：;；\"'“”‘’…"
PUNCT = re.compile(f"[{PUNCTUATION}]+")


def squash_with_offsets(text: str) -> tuple[str, list[int]]:
    """`squash`, with the offset in `text` of each character kept, so that a match in the squashed form can be
    shown in the original. Characters are folded one by one, so that each keeps its own offset."""
    kept, offsets = [], []
    for i, ch in enumerate(text):
        norm = fold(ch)
        if not norm or PUNCT.fullmatch(norm):
            continue
        kept.append(norm)
        offsets.extend([i] * len(norm))
    return "".join(kept), offsets


def squash(text: str) -> str:
    """The comparable form of a text: folded (`fold`), without spaces or punctuation (`PUNCTUATION`)."""
    return squash_with_offsets(text)[0]


# Words notices write one way and people ask another, each to one form: the classes of household waste (燃やすごみ
# and 燃えるごみ are 可燃ごみ; 燃やさないごみ and 燃えないごみ are 不燃ごみ), ゴミ for ごみ.
_SAME_WORDS = ((re.compile("ゴミ"), "ごみ"), (re.compile("燃やさないごみ|燃やせないごみ|燃えないごみ|もえないごみ"), "不燃ごみ"),
               (re.compile("燃やすごみ|燃やせるごみ|燃えるごみ|もえるごみ"), "可燃ごみ"))


def same_words(text: str) -> str:
    """`text` with the words `_SAME_WORDS` knows in one form, to compare what a question and a text speak about."""
    for words, form in _SAME_WORDS:
        text = words.sub(form, text)
    return text


@functools.cache
def _to_japanese_forms() -> Callable[[str], str]:
    """Simplified Chinese to traditional, then traditional to the forms Japan writes (OpenCC's s2t and t2jp)."""
    import opencc

    to_traditional, to_japanese = opencc.OpenCC("s2t"), opencc.OpenCC("t2jp")
    return lambda text: to_japanese.convert(to_traditional.convert(text))


def spelled_as(text: str, written: str | set[str]) -> str:
    """`text` with each character that Japanese text cannot hold (none of cp932, the Windows form of Shift_JIS)
    and `written` (its text or set of characters) never uses spelled as `written` spells it, where that is its
    Japanese form: a generator trained on much Chinese writes 「习」「韩国」「长嶋」 for the 「習」「韓国」「長嶋」 it was
    shown. A character Japanese writes stays, though OpenCC would change it (「叶う」, 「机」, 「龍」, 「据え置き」)."""
    used = written if isinstance(written, set) else set(written)
    foreign = [not (ch in used or ord(ch) < 0x3400 or _in_japanese(ch)) for ch in text]
    if not any(foreign):
        return text
    try:  # whole, as OpenCC reads a character by its phrase (脏器: 臓, not 髒)
        converted = _to_japanese_forms()(text)
    except (UnicodeError, RuntimeError):  # a lone surrogate
        return text
    if len(converted) != len(text):
        return text
    return "".join(new if out and new in used else old for old, new, out in zip(text, converted, foreign))


@functools.cache
def _in_japanese(ch: str) -> bool:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


# --- character classes ------------------------------------------------------------------------------------------

# The hiragana block: the script of particles, endings and native words written without kanji.
HIRAGANA = "\u3041-\u309f"
# Katakana letters (ァ to ヺ) and the long-vowel mark ー: the script of loanwords and foreign names, so a run of
# it is one word (ウィトコフ, メートル). 「・」 between katakana names is punctuation, not part of a word.
KATAKANA = "\u30a1-\u30faー"
KATAKANA_WORD = re.compile(f"[{KATAKANA}]+")
# CJK unified ideographs, and 々, which repeats the kanji before it inside a word (人々, 各々).
KANJI = "\u4e00-\u9fff々"
_HIRAGANA_CHAR = re.compile(f"[{HIRAGANA}]")


def _is_content(char: str) -> bool:
    """Kanji, katakana, letters and digits: the characters that carry a question's topic (not hiragana particles)."""
    return char.isalnum() and not _HIRAGANA_CHAR.match(char)


def content_bigrams(text: str) -> set[str]:
    """Character bigrams of `text` (NFKC) made only of content characters."""
    text = fold_width(text)
    return {text[i:i + 2] for i in range(len(text) - 1) if _is_content(text[i]) and _is_content(text[i + 1])}


def bigram_share(question_bigrams: set[str], text: str) -> float:
    """Share of the question's content bigrams that occur in `text` (0 when the question has none)."""
    if not question_bigrams:
        return 0.0
    text = fold_width(text)
    return sum(b in text for b in question_bigrams) / len(question_bigrams)


# Brackets that open and close a quotation or a name (「専守防衛」) or an aside, in Japanese and Western form.
OPENING_BRACKETS = "「『（("
CLOSING_BRACKETS = "」』）)"

# --- the model's words ------------------------------------------------------------------------------------------

# A name written twice or more with nothing between (「村田村田」, 「セザールセザール」): the small model's stutter,
# shorter than the loops `without_repeats` reads. A whole word only (the same script goes on on neither side: not the
# 「京都京都」 of 「東京都京都」, nor the 「lulu」 of 「Honolulu」), of two kanji, three katakana (not 「キラキラ」) or
# three Latin letters.
_DOUBLED = re.compile(
    rf"(?<![{KANJI}])([{KANJI}]{{2,}}?)\1+(?![{KANJI}])|(?<![{KATAKANA}])([{KATAKANA}]{{3,}}?)\2+(?![{KATAKANA}])"
    r"|(?<![A-Za-z])([A-Za-z]{3,}?)\3+(?![A-Za-z])")


def said_once(text: str, written: str) -> str:
    """`text` with a name the model wrote twice in a row said once, where `written` (`squash`ed: the passages and
    the question) holds the name but not the two together (「セザールセザール」 where the passage names 「セザール」);
    words the passages themselves double stay."""
    def once(match: re.Match) -> str:
        word = next(group for group in match.groups() if group)
        return word if squash(match[0]) not in written and squash(word) in written else match[0]
    return _DOUBLED.sub(once, text)


# --- questions --------------------------------------------------------------------------------------------------


# The words that ask: what (何, なに), who (誰, だれ), when (いつ), where (どこ), which (どの, どれ), what kind
# (どんな; 「どのような」 is どの with ような), how (どう), why (なぜ), how many (いくつ) and how much (いくら).
ASKING_WORDS = ("何", "なに", "誰", "だれ", "いつ", "どこ", "どの", "どれ", "どんな", "どう", "なぜ", "いくつ", "いくら")
# Longest first, so that no word is taken for a shorter one.
ASKING_WORD = re.compile("|".join(sorted(ASKING_WORDS, key=len, reverse=True)))
# The particle after an asking word that marks it as the subject, the object or the name asked for
# (何が, 誰を, 何と, 何という): it asks as well.
ASKING_PARTICLE = r"という|と|を|が"
# The words right before 「は」, 「とは」 or 「って」 and 「誰」 or 「どこ」 that say what the person or place asked for is
# (「師事した医師は誰」), or the region before 「のどこ」 that holds it (「カリフォルニア州のどこ」): group 1, with the
# particle as group 2. They describe the answer and are not part of it. A bare name before 「のどこ」 (「東京のどこ」)
# often starts the answer's own name (東京タワー), and is no such description.
ASKED_DESCRIPTION = re.compile(rf"([{KANJI}{KATAKANA}]{{2,}})(は|とは|って|(?<=[州県府都道市区町村郡国省])の)(?:誰|だれ|どこ)")
# Polite endings and marks that make a sentence a question and say nothing about what is asked.
QUESTION_ENDINGS = ("でしたか", "ましたか", "ですか", "ますか", "?", "？")

# --- numbers, counters, dates -----------------------------------------------------------------------------------

# A number as folded text writes it: digits (with 「.」 or 「,」 groups: 3.5, 1,000) or kanji numerals (二十).
KANJI_NUMERALS = "一二三四五六七八九十百千万億兆"
NUMBER = rf"[0-9{KANJI_NUMERALS}]+(?:[.,][0-9]+)*"
# Where a figure starts and ends as a whole: not inside a longer number (「1990年」, 「11,200円」, 「3.5%」, 「12:30」,
# 「百二十人」) nor at the end of a model number (「A3サイズ」), in either width (a model's words are not folded).
FIGURE_START = rf"(?<![0-9０-９.,:．，：A-Za-zＡ-Ｚａ-ｚ{KANJI_NUMERALS}])"
FIGURE_END = rf"(?![0-9０-９{KANJI_NUMERALS}]|[.,．，][0-9０-９])"


def whole_figure(figure: str) -> str:
    """A pattern finding `figure` where it stands as a whole figure, not as a part of a longer one."""
    return f"{FIGURE_START}{re.escape(figure)}{FIGURE_END}"


# A run of digits: in squashed text (where 「3.5」 and 「1,000」 have lost their marks) the digits a figure is written
# with, read as one.
DIGITS = re.compile(r"[0-9]+")
# A thousands comma inside a figure (「1,320」): the figure is one number.
_GROUPING_COMMA = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
# A number: one decimal (「3.5」, 「Ver.2.5」; not 「2026.4.1」) or a run of digits.
_NUMBER_RUN = re.compile(r"(?<![0-9]\.)(?<![0-9])[0-9]+\.[0-9]+(?!\.?[0-9])|[0-9]+")
# Enclosed numbers (①, ⑴, ❶, ㉑): a list's marks, which NFKC would join to the digits after them.
_ENCLOSED = re.compile("[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")


def numbers_in(text: str) -> list[str]:
    """The numbers written in `text` (folded to half width), in order, each whole and without leading zeros:
    「1,320」 is one number (1320), 「3.50」 one (3.5), and 「13人」 states 13, not 3. Other marks part them: 「12:30」
    and 「2026/4/1」 state each of their parts, 「09:00」 9 and 0, and 「①9時」 9."""
    text = fold_width(_ENCLOSED.sub(lambda m: f" {m[0]} ", text))
    return [(whole.lstrip("0") or "0") + ("." + part.rstrip("0") if part.rstrip("0") else "") for whole, _, part in
            (n.partition(".") for n in _NUMBER_RUN.findall(_GROUPING_COMMA.sub("", text)))]


# 「か」 of a counter (か月, か国, か条) is written in any of these ways: 3か月, 3カ月, 3ヵ月, 3ヶ月, 3ケ月.
SMALL_KA = "かカヵヶケ"
# Counters that follow a number (5日前, 20か国, 19項目), longest first so that 「日前」 is taken before 「日」.
# Katakana units (メートル, パーセント, ドル) are not listed: a katakana word after a number is one already
# (see UNIT).
COUNTERS = tuple(sorted(
    ["年前", "年後", "年間", "年", "か月", "週間", "日前", "日後", "日間", "日", "時間", "分", "秒", "人", "歳",
     "回目", "回", "倍", "%", "か国", "項目", "か条", "隻", "機", "両", "台", "本", "個", "件", "社", "位", "票",
     "発", "冊", "枚", "頭", "円", "席", "店", "名", "泊", "部屋", "点", "便", "種類", "種目", "種族", "種", "基"],
    key=len, reverse=True))


def _spellings(counter: str) -> str:
    """A pattern for `counter` in all its spellings (「か国」 also as 「カ国」, 「ヶ国」...)."""
    return re.escape(counter).replace("か", f"[{SMALL_KA}]")


# words a counter's letter starts that count nothing (2基地, 3基金)
_NOT_COUNTED = {"基": "地|金|準|本|盤|礎|調|幹|軸"}
COUNTER = "|".join(_spellings(c) + (f"(?!{_NOT_COUNTED[c]})" if c in _NOT_COUNTED else "") for c in COUNTERS)
# Unit symbols written in Latin letters or with a degree sign, listed: Latin letters after a number are as often part
# of a name (3M, 5G, 2PM) or a word (何CM, 何TV), which no unit check may take for a figure.
UNIT_SYMBOLS = ("km", "cm", "mm", "m", "kg", "mg", "g", "t", "ml", "mL", "L", "ha", "GB", "MB", "TB", "KB", "GHz",
                "MHz", "Hz", "kWh", "kW", "W", "V", "mAh", "dB", "ppm", "°C", "℃", "°F")
# What a number is counted in: a known counter, a katakana word of two letters or more (メートル, キロ, ドル,
# パーセント), or a listed unit symbol (cm, GB, °C), taken whole. A lone katakana letter before a kanji is the 「カ」
# of 「3カ所」, not a unit.
UNIT = (rf"{COUNTER}|[{KATAKANA}]{{2,}}|(?:"
        + "|".join(re.escape(u) for u in sorted(UNIT_SYMBOLS, key=len, reverse=True)) + ")(?![A-Za-z])")
_UNIT = re.compile(UNIT)
# Words that bound a number and belong to it (15種類以上, 3日以内).
BOUNDS = r"以上|以下|以内|未満"
_BOUND = re.compile(BOUNDS)
# A kind of thing named after 何 (何製品, 何語, 何議席): up to three kanji or katakana, a bound left out, and not
# ending inside a katakana word (「メート」 of 「メートル」).
_NAMED_KIND = re.compile(rf"(?:(?!{BOUNDS})[{KANJI}{KATAKANA}%％]){{1,3}}(?:(?<![{KATAKANA}])|(?![{KATAKANA}]))")

# 「何」 with what it asks a number of (何日前, 何カ国, 何メートル); the counter or unit, taken whole, is group 1. Not
# 「何回かの」, 「何メートルかが」, 「何人かいる」: "several", asking for no number (but 「何日かかる」, 「何時間かけて」, 「何年から」,
# 「何回か？」, 「何年かな」, 「何年か答えて」).
ASKED_COUNT = re.compile(f"何((?>{UNIT}))(?!か(?![かけらな答?？。」]|$))")

# 「何年」 asks for a year (「何年前後」 too; not 何年前, 何年後, 何年間, 何年代, 何年目, 何年度, 何年ぶり, 何年か: a count,
# or a year of another kind), and so does 「刊行年はいつ」 or 「生まれた年はいつ」, but not a word of its own ending in 年
# (新年, 周年, 今年); 「何月」 and 「生まれた月はいつ」 ask for a month (not 何か月, a count, nor 正月 or 満月), 「何月何日」 for
# a day of the year. A date is read as its year (group 1), month (group 2) and day (group 3).
_ASKS_YEAR = re.compile(r"何年(?!前(?!後)|[後間代目度ぶか])|(?<![0-9何周新今昨来翌毎前同半例元晩去後])年はいつ")
_ASKS_MONTH = re.compile(r"何月|(?<=[のた])月はいつ")
_ASKS_DAY_OF_YEAR = re.compile(r"何月何日")
_YEAR_MONTH_DAY = re.compile(r"([0-9]+年)?([0-9]+月)([0-9]+日)?")


def date_as_asked(span: str, question: str) -> str:
    """Of a date written whole (「1932年5月30日」), the part the question asks for: the year for 「何年のことですか」
    or 「開戦の年はいつ」, the month for 「何月」 or 「生まれた月はいつ」, the month and day for 「何月何日」; as it is
    when the question asks for the year and the month both, or for neither."""
    folded, spans = fold_width_with_offsets(span)
    match = _YEAR_MONTH_DAY.fullmatch(folded)
    if match is None or not (match[1] or match[3]):
        return span
    question = fold_width(question)
    asks_year, asks_month = _ASKS_YEAR.search(question) is not None, _ASKS_MONTH.search(question) is not None
    if asks_year == asks_month:
        return span
    if asks_year:
        return written_part(span, spans, *match.span(1)) if match[1] else span
    if _ASKS_DAY_OF_YEAR.search(question):
        return written_part(span, spans, match.start(2), len(folded))
    return written_part(span, spans, *match.span(2))


# Counters that count the same things: 「何人」 is answered by 「3名」 (名 is the formal counter of people), and
# 「何種類」 by 「30種」.
SAME_COUNTERS = ({"人", "名"}, {"種類", "種"})


# A length of time (「約90分」, 「5時間」, 「30万年」, 「3営業日」, 「数か月」, 「半年」)
_TIME_UNITS = ("営業日", "日間", "時間", "週間", "か月", "年間", "世紀", "日", "週", "年", "分", "秒")
TIME_LENGTH = re.compile(rf"(?:{NUMBER}|数)(?:{'|'.join(_spellings(u) for u in _TIME_UNITS)})"
                         r"|半日|半月|半年|半世紀|一晩|一夜")


def unit_pattern(unit: str) -> str:
    """A pattern for `unit` (a match of UNIT) as any of its spellings: 「カ国」 also matches 「か国」, and 「人」 also
    「名」 (SAME_COUNTERS)."""
    counter = next((c for c in COUNTERS if re.fullmatch(_spellings(c), unit)), None)
    if counter is None:
        return re.escape(unit)
    same = next((group for group in SAME_COUNTERS if counter in group), {counter})
    return "|".join(_spellings(c) for c in sorted(same, key=len, reverse=True))


def asked_kinds(question: str, at: int | None = None) -> list[str]:
    """What the 「何」 at `at` (default: the first 「何」 followed by one) may ask for, longest reading first, each
    with a bound the question puts on it: 「メートル」 for 「何メートル」, 「か国」 for 「何か国」, 「種類以上」 for
    「何種類以上」, 「製品」 for 「何製品」; [] when no such word follows (「何の」).

    A reading is a counter or unit word (COUNTERS longest first, or a whole katakana word) or up to three kanji
    or katakana naming a kind. Kanji alone do not show where the kind ends, so both are kept: 「何人目」 reads as
    「人目」 or 「人」, 「何時間続いた」 as 「時間続」 or 「時間」."""
    if at is None:
        return next((kinds for m in re.finditer("何", question) if (kinds := asked_kinds(question, m.start()))), [])
    if not question.startswith("何", at):
        return []
    readings = sorted({m[0] for pattern in (_UNIT, _NAMED_KIND) if (m := pattern.match(question, at + 1))},
                      key=len, reverse=True)
    return [kind + (bound[0] if (bound := _BOUND.match(question, at + 1 + len(kind))) else "") for kind in readings]


# Everything in a question that only asks: an asking word with its particle, and the question's ending. The
# counter after 「何」 stays: 「何項目」 asks about 項目, and a sentence stating 「19項目」 speaks about it.
QUESTION_WORDS = re.compile(rf"(?:{ASKING_WORD.pattern})(?:{ASKING_PARTICLE})?|"
                            + "|".join(re.escape(e) for e in QUESTION_ENDINGS))

# --- quantities: figures as documents write them, with their values -----------------------------------------------

# A figure: digits with 「,」 groups of three and a decimal part, scaled by 万, 億 and 兆 (and 千 within them):
# 1,320, 2,591.22, 3万5千, 1億2000万. Kanji numerals alone are left out: 一部, 一方 are words, not figures.
_DIGITS_PART = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
FIGURE = re.compile(rf"{_DIGITS_PART}(?:[千万億兆]{_DIGITS_PART})*[千万億兆]?")
_SCALES = {"千": 1e3, "万": 1e4, "億": 1e8, "兆": 1e12}
# What a figure is counted in: a counter or unit word (UNIT), 「%」, an area or length (平方キロメートル), or a
# unit in Latin letters (kg, GB).
_QUANTITY_UNIT = re.compile(rf"%|平方[{KATAKANA}]+|{UNIT}|[A-Za-z]+")
# Words by which a question asks for a figure the documents may not state but that follows from them: a total,
# a difference, an average, a share or a ratio (「合計でいくら」「差は何円」「1人あたり」「何倍」).
CALCULATION_WORDS = re.compile(r"合計|合わせて|あわせて|全部で|総額|総計|差は|差が|の差|差額|平均"
                               r"|あたり|当たり|何倍|何割|割合|足す|足した|引く|引いた")

# A rate of change asked for, and its direction: 「値上げ率」, 「何%増えた」, 「前年比何%増」, 「何%高い」 a rise; 「値下げ率」,
# 「割引率」, 「何%減った」 a fall; 「増減率」, 「変化率」, 「成長率」 either. A rate is counted from the earlier figure, which
# for a rise is the smaller one and for a fall the larger.
_PERCENT_ASKED = r"(?:何|[0-9]+)(?:%|パーセント)[^、。?？]{0,4}?"
_EITHER_RATE = re.compile(r"(?:増減|変化|騰落|変動|成長|伸び)率")
_RISE_RATE = re.compile(rf"(?:値上げ|値上がり|増加|上昇|増)率|{_PERCENT_ASKED}(?:増|上が|値上|上昇|アップ|伸び|高|上回)")
_FALL_RATE = re.compile(rf"(?:値下げ|値下がり|減少|下落|低下|割引|減)率|{_PERCENT_ASKED}(?:減|下が|値下|下落|ダウン|低下|安|下回"
                        r"|引き|割引|オフ)")


def asked_change(question: str) -> str | None:
    """The direction, "rise", "fall" or "either", where `question` asks by how many percent a figure changed; else
    None."""
    folded = fold_width(question)
    if _EITHER_RATE.search(folded):
        return "either"
    if _FALL_RATE.search(folded):
        return "fall"
    return "rise" if _RISE_RATE.search(folded) else None


class Quantity(NamedTuple):
    """A figure found in a text: its value, the unit after it ("" when none), and where it stands."""

    value: float
    unit: str
    start: int
    end: int

    def written(self, text: str) -> str:
        return text[self.start:self.end]


# A table column's name that gives the unit of its figures: a unit in brackets at its end (「売上(千円)」,
# 「面積（km2）」; 「価格(税込)」 gives none), or a counter before 「数」 (「席数」 counts 席, 「マシン台数」 台).
_BRACKETED_UNIT = re.compile(rf"[(（]((?:[千万億])?(?:%|{UNIT}|[A-Za-z]+[0-9]?))[)）]$")
_COUNT_OF = re.compile(rf"({COUNTER})数$")


def column_unit(name: str) -> str:
    """The unit the figures of a table column named `name` are counted in, or "" when the name does not say."""
    name = fold_width(name.strip())
    match = _BRACKETED_UNIT.search(name) or _COUNT_OF.search(name)
    return match[1] if match else ""


def figure_value(figure: str) -> float:
    """The value of a FIGURE match: 「3万5千」 is 35000, 「3万4千250」 34250, 「1億2000万」 120000000, 「1,320」 1320."""
    # below 万 the parts add up (「4千250」 is 4250) until 万, 億 or 兆 scales them
    total, small = 0.0, 0.0
    for number, scale in re.findall(rf"({_DIGITS_PART})?([千万億兆]?)", figure):
        value = float(number.replace(",", "")) if number else None
        if scale == "千":
            small += (1 if value is None else value) * 1e3
        elif scale:
            total += (small + (value or 0) or 1) * _SCALES[scale]
            small = 0.0
        elif value is not None:
            small += value
    return total + small


def quantities(text: str) -> list[Quantity]:
    """The figures of `text` (folded to half width) with their values and units, in order. A figure that is part
    of a date or a time of day (2026年4月1日, 午前9時) is a quantity too: dates are compared by `DATE`."""
    folded = fold_width(text)
    found = []
    for match in FIGURE.finditer(folded):
        unit = _QUANTITY_UNIT.match(folded, match.end())
        end = unit.end() if unit else match.end()
        found.append(Quantity(figure_value(match[0]), unit[0] if unit else "", match.start(), end))
    return found


def amounts(text: str) -> list[Quantity]:
    """The quantities of `text` (folded) that are amounts: those inside a date (2026年4月1日) are the date's, and
    the minutes of a time of day (午前6時40分: no 40分) the time's; its hour stays a bare figure, without the twelve
    hours 午後 adds."""
    folded = fold_width(text)
    spans = [m.span() for m in DATE.finditer(folded)]
    spans += [(m.start() + re.search("[時:]", m[0]).end(), m.end()) for m in TIME_OF_DAY.finditer(folded)]
    return [q for q in quantities(folded) if not any(start <= q.start < end for start, end in spans)]


# An item of a list written in prose: a name in kanji, katakana or letters (no hiragana: 「この戦役を通して」 names no
# item), a particle or a space, a measure of one where a price is per one (「1時間」), and one figure with its unit
# (「会議室 1時間300円」, 「死者は2万5899人」), then at most a few letters of hiragana, as the last item closes its
# sentence or goes on (「ホールは1,500円です」, 「…800円で」, 「…800円など」). A leading bullet and 約 before the figure
# are not part of the name.
_LISTED_ITEM = re.compile(rf"^[\s\-・*]*([{KANJI}{KATAKANA}A-Za-z・]{{2,}}?)約?(?:は|が|で|の|:|\s)*"
                          rf"(?:1[^\s0-9、,万億千]{{1,3}}\s*)?約?[0-9][0-9,.万億千]*([^\s0-9、,{HIRAGANA}]{{0,4}}?)"
                          rf"(?:以上|以下|未満|前後|程度)?[{HIRAGANA}]{{0,8}}$")


def listed_figures(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) in `text` (folded, `fold_width`) of each item of a list of figures written in prose
    (「会議室 1時間300円、多目的ホール 1時間1,500円、調理実習室 1時間800円」): parts between 、 each naming a thing and
    stating one figure, at least two of them, every figure in one unit. [] for a sentence that is no such list
    (「人口は約5万人、面積は…」 lists too, where units differ it is read as prose)."""
    folded = fold_width(text).rstrip("。")
    items, start = [], 0
    for part in re.split(r"(?<=、)|(?<=,)(?![0-9]{3})", folded):  # not the comma of 1,500
        if match := _LISTED_ITEM.match(part.rstrip("、,")):
            items.append((match[1], match[2], start, start + len(part)))
        start += len(part)
    if len(items) < 2 or len({unit for _, unit, _, _ in items}) != 1:
        return []
    return [(name, start, end) for name, _, start, end in items]


# What stands between a figure and the word naming it: 「旅客定員は350名」, 「旅客定員: 350名」, 「(旅客定員320名)」.
_LABEL = re.compile(rf"([{KANJI}{KATAKANA}]{{2,}})(?:は|が|の|[:：]|\s)*$")


def label_before(text: str, start: int, window: int = 20) -> str:
    """The kanji or katakana word that names the figure at `start` of `text` (「旅客定員」 for the 350名 of
    「旅客定員は350名」), or "" when none stands right before it."""
    match = _LABEL.search(text[max(0, start - window):start])
    return match[1] if match else ""


def decimals(figure: str) -> int:
    """Digits after the decimal point in a written figure (「2,591.22」 has 2): how precisely it is stated."""
    match = re.search(r"\.([0-9]+)", figure)
    return len(match[1]) if match else 0


_CALENDAR = r"[0-9]+年(?:[0-9]+月(?:[0-9]+日)?)?|[0-9]+月(?:[0-9]+日)?"
# Japanese eras and the year before each one's first: 令和7年 is 2025年.
ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_NOT_AFTER_ERA = "".join(f"(?<!{era})" for era in ERAS)
# A date of the calendar as written, its parts together (「1915年10月」, 「3月3日」); not the year of an era.
CALENDAR_DATE = re.compile(rf"(?<![0-9]){_NOT_AFTER_ERA}(?:{_CALENDAR})")
# Dates in digits only (「一日」 in 「丸一日」 is not a date), or named by their distance from today.
# a date told from the day an article was written (「先週」, 「昨年」): no date another article's can contradict unread
RELATIVE_DATE = re.compile(r"[昨今来翌前同][年月]|先月|先週|今週|来週|昨日|今日|明日")
DATE = re.compile(rf"{_CALENDAR}|[0-9]+日|[0-9]+年代|[0-9]+世紀|{RELATIVE_DATE.pattern}")
# The year of a date written with its month (「2023年7月25日」, in any width), the year's digits as group 1.
YEAR_BEFORE_MONTH = re.compile(r"([0-9０-９]+)年(?=[0-9０-９]+月)")

# A day of the week, alone or recurring (「水曜日」, 「毎週火曜」, 「毎月曜日」, 「第2・第4水曜日」, 「第2・4土曜日」,
# 「月・木曜日」, 「月～金曜日」): what 「何曜日」 asks for. 「曜」 must follow, as a lone 月 or 日 is a month or a day of a
# date: a list of days does not start right after a digit or a kanji, where its first 日 or 月 ends a date word
# (「7日・火曜日」 is the 7th, a Tuesday), unless 毎, 隔週, 第N or 先週 leads it, and days are listed with 「・」 or a range
# mark, not 「、」 (「その日、木曜日」 lists nothing).
_DAY = "[月火水木金土日]"
_DAY_MARK = "[・~〜～]"  # between listed days: 「月・木」, 「月~金」 (〜 is not folded to ~)
WEEKDAY = re.compile(rf"(?:(?:(?:毎週|毎月|隔週)?第[0-9]+(?:[・、]第?[0-9]+)*|毎週|毎月|隔週|毎|先週|今週|来週)"
                     rf"(?:{_DAY}{_DAY_MARK})*|(?<![0-9０-９{KANJI}])(?:{_DAY}{_DAY_MARK})+)?{_DAY}曜日?")
# A day of the week said to recur (「毎週月曜日」, 「第2・第4水曜日」, 「火・金曜日」): when a service is, as a notice
# answers 「いつ」. A single day (「木曜日、両氏は会談した」) is news dating an event relative to its issue: the date is the
# answer there.
RECURRING_DAY = re.compile(rf"(?=毎|隔週|第[0-9]|{_DAY}{_DAY_MARK})(?:{WEEKDAY.pattern})")

# A time of day as written (「午前6時40分」, 「午後5時半」, 「18:00」): what 「何時」 asks for, not 「何時間」.
# 「1時間」 is a length of time, not one o'clock, and 「10時代」, 「3時限目」, 「1:23:45」 are no time of day either
# (「17時限り」 is).
TIME_OF_DAY = re.compile(r"(?:午前|午後)?(?<![0-9])[0-9]{1,2}時(?!間|代|限(?!り))(?:[0-9]{1,2}分|半)?"
                         r"|(?<![0-9:])[0-9]{1,2}:[0-9]{2}(?![0-9]|:[0-9])")

_CLOCK = re.compile(r"(午前|午後)?([0-9]{1,2})(?:時([0-9]{1,2}分|半)?|:([0-9]{2}))")


def clock_time(time: str) -> tuple[int, int] | None:
    """(hour on the 24-hour clock, minute) of a time of day as `TIME_OF_DAY` reads it (「午後5時半」: (17, 30),
    「23:00」: (23, 0)); None for anything else, and for 「午前12時」 and 「午後12時」, which writers read both ways.
    「7時」 alone is 7 o'clock, not 19: a word beside it may say otherwise (「PM7時」, read by `times_as_written`)."""
    match = _CLOCK.fullmatch(fold_width(time))
    if match is None:
        return None
    meridiem, hour = match[1], int(match[2])
    minute = 30 if match[3] == "半" else int(match[3][:-1]) if match[3] else int(match[4] or 0)
    if meridiem and hour == 12:  # noon to some writers and midnight to others
        return None
    if meridiem == "午後":
        hour += 12
    return (hour, minute) if minute < 60 and (hour < 24 or (hour, minute) == (24, 0)) else None


# Words next to a time of day that say which half of the day it is in (「朝7時」, 「PM7:00」, 「7:00 pm」, 「午後 7:00」;
# 「午後7時」 is read by `clock_time` itself): the morning's leave the hour as it is, the afternoon's add twelve, and
# 夜, 夕方 or 深夜 leave it unknown (「夜1時」 may be 1 or 13).
_MORNING = ("午前", "AM", "am", "a.m.", "朝", "早朝")
_AFTERNOON = ("午後", "PM", "pm", "p.m.")
_UNKNOWN_HALF = ("昼", "夕方", "夕", "夜", "晩", "深夜", "未明")


def _either(words: Iterable[str]) -> str:
    """An alternation of `words`, the longest first (早朝 before 朝)."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_HALF_OF_DAY_BEFORE = re.compile(rf"({_either(_MORNING + _AFTERNOON + _UNKNOWN_HALF)})\s*$")
# after the time only the Latin words (「7:00 pm」): a kanji word after it begins the next phrase
_HALF_OF_DAY_AFTER = re.compile(rf"\s*({_either(w for w in _MORNING + _AFTERNOON if w.isascii())})(?![A-Za-z])")


def _in_half(value: tuple[int, int] | None, word: str) -> tuple[int, int] | None:
    """A time's 24-hour value once the word naming its half of the day is read (None where that leaves it unknown)."""
    if value is None:
        return None
    hour, minute = value
    if word in _MORNING:
        return value if hour < 12 else None
    if word in _AFTERNOON:
        return (hour + 12, minute) if 1 <= hour <= 11 else None
    return None


def clock_times(text: str) -> list[tuple[int, int, tuple[int, int] | None]]:
    """(start, end, 24-hour value) of each time of day in `text` (folded), a word naming its half of the day
    included."""
    found = []
    for match in TIME_OF_DAY.finditer(text):
        start, end, value = match.start(), match.end(), clock_time(match[0])
        if (before := _HALF_OF_DAY_BEFORE.search(text, 0, start)) is not None:
            start, value = before.start(), _in_half(value, before[1])
        elif (after := _HALF_OF_DAY_AFTER.match(text, end)) is not None:
            end, value = after.end(), _in_half(value, after[1])
        found.append((start, end, value))
    return found


def times_as_written(text: str, sources: Sequence[str]) -> str:
    """`text` with each time of day that the `sources` do not spell as it does written as they write the same time
    (「7:00」 as 「午前7時」, 「23:00」 or 「11:00 PM」 as 「午後11時」), where they state it: a reply writes times in its own
    form, and only a time found as a passage writes it can be cited. A 「時」 left after a 24-hour time (「7:00時」) goes
    with it. A time whose hour is not known (「夜1時」, 「午後12時」), in `text` or in a source, is left as it is."""
    held = [(folded[start:end], value) for folded in map(fold_width, sources)
            for start, end, value in clock_times(folded)]
    if not held:
        return text
    spelled = {squash(time) for time, _ in held}
    folded, spans = fold_width_with_offsets(text)
    parts, done = [], 0
    for start, end, value in clock_times(folded):
        if value is None or squash(folded[start:end]) in spelled:
            continue
        if (same := next((time for time, other in held if other == value), None)) is None:
            continue
        if ":" in folded[start:end] and folded.startswith("時", end) and not folded.startswith("時間", end):
            end += 1
        parts += [text[done:spans[start][0]], same]
        done = spans[end - 1][1]
    return "".join(parts) + text[done:]


# The end of a range: words before 「まで」 (an aside between: 「2011年(平成23年)まで」), else after a range mark or
# 「から」 (「午前9時～午後8時」, 「1701年から1714年」).
RANGE_MARK = r"[-−－～〜~]|から"
RANGE_END_AFTER = re.compile(r"(?:\s*[(（][^)）]*[)）])?まで")
RANGE_END_BEFORE = re.compile(f"(?:{RANGE_MARK})$")
# Months written as a range (width folded, dates spelled), each with its year where it states one: 「4月から6月まで」,
# 「2026年4月1日～6月30日」, 「4～6月」, 「2025年11月～2026年2月」.
_MONTH_RANGE = re.compile(rf"(?:(?<![0-9])([0-9]{{4}})年)?(?<![0-9])([0-9]{{1,2}})(?:月(?:[0-9]+日)?)?"
                          rf"\s*(?:{RANGE_MARK})\s*(?:([0-9]{{4}})年)?([0-9]{{1,2}})月")


def month_in_range(month: int, spelled: str, year: int | None = None) -> bool:
    """Whether a text (after `dates_spelled`) names `month` (of `year`, where given) within a range of months
    (「4月から6月まで」 holds May; 「11月～2月」 January): a notice states the months a rule holds for by its first and
    last. A range stating its first year runs to the first month it names after it (「2025年11月～2026年2月」 holds
    2026年1月, not 2025年1月); one stating none is read by months alone, its year left to the text's."""
    for match in _MONTH_RANGE.finditer(spelled):
        first, last = int(match[2]), int(match[4])
        if not (1 <= first <= 12 and 1 <= last <= 12):
            continue
        if match[1] and year is not None:
            start = int(match[1]) * 12 + first
            end = (int(match[3]) if match[3] else int(match[1]) + (last < first)) * 12 + last
            if start <= year * 12 + month <= end:
                return True
        elif first <= month <= last if first <= last else (month >= first or month <= last):
            return True
    return False


# A range written alone (width folded): a start holding a digit, one range mark, and an end that is a date, a time of
# day or a figure (group 1), 「まで」 after it left out: 「9時から20時」, 「1193-1215年」; not 「03-1234-5678」 (two
# marks) nor 「5月5日(月)から12日(日)」 (an aside after the end).
_NOT_A_MARK = f"(?:(?!{RANGE_MARK}).)"
RANGE = re.compile(rf"{_NOT_A_MARK}*[0-9]{_NOT_A_MARK}*(?:{RANGE_MARK})"
                   rf"((?:午前|午後)?(?:{_CALENDAR}|[0-9]+日|{TIME_OF_DAY.pattern}|{NUMBER}(?:{UNIT})?))(?:まで)?")

# A date the question states to the month (「2025年3月」, 「4月1日」), or a year of four digits (「2020年通年の貿易額」),
# in digits: an article answering it holds it, in its text or its date line. A month or a day alone (「4月から」) or a
# relative date (「昨年」) pins too little. A fiscal year (「令和9年度」, 「2026年度」) names the period a notice's figures
# hold for, as a month does; one of two digits (「26年度」, 「R9年度」) may count from an era the question does not
# name, and is left out. A year that ends a range (「1721年から1722年にかけて」, 「2019年～2020年」, 「1986年まで」) or
# sets a point in time (「1865年の時点で」) is read from the years around it, which an article states instead. An era's
# year counts as the calendar's (「平成2年の」: 1990年).
_STATED_DATE = re.compile(r"(?<![0-9])(?:[0-9]+年[0-9]+月(?:[0-9]+日)?|[0-9]+月[0-9]+日|[0-9]{4}年度"
                          r"|(?<!から)(?<!から翌)(?<![~～〜\-－―])[0-9]{4}年(?![0-9]|間|代|度|まで|にかけて|の?時点))"
                          r"(?![0-9])")
# 「2026-03-10」, 「2026/3」, 「2026.3.10」; with points only to the day, as 「3776.24」 and 「1234.5」 are decimals
_ISO_DATE = re.compile(r"(?<![0-9])([0-9]{4})(?:([-/])([0-9]{1,2})(?:\2([0-9]{1,2}))?|\.([0-9]{1,2})\.([0-9]{1,2}))"
                       r"(?![0-9])")
_ERA_YEAR = re.compile(rf"({'|'.join(ERAS)})(元|[0-9]+)年")
_LEADING_ZERO = re.compile(r"(?<![0-9])0([0-9])(?=[月日])")
# an era's year written beside the calendar's (「1952年(昭和27年)4月」), a day of the week after a day (「7日(月)」)
_ASIDE = re.compile(rf"(?<=[年日])\s*[(（](?:(?:{'|'.join(ERAS)})(?:元|[0-9]+)年|{_DAY}(?:曜日?)?(?:・?祝)?)[)）]")


def dates_spelled(text: str) -> str:
    """`text` with its dates written as questions write them: 「2026-03-10」 and 「2026/3/10」 as 「2026年3月10日」,
    「令和7年」 as 「2025年」, 「03月」 as 「3月」, an era's year or a weekday beside a date left out
    (「1952年(昭和27年)4月」, 「7日(月)」)."""
    def spelled(m: re.Match) -> str:
        month, day = m[3] or m[5], m[4] or m[6]
        return f"{m[1]}年{int(month)}月" + (f"{int(day)}日" if day else "")

    def era(m: re.Match) -> str:
        return f"{ERAS[m[1]] + (1 if m[2] == '元' else int(m[2]))}年"
    text = _ASIDE.sub("", fold_width(text))
    return _LEADING_ZERO.sub(r"\1", _ERA_YEAR.sub(era, _ISO_DATE.sub(spelled, text)))


def date_part(part: str) -> re.Pattern:
    """A pattern for a date or the part of one (「1月5日」, 「2026年」) standing whole: not the end of a longer
    number (「11月5日」)."""
    return re.compile(rf"(?<![0-9]){re.escape(part)}")


def date_in(date: str, spelled: str) -> bool:
    """Whether a text, written as `spelled` (after `dates_spelled`), states `date` (「4月1日」, 「2026年4月」)
    whole: 「2026/4/1」 and 「令和8年4月1日」 state 「4月1日」, but 「11月5日」 does not state 「1月5日」. A year stands
    apart from its month as often as beside it: the date is stated where the text states the rest of it without a
    year of its own (「2025年4月1日」 dates another day) and its year either on the first date of a range it ends
    (「2026年3月1日～4月15日」) or standing alone (「2026年は、…4月1日から」; 「2026年度」 from April only, as its
    January to March fall in 2027)."""
    date = dates_spelled(date)
    if date_part(date).search(spelled):
        return True
    year = YEAR_BEFORE_MONTH.match(date)
    if year is None:
        return False
    stated_year, rest = re.escape(date[:year.end()]), re.escape(date[year.end():])
    if re.search(rf"(?<![0-9]){stated_year}[0-9]+月(?:[0-9]+日)?\s*(?:{RANGE_MARK})\s*{rest}", spelled):
        return True
    fiscal = "" if int(re.match("[0-9]+", date[year.end():])[0]) >= 4 else "|度"
    alone = re.compile(rf"(?<![0-9]){stated_year}(?![0-9]+月{fiscal})")
    return bool(alone.search(spelled) and re.search(rf"(?<![0-9]年)(?<![0-9]){rest}", spelled))


def date_as_written(date: str, question: str) -> str:
    """A date of `stated_dates` in the era's years where `question` writes it so (「2027年度」 asked as 「令和9年度」):
    the reader is told of what they wrote. Other spellings (「2026/3」) are given as `stated_dates` reads them."""
    folded = fold_width(question)
    year = re.match("([0-9]+)年", date)
    if date in folded or year is None:
        return date
    rest = date[year.end():]
    for era, base in ERAS.items():
        number = int(year[1]) - base
        for form in (f"{era}{number}年{rest}", f"{era}元年{rest}" if number == 1 else ""):
            if number > 0 and form and form in folded:
                return form
    return date


_FISCAL_YEAR = re.compile(r"([0-9]{4})年度")
_YEAR_AND_MONTH = re.compile(r"(?<![0-9])([0-9]+)年([0-9]+)月")


def holds_fiscal_year(date: str, spelled: str) -> bool | None:
    """Whether a text (after `dates_spelled`) holds the fiscal year `date` names (「2026年度」): as such, by its year
    standing alone (「2003年、…同年度の蔵書数」) or by a month within it, April to the March after (「2026年4月」 to
    「2027年3月」): 「令和9年3月31日まで」 ends fiscal 2026 and says nothing of 2027. None when `date` is no fiscal year."""
    if (fiscal := _FISCAL_YEAR.fullmatch(fold_width(date))) is None:
        return None
    year = int(fiscal[1])
    return re.search(rf"(?<![0-9]){year}年(?:度|(?![0-9]+月))", spelled) is not None or any(
        (int(y), int(m) >= 4) in ((year, True), (year + 1, False)) for y, m in _YEAR_AND_MONTH.findall(spelled))


def date_form(date: str) -> tuple[bool, ...]:
    """The parts a date is written to: year, month, day, fiscal year (「2026年4月」 and 「2025年4月」 share one)."""
    return tuple(unit in date for unit in "年月日度")


def stated_dates(question: str) -> list[str]:
    """The dates `question` states (「2025年3月の時点では何社」 gives 「2025年3月」, 「令和7年3月」 too), years
    (「2020年通年」 gives 「2020年」) and fiscal years (「令和9年度」 gives 「2027年度」), leading zeros dropped: an
    article answering it holds their year and month, the year, or the fiscal year."""
    return list(dict.fromkeys(m[0] for m in _STATED_DATE.finditer(dates_spelled(question))))


# The units money is counted in (a price list's 円, an article's ドル; 万円 and 億ドル end with them).
CURRENCIES = ("円", "ドル", "ユーロ", "ウォン", "ルーブル", "ルピー", "フラン")


def is_money(unit: str) -> bool:
    """Whether a figure's unit counts money (「円」, 「万円」, 「億ドル」)."""
    return unit.endswith(CURRENCIES)


# The period an amount is paid for, as a question asks it (「年払いにすると」, 「1年分で」) or a text states it (a
# column 「改定後月額」, 「月会費は」, 「月々」): a price for a month answers no question about a year's, nor the reverse.
_PERIODS = {"年": re.compile(rf"年払|年額|年会費|年間|(?<![0-9{KANJI_NUMERALS}])[1一]年(?:分|あたり|につき)|年あたり|/年"),
            "月": re.compile(rf"月払|月額|月会費|月謝|月々|毎月|(?<![0-9{KANJI_NUMERALS}])[1一]?[かカヶヵ]月(?:分|あたり|につき)"
                            r"|ひと月|月あたり|/月")}


def period_of(text: str) -> str:
    """The period (「年」 or 「月」) `text` says an amount is for, "" where it names none or both."""
    folded = fold_width(text)
    named = [period for period, words in _PERIODS.items() if words.search(folded)]
    return named[0] if len(named) == 1 else ""


# A class of customer as price lists name it where a question names it otherwise: a child's fare or fee is 「小人」
# (しょうにん) on tickets and tables, asked about as 小学生, 子ども or 児童.
PRICE_CLASSES = {"小学生": "小人", "子ども": "小人", "子供": "小人", "こども": "小人", "児童": "小人"}
# The classes of customer that price lists charge apart; one named alone in a question asking a price (「小学生が高速船で
# …片道の運賃はいくら」) is one such customer. Not a bound (「中学生以下」) nor part of a longer word.
_CUSTOMER_CLASS = re.compile(rf"(?<![{KANJI}{KATAKANA}])(?:大人|小人|子ども|子供|こども|児童|小学生|中学生|高校生|大学生|学生|幼児"
                             rf"|シニア|高齢者)(?![{KANJI}{KATAKANA}])")


# Words that count or gather customers (「2人」, 「ふたり」, 「団体」, 「家族で」, 「友達と」): with them, a class named
# alone is no single customer.
_MANY_CUSTOMERS = re.compile(f"[0-9{KANJI_NUMERALS}何数複]\\s*(?:人|名)|人数|名様|ふたり|さんにん|よにん|団体|家族|かぞく|全員"
                             "|グループ|みんな|皆|友達|ともだち|友人|一緒|いっしょ|同伴|連れ|親子|夫婦|ペア")


def customer_classes(question: str) -> list[str]:
    """The classes of customer `question` names (`_CUSTOMER_CLASS`), in order."""
    return _CUSTOMER_CLASS.findall(fold_width(question))


def counts_customers(question: str) -> bool:
    """Whether `question`, its classes of customer taken out (大人 and 小人 hold 人), counts or gathers customers
    (`_MANY_CUSTOMERS`)."""
    return _MANY_CUSTOMERS.search(_CUSTOMER_CLASS.sub("", fold_width(question))) is not None


# A share asked for one of the sessions, nights, days or other lengths of time a price covers (「1回あたり」, 「1泊
# につき」, 「1日当たり」): the counter of that one. Not 「1人あたり」: a row's count of persons is a capacity (「定員:
# 15人」) as often as the number a price is shared by.
_PER_ONE = re.compile(r"(?<![0-9.,])1(回|日|泊|時間|週|[かカヶヵケ]月)(?:あたり|当たり|につき)")


def counter_form(counter: str) -> str:
    """A counter in one spelling: months are 「か月」 however their か is written (カ月, ヶ月, ヵ月, ケ月)."""
    return re.sub("^[カヶヵケ](?=月)", "か", counter)


def per_one(question: str) -> str:
    """The counter (「回」, 「か月」: `counter_form`) of the one `question` asks a share of a price for
    (「1回あたりにするといくら」), "" if none."""
    match = _PER_ONE.search(fold_width(question))
    return counter_form(match[1]) if match else ""


def for_one(words: str, counter: str) -> bool:
    """Whether `words` (a column's name, a price as written) say a price is for one `counter` (「手数料(1回)」,
    「回あたり料金」, 「1回500円」, and for a month 「月額」: `period_of`): not 「受講料(全回分)」."""
    folded = fold_width(words)
    return re.search(rf"(?<![0-9.,])1{counter}|{counter}(?:あたり|当たり|につき)", folded) is not None or (
        counter == "か月" and period_of(folded) == "月")



# --- changes ----------------------------------------------------------------------------------------------------

# A value changed to another (「始発便を午前7時10分から午前6時40分に繰り上げ」, 「4,200円から4,600円に改定」): the
# second is the one in force. A value is a number with what follows it up to 「から」 or 「に」, no particle inside, so
# that 「1日より開館時刻を午前6時」 is no value; 「AからBにかけて」 is a span of time, and no change.
_CHANGE_VERB = r"変更|改定|改正|値上げ|値下げ|引き上げ|引き下げ|繰り上げ|繰り下げ|延長|短縮|増額|減額|拡大|縮小|移転|移行"
_CHANGED_VALUE = rf"(?:午前|午後|約)?{NUMBER}[^{HIRAGANA}、。,\s「」()（）\-−－～〜~]{{0,8}}?"
_CHANGE = re.compile(rf"({_CHANGED_VALUE})から({_CHANGED_VALUE})に(?:{_CHANGE_VERB})")
# A question about what held before a change (「現行の料金」, 「改定前は」, 「これまでは」).
ASKS_BEFORE_CHANGE = re.compile(r"現行|改定前|改正前|変更前|値上げ前|値下げ前|これまで|従来|今まで")


def changed_values(text: str) -> list[tuple[str, str]]:
    """(old, new) for each value `text` says is changed to another of the same unit (「午前7時10分」 to 「午前6時40分」,
    not 「2024年4月」 to 「5月」, nor a bare number, 「レベルを1から3に」), as `text` writes them (in any width)."""
    folded, spans = fold_width_with_offsets(text)
    return [(written_part(text, spans, *m.span(1)), written_part(text, spans, *m.span(2)))
            for m in _CHANGE.finditer(folded) if _unit_of(m[1]) and _unit_of(m[1]) == _unit_of(m[2])]


# A question asking by how much a figure rose or fell, or stands above another (「いくら値上がり」, 「何円高く」,
# 「何人増えた」), its unit and 「ほど」 between; not the value it rose to (「いくらに値上げ」, 「何人に増えた」), nor a rate
# (「何%高い」, `asked_change`'s).
_CHANGED_BY = r"高く|高い|安く|安い|値上が|値下が|値上げ|値下げ|増え|増加|増額|減っ|減り|減少|減額|多い|多く|少な|上回|下回" \
    r"|(?<!以)上が|(?<!以)下が|引き上げ|引き下げ|アップ|ダウン"
_DIFFERENCE_ASKED = re.compile(rf"(?:何|いくら)[^、。?？%にへまかでと以]{{0,3}}?(?:{_CHANGED_BY})")
# A figure stated as a difference, besides what makes any figure no value of its own (`_NOT_A_VALUE`: 「50人多い」,
# 「3,000円高い」): a change after it, a particle between (「770円の値上げ」, 「300円引き上げ」, 「300円も値上がり」), or
# 「差額は」 before it.
_DIFFERENCE_PARTICLE = re.compile(r"の|も|ずつ|ほど")
_CHANGE_WORD = re.compile(rf"{_CHANGE_VERB}|値上が|値下が|上が|下が|上昇|下落|プラス|マイナス")
_DIFFERENCE_BEFORE = re.compile(r"差額?(?:は|が)?$")
# Words that name the value before a change (`ASKS_BEFORE_CHANGE`: 「現行」, 「これまで」), the value after it (「改定後」),
# or a year or a time before or now (「前年」, 「今年」).
_BEFORE_AND_AFTER = re.compile(rf"{ASKS_BEFORE_CHANGE.pattern}|改定後|改正後|変更後|前年|昨年|前回|今年|本年|今回")


def asks_difference(question: str) -> bool:
    """Whether `question` asks by how much one figure differs from another (not by how many percent)."""
    folded = fold_width(question)
    return asked_change(folded) is None and _DIFFERENCE_ASKED.search(folded) is not None


def _stated_as_difference(text: str, figure: Quantity) -> bool:
    """Whether `text` states `figure` as a difference, a part or a bound rather than a value (see above)."""
    particle = _DIFFERENCE_PARTICLE.match(text, figure.end)
    after = particle.end() if particle else figure.end
    return bool(_NOT_A_VALUE.match(text, after) or _CHANGE_WORD.match(text, after)
                or _DIFFERENCE_BEFORE.search(text, 0, figure.start))


def compared_pair(text: str, unit: str) -> tuple[Quantity, Quantity] | None:
    """The value before and after a change that `text` (folded) states in `unit`: exactly two figures of different
    value, in a sentence that changes one to the other (「8,580円から9,350円に改定」) or names them as before and
    after between them (「現行: 8,580円、改定後: 9,350円」), neither of them stated as a difference (「770円の値上げ」).
    Two prices side by side (「改定後の料金は、大人1,000円、子ども500円」) are no change."""
    same = [q for q in amounts(text) if q.unit == unit]
    if len(same) != 2 or same[0].value == same[1].value \
            or not (changed_values(text) or _BEFORE_AND_AFTER.search(text, same[0].end, same[1].start)) \
            or any(_stated_as_difference(text, q) for q in same):
        return None
    return same[0], same[1]


# The words naming the earlier of two values (「現行」, 「前年」): standing between them, they follow the later one.
_EARLIER = re.compile(rf"{ASKS_BEFORE_CHANGE.pattern}|前年|昨年|前回")


def before_and_after(text: str, unit: str) -> tuple[Quantity, Quantity] | None:
    """The value before a change and the value after it that `text` (folded) states in `unit` (`compared_pair`), in
    that order: 「改定後: 9,350円、現行: 8,580円」 names the later first."""
    pair = compared_pair(text, unit)
    if pair is None:
        return None
    first, second = pair
    later_first = not changed_values(text) and _EARLIER.search(text, first.end, second.start) is not None
    return (second, first) if later_first else pair


def _unit_of(value: str) -> str:
    """What a changed value counts in: its letters once its digits and 午前, 午後 or 約 are taken out (「時分」)."""
    return re.sub(rf"^(?:午前|午後|約)|[0-9{KANJI_NUMERALS}.,]", "", value)


# --- phrases ----------------------------------------------------------------------------------------------------

# What closes a statement without adding to it: copulas, plain and polite, present and past (だ, だった, です,
# でした, である, であった, ます, ました), and the verbs that report a name or a view (と呼ばれています,
# とされています, という), at the end of a sentence, repeated or not.
COPULA_END = re.compile(r"(?:です|でした|である|であった|だった|だ|ます|ました|とされています|と呼ばれています|という)+"
                        r"[。．.]?$")
# What ends a clause rather than a name: a verb or adjective in its plain or past form (ある, いる, した, する,
# れる, った, ない), polite (ます, ました) or with a plain copula (だった, である). 「…です」 is left out: a name
# stated as the answer (「ラブロフ外相です」) ends so.
PREDICATE_END = re.compile(r"(?:ある|いる|した|する|れる|った|ない|ます|ました|だった|である)[。．.]?$")
# A question asking what someone did (「何をしましたか」, 「何をしたの」, 「何をしている」): an act answers it, a noun
# with the verb it takes (「経済制裁の発動を見送った」), not the noun alone, which may say the opposite of the act.
ASKS_ACT = re.compile(r"何をし(?:た(?![いら])|まし(?!ょう)|てい(?![いで]))")
# The verb a noun takes after a case particle, to the end of the sentence (「を見送った」, 「と会談した」, 「を求めた」,
# 「に参加している」): one clause, no comma, bracket or second sentence between, ending in a past or progressive form
# (not 「見送る考えだ」).
_ACT_AFTER = re.compile(rf"[をとに][^、。,，\n「」『』()（）]{{1,20}}?(?:[{HIRAGANA}]た|[んい]だ|ている|ています)(?=[。．.]?(?:\n|$))")


def act_after(text: str, end: int) -> int:
    """Where the act of the noun ending at `end` of `text` ends (`_ACT_AFTER`: 「…の発動」 on to 「を見送った」),
    `end` itself where no particle and verb closing the sentence follow it."""
    match = _ACT_AFTER.match(text, end)
    return match.end() if match else end


# Particles (and a comma) that tie a word to the rest of its sentence: at the edge of a phrase cut out of it,
# they are not part of what the phrase names.
PARTICLE = r"(?:[はがのをにでともへや、,]|から|まで|より)"
EDGE_PARTICLES = re.compile(rf"^{PARTICLE}+|{PARTICLE}+$")
# The letters a name or other noun phrase is written in: kanji, katakana, Latin letters, digits and the marks
# inside names (・, brackets, 「3.5%」). Hiragana ends a run of them, as particles and verb endings are written in it.
NOUN_LETTERS = rf"[{KANJI}{KATAKANA}A-Za-z0-9・.,{OPENING_BRACKETS}{CLOSING_BRACKETS}%％-]+"
# A noun phrase: runs of those letters joined by 「の」 (「サロン市のフランシスコ会修道院」, 「関ヶ原の戦い」).
NOUN_PHRASE = rf"{NOUN_LETTERS}(?:の{NOUN_LETTERS})*"
# Words after a number that bound or round it and belong to it (「1925年ごろ」, 「15種類以上」), and before it: its
# sign, 「約」, 「紀元前」 or the start of a range (「-32°C」, 「約50%」, 「9-10%」).
NUMBER_BOUNDS = rf"ごろ|頃|前後|余り|程度|{BOUNDS}"
# Words after a date that name a part of its period and belong to it (「4月中旬」, 「2020年末」, 「3月末日」; not the 末 of
# 末期).
DATE_PARTS = r"上旬|中旬|下旬|初旬|初頭|半ば|前半|後半|中頃|中ごろ|末日|末(?![期尾端])"
# 「約」 is no rounding at the end of a word (予約, 契約, 条約); a range's start is a whole number (not the 00 of 10:00);
# a minus sign follows no digit, letter, katakana or date (「6月-7月」, 「SC-300」 hold none).
NUMBER_PREFIXES = (rf"(?<![予契節集要規条制公婚特誓倹解])約|およそ|紀元前|(?<![0-9.:])[0-9.]+[-−～〜~]"
                   rf"|(?<![0-9A-Za-z{KATAKANA}年月日時分秒])[-−－]")
# What separates the items of a list: 「、」, or 「と」「や」 between two words that are not hiragana (「英語やロシア
# 語」), since inside a hiragana word they are letters (「ひとつ」).
LIST_SEPARATOR = re.compile(rf"、|(?<=[^{HIRAGANA}、])[とや](?=[^{HIRAGANA}、])")
# A question asking to choose among the words it lists (「洞穴と深海のどっち」, 「町と村のどちら」, 「A、B、Cのうちどれ」);
# 「どれくらい」 and the like ask for an amount instead.
CHOICE_WORD = re.compile(r"どちら|どっち|どれ(?!くらい|ぐらい|ほど|だけ)")
# What joins the options of such a question: 「と」, 「や」, 「か」, 「、」 or 「または」.
_OPTION_JOINER = r"(?:[とやか、,]|または)"
_OPTION_BEFORE = re.compile(f"{_OPTION_JOINER}$")
_OPTION_AFTER = re.compile(f"^{_OPTION_JOINER}")
# Two options joined before the choice word: a joiner between two letters that are not hiragana (in 「あるか」 or
# 「のと」 the letters are a word's own).
_LISTED_OPTIONS = re.compile(rf"[^{HIRAGANA}、,]{_OPTION_JOINER}[^{HIRAGANA}、,]")
# 「洞穴の方です。」 names the option 「洞穴」.
_CHOSEN_END = re.compile(r"の(?:方|ほう)$")


def lists_options(question: str) -> bool:
    """Whether a choice question names its options (「町と村のどちら」); 「機体のどちらに損傷」 names none."""
    question = fold(question)
    choice = CHOICE_WORD.search(question)
    return choice is not None and _LISTED_OPTIONS.search(question[:choice.start()]) is not None


# Brackets around an option (「『羅生門』と『老年』」) are no part of it.
_BRACKETS = re.compile(f"[{OPENING_BRACKETS}{CLOSING_BRACKETS}]")
# A word of a sentence, for finding the option it names: a run of letters that are not hiragana or punctuation.
_WORD_RUN = re.compile(rf"[^{HIRAGANA}、。,.!?！？\s]+")


def named_option(answer: str, question: str) -> str:
    """The option of a choice question that a short answer or an answer sentence names, as it spells it
    (「洞穴の方です。」 names 「洞穴」; 「ラカタ島は1883年の噴火が先です。」 names 「ラカタ島」), or "" when it names none or
    more than one (「うつ病とBPDでは…」 chooses neither)."""
    words = _CHOSEN_END.sub("", COPULA_END.sub("", answer.strip())).strip()
    if offered_option(words, question):
        return words
    named = {run for run in _WORD_RUN.findall(words) if offered_option(run, question)}
    return named.pop() if len(named) == 1 else ""


def offered_option(words: str, question: str) -> bool:
    """Whether `words` are one of the options a choice question lists (`CHOICE_WORD`): the question holds them
    joined to the next or the previous option (「洞穴と深海のどっち」 offers 「洞穴」 and 「深海」, not 「光量」). Brackets
    do not count: 「『羅生門』と『老年』と、どっち」 offers 「老年」 and 「『老年』」."""
    words, question = option_form(words.strip()), option_form(question)
    if not words or not CHOICE_WORD.search(question):
        return False
    start = question.find(words)
    while start >= 0:
        end = start + len(words)
        if _OPTION_BEFORE.search(question[:start]) or _OPTION_AFTER.match(question[end:]):
            return True
        start = question.find(words, start + 1)
    return False


def option_form(words: str) -> str:
    """The form in which options are compared: folded, without brackets (「『老年』」 is 「老年」)."""
    return _BRACKETS.sub("", fold(words))


# A word joined to the next by 「の」 describes it (「東京の面積」, 「バルト三国の独立」): no option is cut out of it.
_DESCRIBES = re.compile(rf"の(?!うち|中で|{CHOICE_WORD.pattern}|方|ほう)[^{HIRAGANA}、,。\s]")
_DESCRIBED = re.compile(rf"[^{HIRAGANA}、,。\s]の$")


def listed_options(question: str) -> list[str]:
    """The options a choice question lists, as it spells them without brackets, in its order: the last words
    joined by one joiner (「と」, 「、」...) before its choice word (「スフリエール山と諏訪之瀬島はどちらが先に」 lists
    「スフリエール山」 and 「諏訪之瀬島」). None where the joiners differ (in 「2019年、A社とB社では」 and 「2019年と
    2020年、A社は」 a 「、」 may end a clause), an option is a word described by another (「東京の面積と大阪の面積」),
    a single letter, a bare number or a word the question repeats, or where some options are dates and others not
    (「2019年、A社、B社」)."""
    text = _BRACKETS.sub("", fold_width(question))
    choices = list(CHOICE_WORD.finditer(text))
    if not choices:
        return []
    runs = [m for m in _WORD_RUN.finditer(text) if m.end() <= choices[-1].start()]
    chain: list[re.Match] = []
    joiners: set[str] = set()
    for run in reversed(runs):  # the last runs joined to each other
        between = text[run.end():chain[0].start()] if chain else ""
        if chain and re.fullmatch(_OPTION_JOINER, between):
            chain.insert(0, run)
            joiners.add(between)
        elif len(chain) >= 2:
            break
        else:
            chain, joiners = [run], set()
    if len(chain) < 2 or len(joiners) > 1 or _DESCRIBES.match(text, chain[-1].end()) \
            or _DESCRIBED.search(text[:chain[0].start()]):
        return []
    options = [run[0] for run in chain]
    form = option_form(question)
    if any(len(option) < 2 or option.isdigit() or form.count(option_form(option)) > 1 for option in options) \
            or len({bool(DATE.fullmatch(option)) for option in options}) > 1:
        return []
    return options


# What a choice question compares its options by, and which end answers: an earlier or later date (「先に」,
# 「より早く」, 「後で」, not the 「後に」 of 「独立の後に」), a larger or smaller amount (「多い」, 「高い」, 「安い」; not
# 「速い」, said of a speed and of a time alike). A question with words of both ends or both kinds, a negated
# comparison (「高くない」) or an ordinal (「2番目に」) is not read.
_COMPARATIVES = (
    ("date", -1, re.compile(r"先に|早く|早い|早かった|古い|古く|昔")),
    ("date", 1, re.compile(r"(?<![のそ])後[にで]|遅く|遅い|遅かった|新しい")),
    ("amount", 1, re.compile(r"多い|多かった|多く|高い|高かった|大きい|大きかった|広い|長い|重い|深い")),
    ("amount", -1, re.compile(r"少ない|少なかった|少なく|低い|低かった|安い|安かった|小さい|狭い|短い|軽い|浅い")))
_NOT_COMPARED = re.compile(r"くない|ではない|じゃない|番目")


# Words that rank what a question compares (「一番安い部屋」, 「最も高い」, 「どちらが」, 「ホールの方が」, 「より安い」),
# not an adjective said of one thing (「体育館って高い？」, 「早く予約すると」).
_RANKING = re.compile(rf"{CHOICE_WORD.pattern}|一番|いちばん|最も|もっとも|最[安高低多少大小長短]|(?:方|ほう)が"
                      r"|より(?:安|高|多|少|大き|小さ|長|短|早|遅)")


def compares(question: str) -> bool:
    """Whether `question` ranks what it compares (`_RANKING`): it asks about the whole of a list, not one thing it
    names."""
    return _RANKING.search(fold(question)) is not None


def compared_by(question: str) -> tuple[str, int] | None:
    """("date" or "amount", -1 for the smallest or earliest, 1 for the largest or latest) that a choice question
    listing its options asks for (「どちらが先に噴火」: ("date", -1)), or None."""
    question = fold(question)
    # a question asking for something else of the chosen one (「最も多い都市の人口は何人」) is no choice
    if not listed_options(question) or _NOT_COMPARED.search(question) \
            or ASKING_WORD.search(CHOICE_WORD.sub("", question)):
        return None
    asked = {(kind, sign) for kind, sign, words in _COMPARATIVES if words.search(question)}
    return asked.pop() if len(asked) == 1 else None


# Cell values that say whether a thing is there, needed or allowed, or that it is not given: a question holds them
# as words of its own (「駐車場はありますか」, 「予約不要ですか」), not as the name of a row.
PRESENCE_WORDS = ("あり", "なし", "有り", "無し", "不要", "不可", "有料", "無料", "未定")


def _script_of(char: str) -> str:
    """A character class of the letters a word in `char`'s script goes on in: letters and digits, kanji, katakana
    (hiragana ends no word: its particles stand beside words)."""
    for letters in ("a-z0-9", KANJI, KATAKANA):
        if re.fullmatch(f"[{letters}]", char):
            return f"[{letters}]"
    return "(?!)"


def gives_value(value: str, name: str, question: str) -> bool:
    """Whether `question` gives a table cell's `value` as the value of its column `name`: written right beside the
    column's name (「Lサイズ」, 「サイズL」), or anywhere for the row's first cell, the one naming the row (「港町店」;
    `name` ""). The value stands as a word: not inside a longer run of its first and last letters' script (the 「L」
    of 「LEDサイズ」, the 「会員」 of 「非会員」 or 「会員以外」, the 「一般」 of 「一般的」); a value of one character in
    another script than letters and digits (「有」, 「要」, 「○」) or one of PRESENCE_WORDS names no row."""
    value, name, question = squash(value), squash(name), squash(question)  # folded and lower-cased
    if value in PRESENCE_WORDS or not (re.fullmatch(r"[a-z0-9]+", value) or len(value) >= 2):
        return False
    before, after = rf"(?<!{_script_of(value[0])})", rf"(?!{_script_of(value[-1])})"
    value = re.escape(value)
    if name:  # the column's name bounds the value on its side (「Lサイズ」, 「サイズL」)
        written = rf"{before}{value}{re.escape(name)}|{re.escape(name)}{value}{after}"
    else:
        written = rf"{before}{value}{after}"
    return re.search(written, question) is not None


_OTHER_HALF = dict(zip(OPENING_BRACKETS + CLOSING_BRACKETS, CLOSING_BRACKETS + OPENING_BRACKETS))


def half_pair(span: str, bracket: str) -> bool:
    """Whether `span` holds more of the other half of `bracket`'s pair than of `bracket`: it closes 「 without
    opening it (「梅山」号」 seen from its 「), or opens it without closing it."""
    return span.count(_OTHER_HALF[bracket]) > span.count(bracket)


# What a cut leaves at the edges of a phrase and no answer begins or ends with: a comma, a stop, a middle dot, a space.
_LOOSE_MARKS = "、,，。．・ \u3000"


def without_loose_marks(text: str) -> str:
    """`text` without what cutting it out of its sentence left at its edges: commas, stops and middle dots, and a
    bracket whose other half, in either width, it does not hold (「「公式Webサイト」 gives 「公式Webサイト」, 「ノルドストリー
    ム2)」 gives 「ノルドストリーム2」, 「、1837年」 gives 「1837年」). A pair stays (『論語』, 「タイ＋１（プラスワン)」)."""
    while True:  # a bracket that can only be loose goes first, so that 「「人」、「」 keeps its pair
        trimmed = text.strip(_LOOSE_MARKS)
        folded = fold_width(trimmed)  # 「（」 pairs with 「)」
        if trimmed[:1] in CLOSING_BRACKETS:
            trimmed = trimmed[1:]
        elif trimmed[-1:] in OPENING_BRACKETS:
            trimmed = trimmed[:-1]
        elif trimmed[:1] in OPENING_BRACKETS and half_pair(folded, _OTHER_HALF[fold_width(trimmed[0])]):
            trimmed = trimmed[1:]
        elif trimmed[-1:] in CLOSING_BRACKETS and half_pair(folded, _OTHER_HALF[fold_width(trimmed[-1])]):
            trimmed = trimmed[:-1]
        if trimmed == text:
            return text
        text = trimmed


def clause_breaks(text: str, lists: bool = False) -> Iterator[int]:
    """Where `text` breaks into clauses, outside brackets: at 「、」 and 「;」, at 「,」 between no two digits (not in
    「1,200人」). Where `lists`, also at 「，」, 「。」, a line break (which closes any quote left open) and the 「と」 or
    「や」 joining two nouns of a list (「ロシアのTU-95MSと中国空軍の西安H-6」; not the と of 「…とした」 or 「ロシアとの」,
    which hiragana follows), and only quotes hold their words together (「「ロシア、中国」の声明」): a list in
    parentheses is read item by item (「爆撃機(ロシアのTU-95MSと中国空軍の西安H-6)」)."""
    opening, closing = ("「『", "」』") if lists else (OPENING_BRACKETS, CLOSING_BRACKETS)
    depth = 0
    kana = _HIRAGANA_LETTER
    for i, ch in enumerate(text):
        if ch in opening:
            depth += 1
        elif ch in closing:
            depth = max(depth - 1, 0)
        elif lists and ch == "\n":
            depth = 0
            yield i
        elif depth == 0 and (ch in "、;；" or ch in (",，" if lists else ",")
                             and not (text[i - 1:i] + text[i + 1:i + 2]).isdigit()
                             or lists and (ch == "。" or ch in "とや" and 0 < i < len(text) - 1
                                           and not kana.match(text, i - 1) and not kana.match(text, i + 1))):
            yield i


_HIRAGANA_LETTER = re.compile(f"[{HIRAGANA}]")


@functools.lru_cache(maxsize=64)
def _list_breaks(text: str) -> tuple[int, ...]:
    """`clause_breaks` with lists, once per text: the reader's spans of one evidence block are read in it in turn."""
    return tuple(clause_breaks(text, lists=True))


def clauses(text: str) -> list[str]:
    """`text` cut at 「、」 and 「;」 (and at 「,」 between no two digits), but not inside brackets (`clause_breaks`): the
    clause that names a thing holds its figure (「1868年にロックスベリー、1879年にドーチェスターを併合」)."""
    parts, start = [], 0
    for i in clause_breaks(text):
        parts.append(text[start:i])
        start = i + 1
    return [part for part in [*parts, text[start:]] if part.strip()]


# A year as a comparison reads it: three or four digits (an era's year, 「昭和30年」, has fewer), 紀元前 before it
# counted, with its month and day when written, followed by what follows a date (a particle, a bracket, 「まで」,
# 「頃」...); not the end of a range (「1811〜1815年」) nor a length of time (「1200年の歴史」, 「1200年続く」,
# 「300年以上」, 「1000年前」).
_COMPARED_DATE = re.compile(
    r"(紀元前)?(?<![0-9])(?<![0-9][-−－~〜～])([0-9]{3,4})年(?:([0-9]{1,2})月(?:([0-9]{1,2})日)?)?"
    r"(?=[にのはでと、。,)）(（]|まで|から|頃|ごろ|以降|より|度|$)(?!の歴史|にわた)")
# What makes a figure no value of its own: a part or a bound of something (「5,000円分」, 「1,000人以上」), or a
# difference (「3,000円高い」, 「2割増」).
_NOT_A_VALUE = re.compile(rf"分|{BOUNDS}|超|増|減|高|安|多|少|上回|下回|アップ|ダウン|の?差")
# A sign before a figure, 「約」 between them allowed (「氷点下約20℃」).
_MINUS = re.compile(r"(?:[-−－]|マイナス|氷点下|零下)(?:約|およそ)?$")


def without_words(text: str, words: str) -> str:
    """`text` (width folded) with `words` (in `option_form`) taken out wherever it stands, in any case."""
    return re.sub(re.escape(option_form(words)), " ", fold_width(text), flags=re.IGNORECASE)


class Compared(NamedTuple):
    """A figure as a comparison reads it: a value that sorts, its unit, and the figure as the clause writes it
    (width folded)."""

    value: tuple
    unit: str
    written: str

    def precedes(self, other: Compared) -> bool | None:
        """Whether this value is the smaller, or None where the two do not tell: a date without the month (or day)
        that sets it apart from the other (「1812年」 and 「1812年5月」)."""
        for mine, theirs in zip(self.value, other.value):
            if mine != theirs:
                return None if 0 in (mine, theirs) and self.unit == "年" else mine < theirs
        return None


def compared_value(clause: str, kind: str) -> Compared | None:
    """The one figure of `kind` ("date" or "amount") a clause states, or None when it states none or more than
    one: a date as (year, month, day), a year 紀元前 below zero; an amount with its unit and sign (「−55.3°C」,
    「氷点下5℃」), a range (「1.5-4.9平方キロメートル」) being two figures, and a part, bound or difference
    (`_NOT_A_VALUE`) none."""
    clause = fold_width(clause)
    if kind == "date":
        found = {((-1 if m[1] else 1) * int(m[2]), int(m[3] or 0), int(m[4] or 0)): m[0]
                 for m in _COMPARED_DATE.finditer(clause)}
        if len(found) != 1:
            return None
        (value, written), = found.items()
        return Compared(value, "年", written)
    figures = amounts(clause)
    if len(figures) != 1 or not figures[0].unit or _NOT_A_VALUE.match(clause, figures[0].end):
        return None
    figure = figures[0]
    sign = _MINUS.search(clause[:figure.start])
    return Compared((-figure.value if sign else figure.value,), figure.unit,
                    (sign[0] if sign else "") + figure.written(clause))


# A phrase ending in a kanji, katakana, letter, digit, closing bracket or 「%」 reads as a noun phrase: 「…です。」
# fits it; one ending in hiragana is a clause.
NOUN_END = re.compile(rf"[{KANJI}{KATAKANA}A-Za-z0-9０-９Ａ-Ｚａ-ｚ{CLOSING_BRACKETS}%％]$")

# --- names ------------------------------------------------------------------------------------------------------

# Endings that make a kanji word the name of one place, branch, district, route or class of member (西口店, 中地区,
# 潮見港, 法人会員): a question about 西口店 is not answered by a row about 東口店. Endings that also close common
# words (館 of 休館 and 閉館, 室 of 和室) are not among them, and 号 names a ship or a train (梅山号), not the kind of
# number or issue in 番号, 記号, 信号, 称号, 年号, 元号, 暗号, 符号 or 創刊号 (「電話番号」 is asked for: a notice
# writes 「電話:」).
PLACE_SUFFIXES = ("店", "駅", "港", "島", "町", "村", "市", "区", "県")
# Oceans, seas, bays, lakes, rivers and mountains named in kanji (太平洋, 日本海, 利根川; islands end in 島, a place
# suffix); not read after hiragana (「おおきな川」). Not ministries (国防総省: ペンタゴン) nor regions (欧州: ヨーロッパ),
# which an article often names otherwise.
GEOGRAPHIC_SUFFIXES = ("洋", "海", "湾", "湖", "川", "山")
NAME_SUFFIXES = (*PLACE_SUFFIXES, *GEOGRAPHIC_SUFFIXES, "線", "(?<![番記信称年元暗符刊])号", "会員")
# a katakana word whole, not a unit after a number or 何 and not a verb (スタートした)
_KATAKANA_NAME = rf"(?<![{KATAKANA}0-9何千万億兆])[{KATAKANA}]{{3,}}(?![{KATAKANA}]|する|した|して|され|させ|しま)"
_MODEL_NUMBER = r"(?<![0-9A-Za-z])[A-Za-z]+-?[0-9][A-Za-z0-9-]*"  # SC-300, A330; not the km2 of 「1.5km2」
_NAMED = re.compile(
    rf"{_KATAKANA_NAME}|{_MODEL_NUMBER}|[0-9]+-?[A-Za-z][A-Za-z0-9-]*"  # and 5G
    # a kanji name with its suffix; one holding 何 (何府県, 条約何号) asks for the name instead
    rf"|(?<![{KANJI}])(?:(?!何)[{KANJI}]){{2,}}(?:{'|'.join(NAME_SUFFIXES)})(?![{KANJI}])"
    # a sea or an ocean written in kanji around a short katakana word (東シナ海, 南シナ海)
    rf"|(?<![{KANJI}{KATAKANA}])(?!何)[{KANJI}][{KATAKANA}]{{1,2}}(?:{'|'.join(GEOGRAPHIC_SUFFIXES)})(?![{KANJI}])")
# What the question asks about is not named by it: 「タイトルは何」「どの都市」.
_ASKED_AFTER = re.compile(rf"(?:は|が|とは|って|の)?(?:{ASKING_WORD.pattern})")
_ASKED_BEFORE = re.compile(rf"(?:{ASKING_WORD.pattern})の?$")


# Place names written in hiragana (いわき市, きさらぎ駅, うみねこ島, さくら島): three hiragana or more before a place
# suffix. Hiragana also spells particles and endings, so a run ending as one does (「1つだけ村」, 「により市場」,
# 「として県」, 「させて店」, 「ここから島」, 「それら島」, 「こちら市」, 「いくら市場」) or as the honorific お (「お店」)
# names nothing. Without a word splitter the start of the name is unknown: it starts after a から, まで or より the run
# holds (「潮見港からうみねこ島」), and its last four letters stand for it, which `holds_name` compares.
_HIRAGANA_PLACE = re.compile(
    rf"[{HIRAGANA}]{{2,}}(?<![のなにへをがはとでもたるいうかずよておりけ])(?<!から)(?<!たら)(?<!なら)(?<!れら)(?<!ちら)"
    rf"(?<!いくら)({'|'.join(PLACE_SUFFIXES)})")
_LEADING_PARTICLE = re.compile(rf"^(?:から|まで|より|[のをにがはでとへも])(?=[{HIRAGANA}]{{3}})")
_JOINING_PARTICLE = re.compile(rf"(?:から|まで|より)(?=[{HIRAGANA}]{{3}})")


# The names an answer states that are no common word: katakana words and model numbers. A kanji word ending as a
# place name does (都市, 大都市, 本店), and a figure with a unit in letters (「5kg」) is checked as a number.
_STATED_NAME = re.compile(f"{_KATAKANA_NAME}|{_MODEL_NUMBER}")


def names_stated(text: str) -> list[str]:
    """The katakana words and model numbers `text` writes (the asked word included): the names an answer
    states."""
    return list(dict.fromkeys(_STATED_NAME.findall(fold_width(text))))


def names_at(folded: str) -> list[tuple[int, str]]:
    """(position, name) of the names `names_in` reads in `folded` (folded to half width), before the asked word is
    left out."""
    names = [(m.start(), m[0]) for m in _NAMED.finditer(folded)]
    for m in _HIRAGANA_PLACE.finditer(folded):
        run = _JOINING_PARTICLE.split(m[0][:-len(m[1])])[-1]
        if len(run) >= 3:
            tail = _LEADING_PARTICLE.sub("", run[-4:])
            names.append((m.end() - len(tail) - len(m[1]), tail + m[1]))
    return sorted(names)


# Words a question writes between quote marks (「ミナモ経費」, 『老年』): a name or a term as the reader read it.
_QUOTED_WORDS = re.compile(r"[「『]([^「」『』]{2,30})[」』]")


def names_in(question: str) -> list[str]:
    """The words by which `question` names the thing it asks about, each of which an answer's article must hold:
    katakana words of three letters or more (プレミアムプラン, セミダブル), model numbers (SC-300), kanji names
    with a suffix of NAME_SUFFIXES, hiragana place names (うみねこ島) and words between quote marks (「ミナモ経費」:
    of JaQuAD train's 3,342 questions quoting words, 4 quote what their article does not write). Left out: units
    after a number or 「何」 (何パーセント), katakana verbs (スタートした) and the word the question asks for
    (「タイトルは何」, 「どの都市」)."""
    folded = fold_width(question)
    named = [name for start, name in names_at(folded)
             if not _ASKED_AFTER.match(folded, start + len(name)) and not _ASKED_BEFORE.search(folded[:start])]
    return list(dict.fromkeys([*named, *_QUOTED_WORDS.findall(folded)]))


# the suffix a name ends with (桜台店: 店), by which another name of its kind is told (港南店)
NAME_SUFFIX = re.compile(f"(?:{'|'.join(NAME_SUFFIXES)})$")
# The kinds of place a word of all, each or the same speaks of (店舗 before 店, that the longer is read whole).
_PLACE_KINDS = f"地区|店舗|{'|'.join(PLACE_SUFFIXES)}"
# Words with a place suffix that name no one place: all, each, the same, the other, a part of them (全地区, 同地区,
# 一部店舗), or a kind of branch (直営店, 加盟店).
_NO_ONE_PLACE = re.compile(rf"(?:全|各|同|他|当|本|一部|対象|周辺|近隣|直営|加盟|系列|市内|町内|県内|国内)"
                           rf"(?:{_PLACE_KINDS}|線)|開店|閉店|支店|売店|在来線|新幹線|大都市|選挙区")


# Words that speak of every place of a kind, or of all but those named (全店舗, 各地区, その他の店舗, 残りの店舗), as
# words of their own (not 安全区域, 各駅停車, 他店と異なり): a sentence so speaking has a subject of its own.
_EVERY_PLACE = re.compile(rf"(?:(?<![{KANJI}])[全各]|(?:その他|他|ほか|残り|それ以外|以外)の|すべての|全ての)"
                          rf"(?:{_PLACE_KINDS})(?![{KANJI}])")


def names_every_place(text: str) -> bool:
    """Whether `text` speaks of every branch, district or place of a kind, or of all but those named
    (「全店舗の土日祝の営業時間」, 「その他の店舗の営業時間」)."""
    return _EVERY_PLACE.search(fold_width(text)) is not None


def _in_order(short: str, long: str) -> bool:
    """Whether the letters of `short` stand in `long` in the same order (「経産」 in 「経済産業」): a word written
    shorter."""
    letters = iter(long)
    return all(letter in letters for letter in short)


def _within(short: str, long: str) -> bool:
    """Whether `short` is part of `long` (「実施地区」 of 「住居表示実施地区」) or, four letters or more, stands in it
    letter by letter in the same order (「経済特区」 in 「経済特別区」; not 「北地区」 in 「北浜地区」, another district)."""
    return short in long or (len(short) >= 4 and _in_order(short, long))


def names_another(text: str, question: str, leave_out: str = "") -> str:
    """The name `text` gives, instead of a name with a suffix that the question gives (桜台店, 浜地区, 東シナ海),
    with the same suffix (港南店, 日本海) that the question does not give: it speaks of another branch, district,
    island or sea. "" where it names none. Words such as 全地区 or 同地区 name no other one, nor words where `text`
    writes `leave_out` (the answer itself)."""
    folded, leave_out = fold_width(text), fold_width(leave_out)
    left_out = [(m.start(), m.end()) for m in re.finditer(re.escape(leave_out), folded)] if leave_out else []
    # a name right after a figure is a word after a number (「10時開店」), no name
    named = [name for start, name in names_at(folded)
             if not _NO_ONE_PLACE.fullmatch(name) and not (start and folded[start - 1].isdigit())
             and not any(start < end and begin < start + len(name) for begin, end in left_out)]
    given = names_in(question)
    # a name the question gives, part of one or one written shorter is no other
    others = [other for other in named if not any(_within(other, name) or _within(name, other) for name in given)]
    for name in given:
        suffix = NAME_SUFFIX.search(name)
        if suffix and name not in folded and (other := next((o for o in others if o.endswith(suffix[0])), "")):
            return other
    return ""


# The countries news writes in kanji, whole (米国, 英国) or by one letter (米露, 訪米, 英首相, 米ロ), that a reader asks
# about in katakana (アメリカ, イギリス).
COUNTRY_LETTERS = {"アメリカ": "米", "イギリス": "英", "フランス": "仏", "ドイツ": "独", "イタリア": "伊",
                   "ロシア": f"露|(?<![{KATAKANA}])ロ(?![{KATAKANA}])", "カナダ": "加", "オーストラリア": "豪",
                   "インド": "印(?!紙)", "オランダ": "蘭"}
_OTHER_LETTERS = "米英仏独伊露加豪印蘭韓朝"
# One letter names its country only where it starts a word (after no kanji or digit: 「参加国」, 「収入印紙」, 「披露」
# name none) and another such letter or a word news joins it to follows (米露, 米国, 英首相, 露外相, 米軍), or where it
# follows another such letter (英仏独伊, 米ロ) or 訪, 対, 駐, 在, 親 or 反 (訪米, 対露, 在米; not 現在英語); 日 and 中
# count as letters at a word's start or after those (日米, 中露, 在日米軍, 日中米; not 毎日英語, 途中露). 印紙 is a stamp.
_JOINED = "国|政府|政権|首相|大統領|外相|国務|国防|外務|軍|側|紙|当局|大使|特使|議会|首脳|高官|企業|代表"
_AFTER_LETTER = (rf"(?<=[{_OTHER_LETTERS}ロ訪対駐親反])|(?<=(?<![現存所])在)|(?<=(?<![{KANJI}0-9])[日中])"
                 rf"|(?<=[{_OTHER_LETTERS}日中ロ在駐訪対][日中])")
_WORD_START = rf"(?<![{KANJI}0-9])"


def country_named(name: str, text: str) -> bool:
    """Whether `text` names the country `name` (in katakana) by its letter in kanji (`COUNTRY_LETTERS`)."""
    letter = COUNTRY_LETTERS.get(fold_width(name))
    return letter is not None and re.search(
        rf"(?:{_AFTER_LETTER})(?:{letter})|{_WORD_START}(?:{letter})(?=[{_OTHER_LETTERS}日中ロ]|{_JOINED})",
        fold_width(text)) is not None


# Countries as questions and articles name them in full, by the name a reader asks with (the letters of
# COUNTRY_LETTERS aside).
COUNTRY_NAMES = {"アメリカ": ("アメリカ", "米国"), "イギリス": ("イギリス", "英国"), "フランス": ("フランス",),
                 "ドイツ": ("ドイツ",), "イタリア": ("イタリア",), "ロシア": ("ロシア",), "カナダ": ("カナダ",),
                 "オーストラリア": ("オーストラリア", "豪州"), "インド": ("インド",), "オランダ": ("オランダ",),
                 "ウクライナ": ("ウクライナ",), "中国": ("中国",), "日本": ("日本",), "韓国": ("韓国",),
                 "北朝鮮": ("北朝鮮",), "台湾": ("台湾",), "ソ連": ("ソ連", "ソビエト連邦")}
_COUNTRY_OF = {form: country for country, forms in COUNTRY_NAMES.items() for form in forms}
_COUNTRY = "|".join(sorted(_COUNTRY_OF, key=len, reverse=True))
# 「中国の外相は誰」: the person asked for, by the country whose office they hold (not 「日本の代表監督」, whom another
# country's citizen may be; not 「…は誰と会談した」, another person).
_OFFICE = r"相|大臣|大統領|主席|首脳|長官|大使|特使|国王|女王|皇帝|首長"
# The words that end an office's name, as a person is titled with it (国防相, 大統領補佐官, 報道官, 社長); 代表 and
# 監督 end a team's name as often (「ブラジル代表」), so a word ending with them names no person
_STATE_OFFICE = rf"{_OFFICE}|補佐官|書記|報道官"  # offices of state: 「ブリンケン米国務長官」
_OTHER_OFFICE = r"議長|委員長|社長|会長|総裁|知事|市長"
_PERSON_OFFICE = rf"{_STATE_OFFICE}|{_OTHER_OFFICE}"
_OFFICE_TITLE = rf"{_PERSON_OFFICE}|代表|監督"
# what follows a person's name without being an office
_HONORIFIC = r"氏|さん|選手|教授|博士|将軍"
# Words that end a person's name or title as news writes it (「パトルシェフ・ロシア安全保障会議書記」, 「マニング氏」,
# 「ラブロフ外相」): words so ending name a person, who answers no 「どこ」.
PERSON_END = re.compile(rf"(?:{_HONORIFIC}|様|君|ちゃん|天皇|{_PERSON_OFFICE})$")
# 「…は誰」, 「…は誰か？」 asking for the person themselves, not 「…は誰と会談した」, 「誰を任命した」 (another person)
# or 「誰かが」 (someone)
_WHO_IS = r"(?:は|って|とは|が)?(?:誰|だれ)(?![とをにへのがも]|か(?![?？。]|$))"
_WHOSE_ASKED = re.compile(
    rf"(?<![{KANJI}{KATAKANA}])({_COUNTRY})の[{KANJI}{KATAKANA}]{{0,6}}(?:{_OFFICE})(?={_WHO_IS})")
_WHOSE_BEFORE = re.compile(rf"(?<![{KANJI}{KATAKANA}])({_COUNTRY})の$")
_WHOSE_START = re.compile(rf"({_COUNTRY})の(?=[{KANJI}{KATAKANA}])")


def asked_whose(question: str) -> tuple[str, str] | None:
    """The country a question asks a person of, and its words (「中国の外相は誰」: ("中国", "中国の外相")), or None."""
    match = _WHOSE_ASKED.search(fold_width(question))
    return (_COUNTRY_OF[match[1]], match[0]) if match else None


def country_before(text: str, start: int) -> str | None:
    """The country `text` names as 「<country>の」 right before `start` (「ロシアのラブロフ外相」 before ラブロフ), or at
    the start of the words from `start` on (「ロシアのラブロフ外相」 itself)."""
    match = _WHOSE_BEFORE.search(text[max(0, start - 12):start]) or _WHOSE_START.match(text, start)
    return _COUNTRY_OF[match[1]] if match else None


# A name's country written between the name and its office (「チャーチル英首相」, 「スターリン・ソ連首相」,
# 「ブリンケン米国務長官」, 「ラブロフ露外相」), as news titles a person: in full, or by its kanji letter of
# COUNTRY_LETTERS, right before the office or the word that makes one (国務, 国防, 国家, 首 of 首相, 外 of 外相, 副…),
# the office a word of its own (not 「大使館」, 「首相官邸」). 中 and 日 start 中東, 中央 and 日本 as often, and a country
# with other kanji after it names another word or a brief (「ブレア中東特使」, 「東條英機首相」, 「ウクライナ担当特使」):
# none is read.
_LETTER_OF = {pattern[0]: country for country, pattern in COUNTRY_LETTERS.items()}
_MINISTRY = r"国務|国防|外務|財務|商務|司法|内務|国家|[首外蔵法防財農厚文副]"
_TITLED = rf"(?:({_COUNTRY})|([{''.join(_LETTER_OF)}]))(?:{_MINISTRY})?(?:{_OFFICE})(?![{KANJI}])"
_WHOSE_AFTER = re.compile(rf"・?{_TITLED}")
# a name's own words may end with its country, or with its country and office (「スターリン・ソ連」, 「ラブロフ露外相」)
_OWN_COUNTRY = re.compile(rf"(?:・(?:{_COUNTRY})|・?{_TITLED})$")
# a person's name in katakana, as news writes a foreign office holder's (a kanji word before an office is as often
# 「次期」, 「歴代」 or 「女性」)
_KATAKANA_PERSON = rf"(?<![{KATAKANA}・])[{KATAKANA}][{KATAKANA}・]*[{KATAKANA}]"


def office_holder(text: str, country: str, office: str) -> str | None:
    """The person, named in katakana, whom `text` titles with `office` of `country` (a name in COUNTRY_NAMES), the
    country written between the name and the office or before them (「チャーチル英首相」, 「ラブロフ・ロシア外相」,
    「イギリスのチャーチル首相」 for ("イギリス", "首相")), or None."""
    forms = "|".join([*COUNTRY_NAMES.get(country, (country,)),
                      *(letter for letter, named in _LETTER_OF.items() if named == country)])
    office = rf"{re.escape(office)}(?![{KANJI}])"  # not the 大使 of 大使館
    match = (re.search(rf"({_KATAKANA_PERSON})・?(?:{forms}){office}", text)
             or re.search(rf"(?:{forms})の({_KATAKANA_PERSON}){office}", text))
    return match[1] if match else None


def country_after(text: str, start: int, end: int) -> str | None:
    """The country `text` names between the name at [start, end) and the office that follows it (「チャーチル英首相」:
    イギリス), the name's own words included where they end with it (「スターリン・ソ連」, 「スターリン・ソ連首相」);
    None for words that are only a country or an office (「英首相」)."""
    own = _OWN_COUNTRY.search(text, start + 1, end)
    match = _WHOSE_AFTER.match(text, own.start() if own else end)
    if match is None:
        return None
    return _COUNTRY_OF[match[1]] if match[1] else _LETTER_OF[match[2]]


# A person as news names one: a katakana name before a title (「ルビオ国務長官」, 「ショイグ氏」), with the country or body
# between them read as the title's where the title is an office of state (「ブリンケン米国務長官」, 「パトルシェフ・ロシア
# 安全保障会議書記」; not 「大統領府長官」, another person), or kanji before 氏 or さん (「習氏」). Other titles take the name
# right before them: 「トヨタ自動車社長」 and 「プロ野球選手」 name no one.
_NAMED_PERSON = re.compile(
    rf"({_KATAKANA_PERSON})(?:(?:(?!府)[{KANJI}]){{0,8}}?(?:{_STATE_OFFICE})|(?:{_HONORIFIC}|{_OTHER_OFFICE}))"
    rf"(?![{KANJI}])"
    rf"|(?<![{KANJI}お])([{KANJI}]{{1,4}})(?:氏|さん)(?![{KANJI}])")
_NAME_WITH_COUNTRY = re.compile(rf"・(?:{_COUNTRY})$")
# kanji before 氏 or さん that name no one: words pointing at persons named before (両氏, 同氏), 皆さん, 彼氏, and the
# 摂氏 and 華氏 of temperatures; katakana kin (ママさん)
_NO_ONE = ("両", "同", "各", "諸", "他", "某", "故", "貴", "本", "当", "皆", "彼", "摂", "華", "ママ", "パパ")
# Countries by their Japanese names, as CLDR writes them (アイスランド, ブラジル, アメリカ合衆国) and as news does
# (アメリカ, 米国): 「ブラジル大統領」 names an office, not a person.
COUNTRIES = frozenset({name for code, name in Locale("ja").territories.items() if len(code) == 2 and code.isalpha()}
                      | set(_COUNTRY_OF))


# Countries as `countries_in` reads them: every CLDR name and news form, longest first (「北朝鮮」 before 「朝鮮」),
# each under the name COUNTRY_NAMES gives it where it has one (米国 and アメリカ合衆国 are アメリカ).
# A name in katakana stands alone: not タイ in 「タイトル」, マリ in 「サマリー」 nor ロシア in 「ロシアン」.
_ANY_COUNTRY = re.compile(rf"(?<![{KATAKANA}])(?:"
                          + "|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True)) + rf")(?![{KATAKANA}])")
_COUNTRY_NAMED = _COUNTRY_OF | {name: short for name in COUNTRIES for short in COUNTRY_NAMES
                                if re.fullmatch(rf"{short}(?:合衆国|連邦)", name)}


def countries_asked_of(question: str) -> set[str]:
    """The countries `question` names (in full) in the words that describe what it asks for: no 「が」 or 「は」 marks
    another subject between the country and the asking word after it (「配備されたロシアの機体は何」, 「親ウクライナ派を
    率いているのは誰」; not 日本 in 「日本の首相が会談した相手は誰」, the subject's country, not the asked one's)."""
    folded, found = fold_width(question), set()
    for match in _ANY_COUNTRY.finditer(folded):
        asking = ASKING_WORD.search(folded, match.end())
        between = folded[match.end():asking.start()] if asking else ""
        if asking and not re.search("[がは]", re.sub("(?:の)?(?:は|って|が|とは)$", "", between)):
            found.add(_COUNTRY_NAMED.get(match[0], match[0]))
    return found


def countries_in(text: str) -> set[str]:
    """The countries `text` names, in full (「ロシア」, 「米国」, 「アイスランド」) or by a kanji letter as news writes
    them (「米露」, 「ブリンケン米国務長官」, `country_named`), each by its COUNTRY_NAMES name where it has one."""
    folded = fold_width(text)
    found = {_COUNTRY_NAMED.get(match[0], match[0]) for match in _ANY_COUNTRY.finditer(folded)}
    return found | {name for name in COUNTRY_LETTERS if name not in found and country_named(name, folded)}


def one_clause(words: str) -> bool:
    """Whether `words` stand within one clause (`clause_breaks` with lists: no stop, comma, line or list 「と」 between
    them)."""
    return next(clause_breaks(words, lists=True), None) is None


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the clause the words at [start, end) stand in, before and after them (「ロシアのTU-95MSと中国空軍の
    西安H-6戦略爆撃機が配備された」 around 西安H-6戦略爆撃機: ("中国空軍の", "が配備された")): what a modifier or the
    predicate next to them says of them, and not of the other nouns of a list (`clause_breaks` with lists)."""
    breaks = _list_breaks(text)
    begin = max((i + 1 for i in breaks if i < start), default=0)
    return text[begin:start], text[end:next((i for i in breaks if i >= end), len(text))]


def persons_named(text: str) -> list[str]:
    """The names of the persons `text` names with a title (「ルビオ国務長官」: ルビオ; 「パトルシェフ・ロシア安全保障
    会議書記」: パトルシェフ; 「習氏」: 習), in order; not an asking word (「何氏」), a country (「ブラジル大統領」) or
    kin (「お父さん」), nor words that name no one (「両氏」, 「皆さん」, 「摂氏」)."""
    names = []
    for match in _NAMED_PERSON.finditer(fold_width(text)):
        name = _NAME_WITH_COUNTRY.sub("", match[1] or match[2])
        if "何" not in name and name not in COUNTRIES and name not in _NO_ONE \
                and not (match[2] and name[-1] in "父母兄姉弟妹"):
            names.append(name)
    return names


def holds_person(name: str, text: str) -> bool:
    """Whether `text` names the person `name` (of `persons_named`), as news names one again after the first
    mention: by the family name alone (「ドナルド・トランプ」 as トランプ, 「エルドアン・トルコ」 as エルドアン: any part
    of three letters or more), a kanji name of three or more by its first two (「岸田文雄」 as 岸田)."""
    parts = [part for part in name.split("・") if len(part) >= 3]
    return name in text or any(part in text for part in parts) or (
        len(name) >= 3 and re.fullmatch(f"[{KANJI}]+", name) is not None and name[:2] in text)


def person_another(text: str, question: str, leave_out: str = "", own: str | None = None) -> str:
    """A person `text` names (`persons_named`) where the question names one that `text` does not name: the words
    speak of what another person did. "" where every person the question names stands in `text`, or `text` names no
    one else. A person the question names, or whom `leave_out` (the answer itself: 「…させたのは誰」) names, is no
    other. Where `text` is a sentence read with the one before it, `own` is the sentence itself: the other person
    counts where `own` names them, or `text` names someone the question names (the sentence before names who took
    part, one of them another); a sentence before naming only others may tell of the asked persons' deeds too."""
    folded, asked = fold_width(text), fold_width(question)
    held = [holds_person(name, folded) for name in persons_named(question)]
    if all(held):  # no one asked about, or every one named
        return ""
    leave_out = fold_width(leave_out)
    own = folded if own is None else fold_width(own)
    named = any(held)
    return next((name for name in persons_named(folded) if not holds_person(name, asked)
                 and not (leave_out and (name in leave_out or leave_out in name)) and (named or name in own)), "")


# 「ロシアの国防相は誰」, 「同席した大統領補佐官は誰」: the office whose holder is asked for
_OFFICE_ASKED = re.compile(rf"([{KANJI}]*(?:{_OFFICE_TITLE})){_WHO_IS}")
_OFFICE_AFTER = re.compile(rf"(?:・(?:{_COUNTRY}))?([{KANJI}]*(?:{_OFFICE_TITLE}))(?![{KANJI}])")
_OFFICE_BEFORE = re.compile(rf"([{KANJI}]*(?:{_OFFICE_TITLE}))[の・]?$")
_OFFICE_NAME_END = re.compile(rf"(?:{_OFFICE_TITLE})$")
# a monarch is one office under three names; a minister (相, 大臣, 長官) is told by the ministry before the word,
# written in full or shorter (経産相, 経済産業相), and the prime minister goes by two names
_MONARCH = ("国王", "女王", "皇帝")
_MINISTER = ("相", "大臣", "長官")
_PRIME_MINISTER = re.compile(r"総理大臣$|総理$")


def asked_office(question: str) -> str | None:
    """The office whose holder `question` asks for (「ロシアの国防相は誰」: 「国防相」), or None."""
    match = _OFFICE_ASKED.search(fold_width(question))
    return match[1] if match else None


def office_titling(text: str, start: int, end: int) -> str | None:
    """The office `text` titles the words at [start, end) with, right after them (「ラブロフ外相」, 「スターリン・ソ連
    首相」: 「首相」) or right before them (「大統領特別代表ドミトリエフ氏」, 「ロシアの大統領特別代表・ドミトリエフ氏」), or the
    office they end with themselves (「セルゲイ・ラブロフ外相」); None where it titles them with none."""
    own = text[start:end]
    if match := _OFFICE_NAME_END.search(re.sub(r"[(（][^)）]*[)）]$", "", own)):
        return re.search(rf"[{KANJI}]*$", own[:match.start()])[0] + match[0]
    if match := _OFFICE_AFTER.match(text, end):
        return match[1]
    match = _OFFICE_BEFORE.search(text[max(0, start - 20):start])
    return match[1] if match else None


def _office_kind(office: str) -> tuple[str, str]:
    """An office as its last word and, for a minister, the ministry before it (「国防相」: ("相", "国防"),
    「総理大臣」: ("相", "首"))."""
    office = _PRIME_MINISTER.sub("首相", office)
    word = _OFFICE_NAME_END.search(office)[0]
    if word in _MONARCH:
        return "国王", ""
    if word in _MINISTER:
        return "相", office[:-len(word)]
    return word, ""


def _same_office(asked: str, titled: str) -> bool:
    """Whether two offices are one by `_office_kind` (see `other_office`)."""
    (word, ministry), (other_word, other_ministry) = _office_kind(asked), _office_kind(titled)
    if word != other_word:
        return False
    # the ministries' last letters compared, a country's letter or name before them aside (「米国防長官」)
    short, long = sorted((ministry[-4:], other_ministry[-4:]), key=len)
    return not short or _in_order(short, long) or _in_order(short[-2:], long)


def other_office(asked: str, titled: str) -> bool:
    """Whether an office a text titles someone with (`office_titling`) is another than the one asked about: another
    last word (「補佐官」, 「特別代表」), or another ministry (「外相」 for 「国防相」; not 「外務大臣」 for 「外相」, 「経済産業相」
    for 「経産相」, 「国防長官」 for 「国防相」 nor 「首相」 for 「総理大臣」). A title holding two offices (「会長兼社長」)
    is another only where both are."""
    return not any(_same_office(asked, part) for part in titled.split("兼") if _OFFICE_NAME_END.search(part))


def unvoiced(text: str) -> str:
    """`text` without the voicing marks of its kana (「ペンダゴン」 is 「ヘンタコン」): a loanword is written with or
    without them (ペンタゴン and ペンダゴン, バッグ and バック)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).replace("\u3099", "").replace("\u309a", ""))
