"""Citations assigned in code: a quote counts only where it is found in a passage shown to the user."""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import NamedTuple

from .answer_type import answer_span, expected_answer, holds_answer
from .chunk import Passage
from .japanese import (
    ASKED_COUNT,
    ASKED_DESCRIPTION,
    ASKING_PARTICLE,
    ASKING_WORD,
    CALENDAR_DATE,
    CLOSING_BRACKETS,
    COPULA_END,
    DATE_PARTS,
    EDGE_PARTICLES,
    FIGURE_START,
    HIRAGANA,
    KANJI,
    KATAKANA,
    KATAKANA_WORD,
    LIST_SEPARATOR,
    NOUN_END,
    NOUN_LETTERS,
    NOUN_PHRASE,
    NUMBER,
    NUMBER_BOUNDS,
    NUMBER_PREFIXES,
    OPENING_BRACKETS,
    PARTICLE,
    QUESTION_ENDINGS,
    QUESTION_WORDS,
    UNIT,
    asked_kinds,
    country_named,
    date_as_asked,
    date_part,
    fold_width,
    fold_width_with_offsets,
    holds_fiscal_year,
    month_in_range,
    same_words,
    squash,
    squash_with_offsets,
    unit_pattern,
    unvoiced,
    whole_figure,
    without_loose_marks,
    written_part,
)

_BARE_NUMBER = re.compile(NUMBER)
MIN_QUOTE_CHARS = 4
FUZZY_RATIO = 0.8
QUOTE_CHARS_PER_EDIT = 20
NEAR_CHARS_PER_EDIT = 4
MAX_NEAR_EDITS = 2
_HIRAGANA_RUN = re.compile(f"[{HIRAGANA}]+")
_KATAKANA_LETTER = re.compile(f"[{KATAKANA}]")


class Located(NamedTuple):
    """Where a quote was found: passage number in the list given, and character span in its text."""

    passage: int
    start: int
    end: int


def locate(quote: str, passages: list[Passage]) -> Located | None:
    """Find `quote` in one of `passages`: exactly (ignoring spaces, punctuation and width), else approximately
    (a common stretch covering FUZZY_RATIO of the quote, or a stretch within one edit per QUOTE_CHARS_PER_EDIT
    characters). None when it is not there."""
    q, _ = squash_with_offsets(quote)
    if len(q) < MIN_QUOTE_CHARS:
        return None
    best: tuple[float, Located] | None = None
    for number, passage in enumerate(passages):
        text, offsets = squash_with_offsets(passage.text)
        if not offsets:
            continue
        at = text.find(q)
        if at >= 0:
            return Located(number, offsets[at], offsets[at + len(q) - 1] + 1)
        match = SequenceMatcher(None, q, text, autojunk=False).find_longest_match(0, len(q), 0, len(text))
        ratio = match.size / len(q)
        if ratio >= FUZZY_RATIO and (best is None or ratio > best[0]):
            best = (ratio, Located(number, offsets[match.b], offsets[match.b + match.size - 1] + 1))
        elif len(q) >= QUOTE_CHARS_PER_EDIT and (best is None or best[0] < 1 - 1 / QUOTE_CHARS_PER_EDIT):
            # A long quote with a word changed here and there (曖昧性 for 曖昧さ) is still the passage's text.
            edits, start, end = _nearest_substring(q, text)
            ratio = 1 - edits / len(q)
            if edits <= len(q) // QUOTE_CHARS_PER_EDIT and end > start and (best is None or ratio > best[0]):
                best = (ratio, Located(number, offsets[start], offsets[end - 1] + 1))
    return best[1] if best else None


