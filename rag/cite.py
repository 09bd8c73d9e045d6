"""Citations assigned in code: a quote counts only where it is found in a passage shown to the user."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import NamedTuple

from .chunk import Passage

MIN_QUOTE_CHARS = 4
FUZZY_RATIO = 0.8
QUOTE_CHARS_PER_EDIT = 20
NEAR_CHARS_PER_EDIT = 4
MAX_NEAR_EDITS = 2
_QUESTION_WORDS = re.compile(r"何時間|何人|何という|何と|何を|何が|何|誰|いつ|どこ|どのような|どの|どう|どれ|なぜ|"
                             r"でしたか|ましたか|ですか|ますか|[?？]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
_KATAKANA = re.compile(r"[\u30a1-\u30faー]")
_PUNCT = re.compile(r"[\s、。，．,.!?！？「」『』（）()\[\]【】・:：;；\"'“”‘’…]+")


class Located(NamedTuple):
    """Where a quote was found: passage number in the list given, and character span in its text."""

    passage: int
    start: int
    end: int


def _squash_with_map(text: str) -> tuple[str, list[int]]:
    """Text without spaces and punctuation (NFKC, lower case), with the original offset of each kept char."""
    kept, offsets = [], []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch).lower()
        if _PUNCT.fullmatch(norm) or not norm:
            continue
        kept.append(norm)
        offsets.extend([i] * len(norm))
    return "".join(kept), offsets


def squash(text: str) -> str:
    """The comparable form of a text: NFKC, lower case, no spaces or punctuation."""
    return _squash_with_map(text)[0]


def locate(quote: str, passages: list[Passage]) -> Located | None:
    """Find `quote` in one of `passages`: exactly (ignoring spaces, punctuation and width), else approximately
    (a common stretch covering FUZZY_RATIO of the quote, or a stretch within one edit per QUOTE_CHARS_PER_EDIT
    characters). None when it is not there."""
    q, _ = _squash_with_map(quote)
    if len(q) < MIN_QUOTE_CHARS:
        return None
    best: tuple[float, Located] | None = None
    for number, passage in enumerate(passages):
        text, offsets = _squash_with_map(passage.text)
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
    s, _ = _squash_with_map(span)
    allowed = min(len(s) // NEAR_CHARS_PER_EDIT, MAX_NEAR_EDITS)
    if allowed == 0 or any(ch.isdigit() for ch in s):
        return None
    best: tuple[int, Located] | None = None
    for number in order if order is not None else range(len(passages)):
        text, offsets = _squash_with_map(passages[number].text)
        if not text:
            continue
        edits, start, end = _nearest_substring(s, text)
        # A katakana name is taken whole: ィトコフ is one edit from ワトコフ, but the name is ウィトコフ.
        while 0 < start < end and _KATAKANA.match(text[start - 1]) and _KATAKANA.match(text[start]):
            start -= 1
        while start < end < len(text) and _KATAKANA.match(text[end]) and _KATAKANA.match(text[end - 1]):
            end += 1
        if edits <= allowed and end > start and (best is None or edits < best[0]):
            best = (edits, Located(number, offsets[start], offsets[end - 1] + 1))
    return best[1] if best else None


def find_span(span: str, passages: list[Passage], order: list[int] | None = None) -> Located | None:
    """Where `span` occurs exactly (ignoring spaces, punctuation and width) in a passage, trying passages in
    `order` (default: as given). Unlike `locate`, any length counts: short answers such as 「H-6」 are spans too."""
    s, _ = _squash_with_map(span)
    if not s:
        return None
    for number in order if order is not None else range(len(passages)):
        text, offsets = _squash_with_map(passages[number].text)
        at = text.find(s)
        if at >= 0:
            return Located(number, offsets[at], offsets[at + len(s) - 1] + 1)
    return None


def coverage(question: str, text: str) -> float:
    """Share of the question's character bigrams, interrogatives left out, that occur in `text`: how much of
    what is asked a sentence speaks about."""
    q = squash(_QUESTION_WORDS.sub("", question))
    grams = {q[i:i + 2] for i in range(len(q) - 1)}
    grams = {g for g in grams if not _HIRAGANA.fullmatch(g)} or grams
    if not grams:
        return 1.0
    joined = squash(text)
    return sum(1 for g in grams if g in joined) / len(grams)


def support(answer: str, sources: list[str], given: str = "") -> float:
    """Share of the answer's character bigrams that occur in the sources: low means invented content.

    Bigrams the answer shares with `given` (the question it restates) are left out: only what the answer adds
    has to come from the sources."""
    a, _ = _squash_with_map(answer)
    known = _squash_with_map(given)[0]
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    if known:
        grams = {g for g in grams if g not in known}  # an answer that only repeats the question says nothing
    if not grams:
        return 0.0
    joined = "".join(_squash_with_map(s)[0] for s in sources)
    return sum(1 for g in grams if g in joined) / len(grams)


_COPULA = re.compile(r"(?:です|でした|である|であった|だ|ます|ました|とされています|と呼ばれています|という)+[。．.]?$")
# the kind asked for (「何種類」), with a bound the question puts on it (「何種類以上」 keeps 「以上」, not 「以」)
_BOUND = r"以上|以下|以内|未満"
_ASKED_KIND = re.compile(rf"何((?:(?!{_BOUND})[\u4e00-\u9fff\u30a1-\u30faー%％]){{1,3}}(?:{_BOUND})?)")
_EDGE_PARTICLES = re.compile(r"^(?:[はがのをにでともへや、,]|から|まで|より)+|(?:[はがのをにでともへや、,]|から|まで|より)+$")
_ASKING_WORD = re.compile(r"何|なに|誰|だれ|いつ|どこ|どの|どんな|どう|どれ|いくつ|いくら")
# 「、」, or 「と」「や」 between two words that are not hiragana (「英語やロシア語」, not 「ひとつ」)
_LIST_SEPARATOR = re.compile(r"、|(?<=[^\u3041-\u309f、])[とや](?=[^\u3041-\u309f、])")
_UNOPENED = re.compile(r"^[」』）)]+|[「『（(]+$")
MAX_TRIMMED_CHARS = 25


def residue(answer: str, question: str) -> str:
    """What an answer sentence adds to its question: 「東京タワーの高さは333メートルです。」 to 「東京タワーの高さは？」
    gives 「333メートル」. The answer is cut where it repeats two or more characters of the question in a row;
    the longest piece left (the last of equal ones), without the particles and copula at its edges, is returned."""
    text = _COPULA.sub("", re.sub(r"\[\d+\]", "", answer).strip().rstrip("。．."))
    asked = _QUESTION_WORDS.sub(" ", question)
    repeated = [False] * len(text)
    i = 0
    while i < len(text):
        length = 2
        while i + length <= len(text) and text[i:i + length] in asked and not text[i:i + length].isspace():
            length += 1
        if length > 2:
            repeated[i:i + length - 1] = [True] * (length - 1)
            i += length - 1
        else:
            i += 1
    pieces, start = [], None
    for j, flag in enumerate(repeated + [True]):
        if not flag and start is None:
            start = j
        elif flag and start is not None:
            piece = _EDGE_PARTICLES.sub("", text[start:j].strip())
            if squash(piece):  # a lone mark left between repeats is no answer
                pieces.append((piece, text.find(piece, start) + len(piece)))
            start = None
    if not pieces:
        return ""
    piece, end = max(reversed(pieces), key=lambda p: len(p[0]))
    # 「何製品」 asks for a kind of 製品: the answer keeps that word (「石油製品」), though the question holds it too
    if (kind := _ASKED_KIND.search(question)) and text.startswith(kind[1], end):
        piece += kind[1]
    return piece


def list_items(text: str) -> list[str]:
    """The items of a list (「A、B」, 「AとB」, 「AやB」; not the 「と」 of a hiragana word), or [text]."""
    return [item for item in _LIST_SEPARATOR.split(text) if item.strip()]


def asked_part(span: str, question: str) -> str:
    """The part of a short answer the question asks for. Items of a list the question already names are dropped
    (「英語やロシア語」 for 「英語や何語」 gives 「ロシア語」), and words that go on from the question's asking word
    are cut off the edges (「天体暦の情報」 for 「何の情報」 gives 「天体暦」) while the kind asked for stays
    (「2006年4月30日」 for 「何年4月30日」 gives 「2006年」). Spans longer than a phrase are returned as they are."""
    if len(span) > MAX_TRIMMED_CHARS:
        return span
    items, asked = list_items(span), squash(question)
    unnamed = [item for item in items if squash(item) not in asked]
    if 0 < len(unnamed) < len(items):
        span = "、".join(unnamed)
    asking = _ASKING_WORD.search(question)
    if asking is None:
        return span
    before, after = question[:asking.start()], question[asking.end():]
    kind = _ASKED_KIND.match(question, asking.start())
    for n in range(min(len(span) - 1, len(after)), 1, -1):
        if span.endswith(after[:n]):
            cut = len(span) - n + min(n, len(kind[1]) if kind else 0)
            if cut < len(span):
                span = _trimmed(span[:cut]) or span
            break
    for n in range(min(len(span) - 1, len(before)), 1, -1):
        if span.startswith(before[-n:]):
            span = _trimmed(span[n:]) or span
            break
    return span


def _trimmed(text: str) -> str:
    """`text` without particles or unmatched brackets at its edges (「専守防衛」の」 gives 「専守防衛」)."""
    text = _UNOPENED.sub("", _EDGE_PARTICLES.sub("", text.strip()))
    if text.endswith(("」", "』")) and text.count(text[-1]) > text.count("「" if text[-1] == "」" else "『"):
        text = text[:-1]
    return text