def _nearest_substring(pattern: str, text: str) -> tuple[int, int, int]:
    """(edits, start, end) of the substring of `text` closest to `pattern` in edit distance (Sellers' algorithm)."""
    m = len(pattern)
    # column[i]: (cost, start) of the best alignment of pattern[:i] ending at the current text position
    column = [(i, 0) for i in range(m + 1)]
    best = (column[m][0], 0, 0)
    for j, ch in enumerate(text, start=1):
        new = [(0, j)]
        for i in range(1, m + 1):
            diagonal = (column[i - 1][0] + (pattern[i - 1] != ch), column[i - 1][1])
            new.append(min(diagonal, (column[i][0] + 1, column[i][1]), (new[i - 1][0] + 1, new[i - 1][1])))
        column = new
        if column[m][0] < best[0]:
            best = (column[m][0], column[m][1], j)
    return best


def find_near_span(span: str, passages: list[Passage], order: list[int] | None = None) -> Located | None:
    """Like `find_span`, but tolerating a misspelling: the closest stretch of a passage within one edit per
    NEAR_CHARS_PER_EDIT characters of the span (MAX_NEAR_EDITS at most) (a model often garbles a katakana name: ワトコフ for ウィトコフ).
    Spans with digits must match exactly: 1958年 is not a misspelling of 1959年."""
    s, _ = squash_with_offsets(span)
    allowed = min(len(s) // NEAR_CHARS_PER_EDIT, MAX_NEAR_EDITS)
    if allowed == 0 or any(ch.isdigit() for ch in s):
        return None
    best: tuple[int, Located] | None = None
    for number in order if order is not None else range(len(passages)):
        text, offsets = squash_with_offsets(passages[number].text)
        if not text:
            continue
        edits, start, end = _nearest_substring(s, text)
        # A katakana name is taken whole: ィトコフ is one edit from ワトコフ, but the name is ウィトコフ.
        while 0 < start < end and _KATAKANA_LETTER.match(text[start - 1]) and _KATAKANA_LETTER.match(text[start]):
            start -= 1
        while start < end < len(text) and _KATAKANA_LETTER.match(text[end]) and _KATAKANA_LETTER.match(text[end - 1]):
            end += 1
        if edits <= allowed and end > start and (best is None or edits < best[0]):
            best = (edits, Located(number, offsets[start], offsets[end - 1] + 1))
    return best[1] if best else None


def find_span(span: str, passages: list[Passage], order: list[int] | None = None) -> Located | None:
    """Where `span` occurs exactly (ignoring spaces, punctuation and width) in a passage, trying passages in
    `order` (default: as given). Unlike `locate`, any length counts: short answers such as 「H-6」 are spans too."""
    s, _ = squash_with_offsets(span)
    if not s:
        return None
    for number in order if order is not None else range(len(passages)):
        text, offsets = squash_with_offsets(passages[number].text)
        at = text.find(s)
        if at >= 0:
            return Located(number, offsets[at], offsets[at + len(s) - 1] + 1)
    return None


def coverage(question: str, text: str) -> float:
    """Share of the question's character bigrams, interrogatives left out, that occur in `text`: how much of
    what is asked a sentence speaks about (each in the words `same_words` knows in one form: 燃えるゴミ is 可燃ごみ)."""
    q = squash(same_words(QUESTION_WORDS.sub("", question)))
    grams = {q[i:i + 2] for i in range(len(q) - 1)}
    grams = {g for g in grams if not _HIRAGANA_RUN.fullmatch(g)} or grams
    if not grams:
        return 1.0
    joined = squash(same_words(text))
    return sum(1 for g in grams if g in joined) / len(grams)


def name_bigrams(name: str) -> set[str]:
    """The character bigrams of a name as `squash` writes it, made of letters, digits, kana or kanji: 「潮見港~つばき島」
    gives 潮見 … き島 (kana count: names are written in them), not 港~; a name of one character gives none."""
    name = squash(name)
    return {name[i:i + 2] for i in range(len(name) - 1) if name[i].isalnum() and name[i + 1].isalnum()}


def holds_name(name: str, squashed: str) -> bool:
    """Whether a text (given `squash`ed, as a whole article is squashed once for all the names asked about) holds
    `name`: spelled as it is, a country by its letter in kanji (`country_named`: 「英首相」 names イギリス), or, for a
    name of four characters or more, a loanword with one letter voiced otherwise (「ペンダゴン」 for 「ペンタゴン」) or
    with at least three quarters of its character bigrams in it (`_held_nearly`), so that a long name written with
    one slip holds (「コミュニテイセンター」 for 「コミュニティセンター」), while 「西口店」 is not held by a text that
    names only 「東口店」, nor a quoted remark with one word changed (「アメリカはロシアの同盟国だ」 where it quotes
    「アメリカは中国の同盟国だ」)."""
    name, text = squash(name), squashed
    if name in text or country_named(name, text):
        return True
    if len(name) < 4:  # 「ベッド」 is not 「ペット」
        return False
    return _held_nearly(name, text) or _voiced_otherwise(name, text)


def _held_nearly(name: str, text: str) -> bool:
    """Whether `name` stands in `text` but for a slip: three quarters of its character bigrams anywhere in it for a
    name (a name's slip, 「カルフォルニア」, leaves the rest of it written apart as well); for words holding hiragana,
    a phrase or a remark quoted, all but two of them in one stretch where it would stand, a letter more or less on
    either side: one letter or an ending written otherwise (「同盟国です」 for 「同盟国だ」), not a word changed
    (「アメリカはロシアの同盟国だ」 is not held by 「アメリカは中国の同盟国だ」 and an article naming ロシア elsewhere)."""
    grams = [name[i:i + 2] for i in range(len(name) - 1)]
    if not _HIRAGANA_RUN.search(name):
        return sum(gram in text for gram in grams) >= 0.75 * len(grams)
    needed = max(len(grams) - 2, 0.75 * len(grams))
    starts = {m.start() - i for i, gram in enumerate(grams) for m in re.finditer(re.escape(gram), text)}
    return any(sum(gram in text[max(0, start - 1):start + len(name) + 1] for gram in grams) >= needed
               for start in starts)


def _voiced_otherwise(name: str, text: str) -> bool:
    """Whether `text` writes `name`, a loanword in katakana, with one letter voiced otherwise (「ペンダゴン」 for
    「ペンタゴン」): a transcription slip. A name holding kanji is no loanword (「バリ協定」 is
    not 「パリ協定」), and two letters voiced otherwise make another word."""
    if not KATAKANA_WORD.fullmatch(name):
        return False
    bare, plain = unvoiced(name), unvoiced(text)
    if len(plain) != len(text):  # marks written apart from their letters: compare as they are
        return False
    start = plain.find(bare)
    while start >= 0:
        if sum(a != b for a, b in zip(name, text[start:start + len(name)])) <= 1:
            return True
        start = plain.find(bare, start + 1)
    return False


def whole_date(span: str, texts: list[str]) -> str:
    """A date as `texts` write it whole where they hold it (「1915年」 where a passage says 「1915年10月」, 「2月」 in
    「1921年2月」): asked when, the date written is the answer, not the part the model copied. Where the texts hold
    it in two dates (「2019年10月」 and 「2020年10月」 for 「10月」), which the model meant is unknown: as it is."""
    folded = fold_width(span)
    if not CALENDAR_DATE.fullmatch(folded):
        return span
    part = date_part(folded)
    return _one_spelling(texts, CALENDAR_DATE, lambda text, match: (match.start(), match.end())
                         if part.search(match[0]) else None) or span


_DATED_PART = re.compile(r"[0-9]+[年月]")


def holds_date(date: str, text: str) -> bool:
    """Whether a text (after `dates_spelled`) holds a date a question states: its year and month each, as an
    article names the year once and its months after (「1948年…6月19日」), a year also by its last two digits
    before a month, as news writes it after the first mention (「20年12月」 for 2020年12月). The day is not
    checked: it often stands inside a range (「12月29日～1月3日」); a month may itself (「4月から6月まで」 holds 5月,
    `month_in_range`). A fiscal year is read by `holds_fiscal_year`."""
    if (fiscal := holds_fiscal_year(date, text)) is not None:
        return fiscal

    year = re.match("([0-9]{4})年", fold_width(date))

    def held(part: str) -> bool:
        if re.fullmatch(r"[0-9]{4}年", part):  # 「20年」 only before a month: 「創業20年」 is no year
            return re.search(rf"(?<![0-9])(?:{part}|{part[2:]}(?=[0-9]+月))", text) is not None
        return date_part(part).search(text) is not None or (
            part.endswith("月") and month_in_range(int(part[:-1]), text, int(year[1]) if year else None))
    return all(held(part) for part in _DATED_PART.findall(fold_width(date)))


REPEAT_WINDOW = 3


def repeated_from(text: str, given: str) -> list[bool]:
    """Which characters of `text` (squashed) repeat `given`: those in a run of REPEAT_WINDOW characters that `given`
    holds as it is, and a garbled character between two such (「翱近平」 for 「習近平」: one character changed in such a
    run, its neighbours repeated exactly, or the text's end). Two changed characters side by side are other words,
    not a garble (「球審」 where the question says 「役割」), and neither is a digit (「37回」 does not repeat 「何回」 or
    「36回」) nor a character standing where the question asks with 「何」 (「赤色」 answers 「何色」)."""
    n = REPEAT_WINDOW
    windows = {given[j:j + n] for j in range(len(given) - n + 1)}
    marked = [False] * len(text)
    for i in range(len(text) - n + 1):
        if text[i:i + n] in windows:
            marked[i:i + n] = [True] * n
    garbled = set()
    for i in range(len(text) - n + 1):
        piece = text[i:i + n]
        if piece in windows:
            continue
        for window in windows:
            changed = [k for k in range(n) if piece[k] != window[k]]
            if len(changed) == 1:
                was, now = window[changed[0]], piece[changed[0]]
                if not (now.isdigit() or was.isdigit() or was == "何"):
                    garbled.add(i + changed[0])
                    break
    for j in garbled:
        if (j == 0 or marked[j - 1]) and (j == len(text) - 1 or marked[j + 1]):
            marked[j] = True
    return marked


def support(answer: str, sources: list[str], given: str = "") -> float:
    """Share of the answer's character bigrams that occur in the sources: low means invented content.

    Bigrams the answer shares with `given` (the question it restates) are left out, also where one character of
    the repeated words is garbled (`repeated_from`): only what the answer adds has to come from the sources."""
    a, known = squash(answer), squash(given)
    repeated = repeated_from(a, known) if known else [False] * len(a)
    # an answer that only repeats the question says nothing
    grams = {a[i:i + 2] for i in range(len(a) - 1) if a[i:i + 2] not in known and not all(repeated[i:i + 2])}
    if not grams:
        return 0.0
    joined = "".join(squash_with_offsets(s)[0] for s in sources)
    return sum(1 for g in grams if g in joined) / len(grams)


MAX_TRIMMED_CHARS = 25
# The question's words next to its asking word that place the answer in a sentence (`filled_part`): two characters,
# found within six characters of an added piece. Longer contexts are more often reworded by the sentence.
CONTEXT_CHARS = 2
CONTEXT_WINDOW = 6
_ASKING_PARTICLE = re.compile(f"^(?:{ASKING_PARTICLE})")
_QUESTION_END = re.compile(f"(?:{'|'.join(re.escape(e) for e in QUESTION_ENDINGS)})+$")
_NOUN_PHRASE = re.compile(NOUN_PHRASE)
NOUN_PHRASE_AT_START = re.compile(f"^{NOUN_PHRASE}")
NOUN_PHRASE_AT_END = re.compile(f"{NOUN_PHRASE}$")
_NUMBER_BOUND = re.compile(NUMBER_BOUNDS)
_DATE_BOUND = re.compile(f"{NUMBER_BOUNDS}|{DATE_PARTS}")
_PARTICLE = re.compile(PARTICLE)
_NUMBER_PREFIX = re.compile(f"(?:{NUMBER_PREFIXES})$")


def _in_katakana_word(text: str, at: int) -> bool:
    """Whether `at` falls between two letters of one katakana word."""
    return bool(_KATAKANA_LETTER.match(text[at - 1]) and _KATAKANA_LETTER.match(text[at]))


def _added_pieces(answer: str, question: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The answer sentence (without its closing copula) and the pieces of it that do not repeat the question, each
    with the span it was cut from: the answer is cut where it repeats two or more characters of the question in a
    row, though not a part of a katakana word (「ニブラック」 shares 「ブラ」 with 「ジブラルタル」 by chance, and
    「アメリカンフットボール」 is not 「アメリカ」), and a piece loses the particles at its edges."""
    text = COPULA_END.sub("", re.sub(r"\[\d+\]", "", answer).strip().rstrip("。．."))
    # the counter of the number asked for (「何時間」) is the answer's own word where the answer repeats it
    asked = QUESTION_WORDS.sub(" ", ASKED_COUNT.sub(" ", question))
    repeated = [False] * len(text)
    i = 0
    while i < len(text):
        length = 2
        while i + length <= len(text) and text[i:i + length] in asked and not text[i:i + length].isspace():
            length += 1
        start, end = i, i + length - 1  # the repeated run, cut back to the edges of the katakana words it reaches into
        while start < end and 0 < start and _in_katakana_word(text, start):
            start += 1
        while start < end < len(text) and _in_katakana_word(text, end):
            end -= 1
        if end - start >= 2:
            repeated[start:end] = [True] * (end - start)
            i = end
        else:
            i += 1
    pieces, start = [], None
    for j, flag in enumerate(repeated + [True]):
        if not flag and start is None:
            start = j
        elif flag and start is not None:
            piece = EDGE_PARTICLES.sub("", text[start:j].strip())
            if squash(piece):  # a lone mark left between repeats is no answer
                pieces.append((piece, start, j))
            start = None
    return text, pieces


def residue(answer: str, question: str) -> str:
    """What an answer sentence adds to its question: 「東京タワーの高さは333メートルです。」 to 「東京タワーの高さは？」
    gives 「333メートル」: the longest piece that does not repeat the question (the last of equal ones)."""
    return _longest(*_added_pieces(answer, question), question)


def _longest(text: str, pieces: list[tuple[str, int, int]], question: str) -> str:
    """The longest of the `pieces` cut from `text` (the last of equal ones), with the kind of word 「何」 asks for
    where the text goes on with it. A piece of hiragana alone is the sentence's grammar (the 「こ」 of 「することに」),
    taken only when no other piece is left: 「鼠がペストを媒介することに気付きました。」 gives 「鼠」."""
    if not pieces:
        return ""
    worded = [p for p in pieces if not _HIRAGANA_RUN.fullmatch(squash(p[0]))] or pieces
    piece, start, _ = max(reversed(worded), key=lambda p: len(p[0]))
    return piece + _kind_after(text, text.find(piece, start) + len(piece), question)


def filled_part(answer: str, question: str, longest: bool = True) -> str:
    """The words of an answer sentence that stand where the question has its asking word: the short answer to
    read from a sentence. The first of these rules that finds them decides:

    1. A question asking for a kind of words (「いつ」 a date, 「何人」 a number of people): the first such words
       among the pieces the sentence adds to the question, with a word that bounds them (「1925年ごろ」).
    2. The added piece right before the words that follow the asking word in the question (「どこに位置している」:
       the piece before 「位置」).
    3. The added piece right after the words that come before it (「効くものは何」: the piece after 「効くもの」).
    4. Else the longest added piece (`residue`); with `longest` false, nothing.

    Of a piece of rules 2 and 3, the noun phrase next to the question's words is taken (its last or first run of
    kanji, katakana, letters and digits, runs joined by 「の」 kept together): the rest is the clause around the
    answer (「ヨーグルトを併用し…」). A list of noun phrases is kept whole. Cutting by the question's own words needs
    no list of question patterns, and works for a sentence quoted from an article as for one the model wrote."""
    text, pieces = _added_pieces(answer, question)
    if not pieces:
        return ""
    wanted = expected_answer(question)
    if wanted is not None and (typed := next((_typed_words(piece, wanted) for piece, _, _ in pieces
                                              if holds_answer(piece, wanted)), "")):
        return typed
    if asking := ASKING_WORD.search(question):
        before = EDGE_PARTICLES.sub("", question[:asking.start()])[-CONTEXT_CHARS:]
        rest = COPULA_END.sub("", _QUESTION_END.sub("", _ASKING_PARTICLE.sub("", question[asking.end():])))
        after = EDGE_PARTICLES.sub("", rest)[:CONTEXT_CHARS]
        placed = [(_trimmed(_phrase(piece, NOUN_PHRASE_AT_END)), start) for piece, start, end in pieces
                  if len(after) == CONTEXT_CHARS and after in text[end:end + CONTEXT_WINDOW]]
        placed += [(_trimmed(_phrase(piece, NOUN_PHRASE_AT_START)), start) for piece, start, _ in pieces
                   if len(before) == CONTEXT_CHARS and before in text[max(0, start - CONTEXT_WINDOW):start]]
        for phrase, start in placed:
            if NOUN_END.search(phrase.rstrip(CLOSING_BRACKETS)):  # a verb's ending (「ある)」) names nothing
                return phrase + _kind_after(text, text.find(phrase, start) + len(phrase), question)
    return _longest(text, pieces, question) if longest else ""


def _kind_after(text: str, end: int, question: str) -> str:
    """The word naming the kind 「何」 asks for (「何大学」: 「大学」) where `text` goes on with it at `end`: the
    answer keeps it (「モンペリエ大学」, 「石油製品」), though the question holds it too."""
    return next((kind for kind in asked_kinds(question) if text.startswith(kind, end)), "")


def _typed_words(piece: str, wanted: re.Pattern) -> str:
    """The words of the asked kind in `piece`, with the words that bound or round them or give their sign
    (「1925年ごろ」, 「5歳以上」, 「約50%」, 「-32°C」)."""
    words = answer_span(piece, wanted)
    at = piece.find(words)
    if at < 0:  # not found: spelled in another width
        return words
    start, end = _bounds(piece, at, at + len(words))
    return piece[start:end]


def _bounds(text: str, start: int, end: int, after: re.Pattern = _NUMBER_BOUND) -> tuple[int, int]:
    """The span `start:end` of `text` widened to the words before and after it that bound or round a number or
    give its sign (「ごろ」, 「以上」, 「約」, 「-」; `after` those that may follow it): they are part of the figure
    stated."""
    prefix = _NUMBER_PREFIX.search(text[:start])
    bound = after.match(text, end)
    return (prefix.start() if prefix else start), (bound.end() if bound else end)


def _phrase(piece: str, noun_phrase: re.Pattern) -> str:
    """The noun phrase at the edge of `piece` that `noun_phrase` finds (the rest is the clause around the answer),
    or the piece when it is a list of noun phrases (「小麦粉、砂糖、卵」, 「ロビン・ウォレンとバリー・マーシャル」) or
    holds none; "" when the phrase is the kanji of a verb or an adjective (「招かれた」)."""
    if all(_NOUN_PHRASE.fullmatch(item.strip()) for item in list_items(piece)):
        return piece
    found = noun_phrase.search(piece)
    if found is None:
        return piece
    # kanji before their hiragana ending (「招かれた」, 「薄い」) are a verb or an adjective, not a name
    if found.start() == 0 and found.end() < len(piece) and not _PARTICLE.match(piece, found.end()):
        return ""
    return found[0]


def list_items(text: str) -> list[str]:
    """The items of a list (「A、B」, 「AとB」, 「AやB」; not the 「と」 of a hiragana word), or [text]."""
    return [item for item in LIST_SEPARATOR.split(text) if item.strip()]


def _joined(span: str, at: int) -> bool:
    """Whether the words of `span` meet at `at` through a particle, or after a closing bracket (「天体暦の情報」,
    「高さは333メートル」, 「「自主独立」路線」): the question's own words joined so are not the answer, while a word
    written on without one is part of it (「昭和29年」 for 「昭和何年」, 「ベオグラード条約」 for 「どの条約」)."""
    return re.search(f"(?:{PARTICLE}|[{CLOSING_BRACKETS}])$", span[:at]) is not None \
        or re.match(PARTICLE, span[at:]) is not None


def asked_part(span: str, question: str) -> str:
    """The part of a short answer the question asks for. Items of a list the question already names are dropped
    (「英語やロシア語」 for 「英語や何語」 gives 「ロシア語」), and words that go on from the question's asking word
    are cut off the edges (「天体暦の情報」 for 「何の情報」 gives 「天体暦」) while the kind asked for stays
    (「2006年4月30日」 for 「何年4月30日」 gives 「2006年」), up to where a particle or a bracket joins them to it
    (`_joined`: 「人口は約5万人」 for 「人口は約何人」 gives 「約5万人」, 「1900年ごろの作品」 for 「何年ごろの作品」 gives
    「1900年ごろ」) or a figure follows. Spans longer than a phrase are returned as they are."""
    if len(span) > MAX_TRIMMED_CHARS:
        return span
    span = date_as_asked(span, question)
    items, asked = list_items(span), squash(question)
    unnamed = [item for item in items if squash(item) not in asked]
    if 0 < len(unnamed) < len(items):
        span = "、".join(unnamed)
    asking = ASKING_WORD.search(question)
    if asking is None:
        return span
    before, after = question[:asking.start()], question[asking.end():]
    kind = next(iter(asked_kinds(question, asking.start())), "")  # the longest reading: cut no more than sure
    for n in range(min(len(span) - 1, len(after)), 1, -1):
        if span.endswith(after[:n]):
            cut = len(span) - n + min(n, len(kind))
            # a figure going on is a word of its own (「2006年」「4月30日」 for 「何年4月30日」; not 「km2」)
            if cut < len(span) and span[cut].isdigit() and not span[cut - 1].isascii():
                span = _trimmed(span[:cut]) or span
            elif at := next((at for at in range(cut, len(span)) if _joined(span, at)), 0):
                span = _trimmed(span[:at]) or span
            break
    for n in range(min(len(span) - 1, len(before)), 1, -1):
        if span.startswith(before[-n:]):
            if at := next((at for at in range(n, 0, -1) if _joined(span, at)), 0):
                span = _trimmed(span[at:]) or span
            break
    return span


# 「何カ国・地域」 counts countries and regions together: the counter asked in is the words joined by 「・」 whole
_JOINED_COUNTER = re.compile(rf"(?:・[{KANJI}{KATAKANA}]+)+")


def with_counter(span: str, texts: list[str], question: str = "") -> str:
    """A bare number as the first of `texts` that counts it goes on with its counter or unit (「90」 where a
    passage says 「90歳」): the counter is part of the answer, taken whole. The counter the question asks in
    (「何人」) is the only one taken where it asks in one; it is found in any width and given as the passage writes
    it (「９０歳」). A counter the question joins to more words (「何カ国・地域」) goes on with them where a text
    writes them after the count (「110カ国」 → 「110カ国・地域」)."""
    folded_question = fold_width(question)
    asked = ASKED_COUNT.search(folded_question)
    units = unit_pattern(asked[1]) if asked else UNIT
    if _BARE_NUMBER.fullmatch(fold_width(span)):
        span = _first_written(rf"{FIGURE_START}{re.escape(fold_width(span))}(?:{units})", texts) or span
    joined = _JOINED_COUNTER.match(folded_question, asked.end()) if asked else None
    if joined and (counted := re.fullmatch(rf"({NUMBER})(?:{units})", fold_width(span))):
        whole = rf"{FIGURE_START}{re.escape(counted[1])}(?:{units}){re.escape(joined[0])}"
        span = _first_written(whole, texts) or span
    return span


def _first_written(pattern: str, texts: list[str]) -> str:
    """The first words of `texts` matching `pattern` (width-folded), as the text writes them; "" where none does."""
    compiled = re.compile(pattern)
    for text in texts:
        folded, spans = fold_width_with_offsets(text)
        if match := compiled.search(folded):
            return written_part(text, spans, *match.span())
    return ""


_FIGURE = re.compile(rf"{NUMBER}(?:{UNIT})?")


def with_bounds(span: str, texts: list[str]) -> str:
    """A figure with the words that bound or round it where `texts` state it with them (「1793年」 where a passage
    says 「1793年頃」, 「25%」 in 「約25%」): the figure stated is the answer, whatever the model copied of it. Where
    they state it twice, bounded differently (「前年は約300人、今年は300人」), it stays as it is, and so do words
    that are no figure (「第2次世界大戦」). A date takes the part of its period they name too (「4月中旬」)."""
    folded = fold_width(span)
    date = CALENDAR_DATE.fullmatch(folded) is not None
    if not (date or _FIGURE.fullmatch(folded)):
        return span
    figure, after = re.compile(whole_figure(folded)), _DATE_BOUND if date else _NUMBER_BOUND
    return _one_spelling(texts, figure, lambda text, match: _bounds(text, match.start(), match.end(), after)) or span


def _one_spelling(texts: list[str], pattern: re.Pattern, span_of: Callable[[str, re.Match], tuple[int, int] | None]
                  ) -> str:
    """The words `span_of` gives for each match of `pattern` in `texts` (width-folded), as the texts write them,
    where all of them are the same words (widths aside); else "": which one the model meant is unknown."""
    found: dict[str, str] = {}
    for text in texts:
        folded, spans = fold_width_with_offsets(text)
        for match in pattern.finditer(folded):
            if (where := span_of(folded, match)) is not None:
                written = written_part(text, spans, *where)
                found.setdefault(fold_width(written), written)
    return next(iter(found.values())) if len(found) == 1 else ""


_DESCRIBED = re.compile(rf"{NOUN_LETTERS}(?:の{NOUN_LETTERS})*の({NOUN_LETTERS})")


def described_name(span: str, question: str = "") -> str:
    """Of a name with the words that describe it before 「の」 (「漫画家の手塚治虫」, 「ウェストミンスターの
    チェスターフィールドハウス」), the name. As it is: a span in quote marks (『リボンの騎士』), one whose 「の」 is
    part of a name (「井の頭公園」, 「道の駅富士」: one letter before it) and one whose last words are a common
    noun of two letters (「トヨタの社長」), which names nothing without what is before it.

    Words the question describes the name with right before asking (`ASKED_DESCRIPTION`: 「師事した医師は誰」) are
    cut off its start too, where they end in kanji and a katakana name follows (「医師ルイ・セール」 gives
    「ルイ・セール」): what follows kanji may be the rest of one name (「徳川家康」 for 「徳川は誰」), and so may what
    follows katakana (「フランクフルト」 for 「フランクはどこで」)."""
    match = _DESCRIBED.fullmatch(span)
    if match is not None and not any(mark in span for mark in OPENING_BRACKETS + CLOSING_BRACKETS):
        before = span[:match.start(1) - 1].rsplit("の", 1)[-1]
        span = match[1] if len(match[1]) >= 3 and len(before) >= 2 else span
    if (asked := ASKED_DESCRIPTION.search(question)) is not None:
        words = next((asked[1][i:] for i in range(len(asked[1]) - 1) if span.startswith(asked[1][i:])), "")
        rest = span[len(words):]
        if words and re.match(f"[{KANJI}]", words[-1]) and re.match(f"[{KATAKANA}]{{2}}", rest):
            return rest
    return span


_ENCLOSED = re.compile(r"[(（]([^()（）]+)[)）]")


def unbracketed(span: str) -> str:
    """A short answer that is wholly an aside in round brackets, without them (「(Observer Group)」): an answer
    standing in brackets is given without them (JaQuAD: 475 answers so, none with its brackets). Quote marks stay."""
    match = _ENCLOSED.fullmatch(span.strip())
    return match[1].strip() if match else span


def _trimmed(text: str) -> str:
    """`text` without particles, loose marks or unmatched brackets at its edges (「専守防衛」の」 gives 「専守防衛」)."""
    return without_loose_marks(EDGE_PARTICLES.sub("", text.strip()))
