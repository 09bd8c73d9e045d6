"""The answering pipeline: retrieve, select evidence, generate, verify quotes, cite, or refuse."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from .answer_type import answer_span, expected_answer, holds_answer
from .chunk import split_sentences
from .cite import asked_part, coverage, find_near_span, find_span, list_items, locate, residue, squash, support
from .config import Settings
from .errors import GeneratorError
from .followup import standalone_query
from .generate import Generator
from .prompt import REFUSAL, Evidence, answer_part, build_messages, parse_reply
from .retrieve import Hit, Retriever

log = logging.getLogger(__name__)

MIN_SUPPORT = 0.6
# Share of the question's words a sentence (with its article's title) must speak about before it can stand in
# for an unbacked answer.
MIN_COVERAGE = 0.5
# A verified quote of the model's this close (in characters) to the short answer's sentence is read as its context.
NEAR_CHARS = 100
# Share a sentence must reach before its number of the asked-for kind (「19項目」 for 「何項目」) answers when the
# model's own words do not: higher, because a question on a topic the articles miss often still shares its names.
MIN_TYPED_COVERAGE = 0.7
_NUMBER = re.compile(r"\d+")
_COPULA_END = re.compile(r"(です|でした|ます|ました|である)。?$")
_QUOTED_ANSWER = re.compile(r"記事には「(.*)」とあります。")
# A span ending in a kanji, katakana, letter, digit or closing bracket reads as a noun phrase: 「…です。」 fits it.
_NOUN_END = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー々A-Za-z0-9０-９Ａ-Ｚａ-ｚ」』)）%％]$")
EMPTY_QUESTION = "質問を入力してください。"
TRUNCATED_NOTICE = "質問が長すぎるため、先頭の{n}文字だけを使いました。"


@dataclass
class Citation:
    """A passage that supports the answer, with the quoted span (offsets into `text`) to highlight."""

    n: int
    doc_id: str
    title: str
    passage_id: str
    text: str
    quote: str
    quote_start: int
    quote_end: int
    publisher: str = ""
    date: str = ""


@dataclass
class AnswerResult:
    question: str
    query: str
    answer: str
    refused: bool
    reason: str = ""
    notice: str = ""
    citations: list[Citation] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    generator: str = ""
    short_answer: str = ""  # the words that answer the question, found verbatim in a cited passage
    model_reply: str = ""  # what the generator wrote, before its quotes were checked (for evaluation)

    def to_dict(self) -> dict:
        return asdict(self)

    def render_sources(self) -> str:
        """Plain-text list of the cited (or, for a refusal, related) passages for the terminal."""
        lines = []
        if self.citations:
            lines.append("出典:")
            for c in self.citations:
                lines.append(f"[{c.n}] {c.title} ({c.passage_id})\n    「{c.quote}」")
        elif self.passages:
            lines.append("関連する箇所:")
            for p in self.passages[:3]:
                lines.append(f"- {p['title']} ({p['passage_id']})\n    {p['text'][:120]}…")
        return "\n".join(lines)


class Verdict(NamedTuple):
    """What checking the model's reply against the passages decided."""

    answer: str
    refused: bool
    reason: str = ""
    citations: list[Citation] = []
    short_answer: str = ""


@dataclass
class AnswerEvent:
    """A step of a streamed answer: "retrieved" (passages known), "token" (answer text), "final" (result)."""

    kind: str
    text: str = ""
    hits: list[Hit] = field(default_factory=list)
    result: AnswerResult | None = None


class Answerer:
    """stream(question, history) yields events; answer(...) returns the final AnswerResult."""

    def __init__(self, retriever: Retriever, generator: Generator, settings: Settings):
        self.retriever = retriever
        self.generator = generator
        self.settings = settings

    def _passage_dict(self, hit: Hit) -> dict:
        doc = self.retriever.index.documents.get(hit.passage.doc_id)
        s, e = hit.best_sentence
        return {**hit.passage.to_dict(), "score": round(hit.score, 4), "dense": round(hit.dense, 4),
                "publisher": doc.publisher if doc else "", "date": doc.date if doc else "",
                "best_sentence": [s - hit.passage.start, e - hit.passage.start]}

    @staticmethod
    def distinct(hits: list[Hit]) -> list[Hit]:
        """Hits whose best sentence no better hit already has: overlapping passages of one article often share
        it, and the model would read the same sentence twice."""
        kept: list[Hit] = []
        for hit in hits:
            s, e = hit.best_sentence
            if not any(k.passage.doc_id == hit.passage.doc_id and k.best_sentence[0] < e and s < k.best_sentence[1]
                       for k in kept):
                kept.append(hit)
        return kept

    def evidence(self, hits: list[Hit], wanted: re.Pattern | None = None) -> list[Evidence]:
        """The sentences of the top passages that best match the question, while the character budget lasts.

        Sentences compete across passages, so a passage holding two relevant sentences can give both and a
        weak passage none; the best one is always sent, and the best one holding words of the kind the question
        asks for (`wanted`, 「5時間」 for 「何時間」) comes next. No sentence of an article is sent twice, and each
        passage's sentences keep their order in the article (「…」 marks a gap between them).
        """
        candidates = []
        for rank, hit in enumerate(hits):
            for start, end, score in self._scored_sentences(hit):
                candidates.append((-score, rank, start, end))
        candidates.sort()
        documents = self.retriever.index.documents
        if wanted is not None:
            typed = next((i for i, (_, rank, start, end) in enumerate(candidates)
                          if holds_answer(documents[hits[rank].passage.doc_id].text[start:end], wanted)), None)
            if typed:
                candidates.insert(1, candidates.pop(typed))
        picked: list[list[tuple[int, int]]] = [[] for _ in hits]
        used = 0
        for _, rank, start, end in candidates:
            doc_id = hits[rank].passage.doc_id
            if any(hits[other].passage.doc_id == doc_id and s < end and start < e
                   for other, spans in enumerate(picked) for s, e in spans):
                continue
            if used and used + end - start > self.settings.evidence_chars:
                continue
            picked[rank].append((start, end))
            used += end - start
        evidence = []
        for hit, spans in zip(hits, picked):
            if not spans:
                continue
            doc_text = documents[hit.passage.doc_id].text
            spans.sort()
            text = doc_text[spans[0][0]:spans[0][1]]
            for (_, previous_end), (start, end) in zip(spans, spans[1:]):
                text += ("" if start <= previous_end else "…") + doc_text[start:end]
            evidence.append(Evidence(len(evidence) + 1, text))
        return evidence

    @staticmethod
    def _scored_sentences(hit: Hit) -> list[tuple[int, int, float]]:
        """(start, end, score) of the passage's sentences in document offsets; without scores, its best one first."""
        if hit.sentences:
            return list(hit.sentences)
        offset = hit.passage.start
        return [(offset + s, offset + e, 1.0 if (offset + s, offset + e) == hit.best_sentence else 0.0)
                for s, e in split_sentences(hit.passage.text)]

    def stream(self, question: str, history: list[dict] | None = None) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        question = " ".join((question or "").split())
        notice = ""
        limit = self.settings.max_question_chars
        if len(question) > limit:
            question, notice = question[:limit], TRUNCATED_NOTICE.format(n=limit)
        if not question:
            result = AnswerResult(question, "", EMPTY_QUESTION, refused=True, reason="empty question",
                                  generator=self.generator.name)
            yield AnswerEvent("final", result=result)
            return
        query = standalone_query(question, history)
        search = self.retriever.search(query, k=max(self.settings.top_k, self.settings.answer_passages))
        hits = search.hits
        timings = {"retrieval_s": round(search.seconds, 4)}
        passages = [self._passage_dict(h) for h in hits]
        yield AnswerEvent("retrieved", hits=hits)

        reply = ""

        def finish(answer: str, refused: bool, reason: str = "", citations: list[Citation] | None = None,
                   short_answer: str = "") -> AnswerEvent:
            timings["total_s"] = round(time.perf_counter() - started, 3)
            return AnswerEvent("final", result=AnswerResult(
                question, query, answer, refused, reason, notice, citations or [], passages, timings,
                self.generator.name, short_answer, reply))

        if not hits or hits[0].dense < self.settings.min_evidence:
            yield finish(REFUSAL, True, "weak retrieval evidence")
            return
        shown = self.distinct(hits)[:self.settings.answer_passages]
        messages = build_messages(question, self.evidence(shown, expected_answer(query)))
        streamed = 0
        try:
            for piece in self.generator.stream(messages, self.settings.max_new_tokens, self.settings.temperature):
                if not reply:
                    timings["first_token_s"] = round(time.perf_counter() - started, 3)
                reply += piece
                visible = answer_part(reply)
                if len(visible) > streamed and not visible.lstrip().startswith("資料には"):
                    if streamed == 0:
                        timings["first_answer_token_s"] = round(time.perf_counter() - started, 3)
                    yield AnswerEvent("token", text=visible[streamed:])
                    streamed = len(visible)
        except GeneratorError as exc:
            log.error("generator failed: %s", exc)
            yield finish("回答の生成中にエラーが発生しました。しばらくしてからもう一度お試しください。", True,
                         f"generator error: {exc}")
            return
        verdict = self._with_short_answer(self._verify(reply, shown, question), question)
        yield finish(verdict.answer, verdict.refused, verdict.reason, verdict.citations, verdict.short_answer)

    def _verify(self, reply: str, shown: list[Hit], question: str = "") -> Verdict:
        """Keep only quotes found in the shown passages; refuse when none is, or the model says it cannot tell.

        The model also copies the short answer (要点) out of its evidence. When that span really stands in a shown
        passage it anchors the answer: a model sentence that does not state it gives way to the span itself,
        and it still answers when the model's quotes were garbled. An answer must be of the kind the question
        asks for (「何日前」 wants a number of days, 「いつ」 a date), and words stating a number no passage holds
        are dropped; when nothing the model wrote stands, a shown sentence on the question holding words of the
        asked kind still answers.
        """
        parsed = parse_reply(reply)
        if parsed.says_unknown:
            return Verdict(REFUSAL, True, "the passages do not answer the question")
        passages = [h.passage for h in shown]
        # A made-up date or amount drops the model's words that state it: only what its quotes show may answer.
        answer, key_text = (text if not self._invented_numbers(text, passages, question) else ""
                            for text in (parsed.answer.strip(), parsed.key))
        wanted = expected_answer(question)
        citations: list[Citation] = []
        for quote, _claimed in parsed.quotes:  # the model's own number is ignored: code decides
            where = locate(quote, passages)
            if where is None:
                log.info("dropped a quote not found in the passages: %r", quote)
                continue
            passage = passages[where.passage]
            if any(c.passage_id == passage.passage_id for c in citations):
                continue
            citations.append(self._citation(len(citations) + 1, passage, where.start, where.end))
        if not citations and answer:
            # The model misquoted but answered: keep the answer only if one passage backs it, quoting the
            # sentence of that passage that shares most with the answer.
            backed = self._backing_sentence(answer, passages)
            if backed is not None:
                number, start, end = backed
                citations.append(self._citation(1, passages[number], start, end))
        key = self._key_citation(key_text, question, passages, citations, wanted)
        if not citations:
            if key is not None:
                return self._cited(self._answer_from_span(*key), [key[1]], key[0])
            return self._typed_answer(question, wanted, passages) or \
                Verdict(REFUSAL, True, "no quote could be found in the passages")
        # Words the answer repeats from the question, and its closing copula, prove nothing: only the rest
        # must stand in the quotes.
        claim = _COPULA_END.sub("", answer)
        if answer and support(claim, [c.text for c in citations], question) >= MIN_SUPPORT \
                and (key is not None or holds_answer(answer, wanted)):
            if key is None:
                return self._cited(answer, citations)
            if squash(key[0]) in squash(answer):
                cited = citations if any(c.passage_id == key[1].passage_id for c in citations) else [key[1]]
                return self._cited(answer, cited, key[0])
            # The answer does not state the short answer: keep whichever of the two rests on the sentence that
            # speaks more about the question.
            if self._answer_sentence_coverage(answer, citations, question) \
                    <= coverage(question, f"{key[1].title}\n{key[1].quote}"):
                return self._cited(self._answer_from_span(*key), [key[1]], key[0])
            return self._cited(answer, citations)
        # The model's sentence is not backed, but its short answer stands in a shown passage, in a sentence that
        # speaks about what was asked (the model often quotes one sentence and answers from another): answer with it.
        if key is not None and self._key_coverage(key[1], citations, passages, question) >= MIN_COVERAGE:
            return self._cited(self._answer_from_span(*key), [key[1]], key[0])
        # When its first quote lies in the best sentence of the top passage, model and retrieval agree on the
        # evidence: answer with that sentence, if it speaks about what was asked. Otherwise it is typically a
        # loosely related quote for a question the articles do not answer.
        citation = citations[0]
        sentence = self._agreed_sentence(citation, shown)
        if sentence is not None and (coverage(question, f"{citation.title}\n{citation.text[slice(*sentence)]}")
                                     < MIN_COVERAGE or not holds_answer(citation.text[slice(*sentence)], wanted)):
            sentence = None
        if sentence is None:
            return self._typed_answer(question, wanted, passages) or \
                Verdict(REFUSAL, True, "the answer is not backed by the quoted passages")
        citation.quote_start, citation.quote_end = sentence
        citation.quote = citation.text[sentence[0]:sentence[1]]
        short = key[0] if key is not None and squash(key[0]) in squash(citation.quote) else ""
        return self._cited(f"記事には「{citation.quote}」とあります。", [citation], short)

    @staticmethod
    def _with_short_answer(verdict: Verdict, question: str) -> Verdict:
        """The verdict with its short answer cut to what the question asks for (`asked_part`). When it has none,
        the short answer is what its answer adds to the question, as a cited passage spells it
        (「マーラーの交響曲は大規模なものが多い。」 to 「マーラーの何が…」 gives 「交響曲」)."""
        if verdict.refused or not verdict.citations:
            return verdict
        short = verdict.short_answer
        if not short:
            quoted = _QUOTED_ANSWER.fullmatch(re.sub(r"\[\d+\]", "", verdict.answer))
            words = residue(quoted[1] if quoted else verdict.answer, question)
            found = find_span(words, verdict.citations) if words else None  # a citation carries its passage's text
            if found is None:
                return verdict
            short = verdict.citations[found.passage].text[found.start:found.end]
        return verdict._replace(short_answer=asked_part(short, question))

    def _typed_answer(self, question: str, wanted: re.Pattern | None, passages: list) -> Verdict | None:
        """When the question asks for a number of some kind (「何項目」) and a shown sentence that speaks about the
        question holds one, that number answers, citing the sentence; None otherwise."""
        if wanted is None:
            return None
        best: tuple[float, int, int, int] | None = None
        for number, passage in enumerate(passages):
            for start, end in split_sentences(passage.text):
                sentence = passage.text[start:end]
                if holds_answer(sentence, wanted):
                    score = coverage(question, f"{passage.title}\n{sentence}")
                    if score >= MIN_TYPED_COVERAGE and (best is None or score > best[0]):
                        best = (score, number, start, end)
        if best is None:
            return None
        _, number, start, end = best
        citation = self._citation(0, passages[number], start, end)
        span = answer_span(citation.quote, wanted)
        log.info("answered with the %r the question asks for, from %r", span, citation.quote)
        return self._cited(f"{span}です。", [citation], span)

    @staticmethod
    def _key_coverage(key: Citation, citations: list[Citation], passages: list, question: str) -> float:
        """How much of the question the short answer's sentence speaks about, read together with the model's
        verified quotes of the same article within NEAR_CHARS of it: a speech the model quoted in part goes on in
        the next sentences (「…と指摘した。」 then 「『AUKUS』など…が作られている」)."""
        starts = {p.passage_id: p.start for p in passages}
        key_start, key_end = starts[key.passage_id] + key.quote_start, starts[key.passage_id] + key.quote_end
        text = key.quote
        for quote in citations:
            if quote.doc_id == key.doc_id and quote.passage_id in starts:
                start, end = starts[quote.passage_id] + quote.quote_start, starts[quote.passage_id] + quote.quote_end
                if max(start - key_end, key_start - end) <= NEAR_CHARS:
                    text += "\n" + quote.quote
        return coverage(question, f"{key.title}\n{text}")

    @classmethod
    def _answer_sentence_coverage(cls, answer: str, citations: list[Citation], question: str) -> float:
        """How much of the question the cited sentence that best backs `answer` speaks about."""
        backed = cls._backing_sentence(answer, citations)  # a citation carries its passage's text and title
        if backed is None:
            return 0.0
        number, start, end = backed
        return coverage(question, f"{citations[number].title}\n{citations[number].text[start:end]}")

    @staticmethod
    def _invented_numbers(text: str, passages: list, question: str) -> list[str]:
        """Numbers in the model's answer that neither a shown passage nor the question holds: a date or amount
        the model made up, the most harmful kind of invention."""
        held = "\n".join(squash(source) for source in [question] + [p.text for p in passages])
        invented = [n for n in dict.fromkeys(_NUMBER.findall(squash(text))) if n not in held]
        if invented:
            log.info("dropped model words stating numbers no passage holds (%s): %r", ", ".join(invented), text)
        return invented

    @staticmethod
    def _cited(answer: str, citations: list[Citation], short_answer: str = "") -> Verdict:
        """The answer with its [n] markers (numbered in the order given)."""
        for n, citation in enumerate(citations, start=1):
            citation.n = n
        return Verdict(answer + "".join(f"[{c.n}]" for c in citations), False, "", citations, short_answer)

    def _key_citation(self, key: str, question: str, passages: list, citations: list[Citation],
                      wanted: re.Pattern | None = None) -> tuple[str, Citation] | None:
        """The model's short answer as the passage spells it, and a citation of the sentence holding it, if every
        part of it (「A、B」) the question does not name stands in one shown passage (cited ones first), exactly or
        with a small misspelling.

        When the question asks for a kind of words (「何日前」) the span is not, the words of that kind in the same
        sentence answer instead (the model often copies the date beside the number of days asked for)."""
        cited = [i for i, p in enumerate(passages) if any(c.passage_id == p.passage_id for c in citations)]
        order = cited + [i for i in range(len(passages)) if i not in cited]
        for parts, near in ((parts, near) for parts in self._key_readings(key, question) for near in (False, True)):
            for number in order:
                passage = passages[number]
                found = [(find_near_span if near else find_span)(part, [passage]) for part in parts]
                if not all(found):
                    continue
                spans = [self._with_brackets(passage.text, part, f.start, f.end) for part, f in zip(parts, found)]
                first, last = min(s for s, _ in spans), max(e for _, e in spans)
                spelled = "、".join(passage.text[s:e] for s, e in spans)
                sentences = [(s, e) for s, e in split_sentences(passage.text) if s < last and first < e]
                start, end = (sentences[0][0], sentences[-1][1]) if sentences else (first, last)
                if not holds_answer(spelled, wanted):
                    spelled = answer_span(passage.text[start:end], wanted)
                    if not spelled:
                        continue
                    return spelled, self._citation(0, passage, start, end)
                for quote in citations:  # the model's own quote, when it holds the span, is the best highlight
                    if quote.passage_id == passage.passage_id and quote.quote_start <= first and last <= quote.quote_end:
                        return spelled, self._citation(0, passage, quote.quote_start, quote.quote_end)
                return spelled, self._citation(0, passage, start, end)
        return None

    @staticmethod
    def _key_readings(key: str, question: str) -> list[list[str]]:
        """The short answer read as a list of words to find, split at 「、」 and then also at 「と」「や」; words the
        question already names are left out (「北海道と小笠原諸島」 for 「北海道とどこ」 is 「小笠原諸島」)."""
        readings: list[list[str]] = []
        asked = squash(question)
        for items in (key.split("、"), list_items(key)):
            words = [w.strip() for w in items if w.strip() and squash(w) not in asked]
            if words and words not in readings:
                readings.append(words)
        return readings

    @staticmethod
    def _with_brackets(text: str, part: str, start: int, end: int) -> tuple[int, int]:
        """The span widened to the brackets that open or close `part` (located spans leave punctuation out)."""
        part = part.strip()
        if start > 0 and part[:1] in "「『(（" and text[start - 1] == part[0]:
            start -= 1
        if end < len(text) and part[-1:] in "」』)）" and text[end] == part[-1]:
            end += 1
        return start, end

    @staticmethod
    def _answer_from_span(span: str, citation: Citation) -> str:
        """A short answer built on the verified span: 「…です。」 for a noun phrase, else the sentence holding it."""
        if _NOUN_END.search(span):
            return f"{span}です。"
        return f"記事には「{citation.quote}」とあります。"

    def _citation(self, n: int, passage, start: int, end: int) -> Citation:
        """Citation n of `passage`, quoting its text[start:end], with the article's publisher and date."""
        doc = self.retriever.index.documents.get(passage.doc_id)
        return Citation(n, passage.doc_id, passage.title, passage.passage_id, passage.text, passage.text[start:end],
                        start, end, doc.publisher if doc else "", doc.date if doc else "")

    @staticmethod
    def _agreed_sentence(citation: Citation, shown: list[Hit]) -> tuple[int, int] | None:
        """The best sentence of the top passage (offsets into its text) if the citation quotes from it."""
        hit = shown[0] if shown else None
        if hit is None or hit.passage.passage_id != citation.passage_id:
            return None
        start, end = (offset - hit.passage.start for offset in hit.best_sentence)
        overlaps = citation.quote_start < end and start < citation.quote_end
        return (start, end) if overlaps and end > start else None

    @staticmethod
    def _backing_sentence(answer: str, passages: list) -> tuple[int, int, int] | None:
        """(passage number, start, end) of the sentence best supporting `answer`, if a passage supports it."""
        best: tuple[float, int, int, int] | None = None
        for number, passage in enumerate(passages):
            if support(answer, [passage.text]) < MIN_SUPPORT:
                continue
            for s, e in split_sentences(passage.text):
                score = support(passage.text[s:e], [answer])
                if best is None or score > best[0]:
                    best = (score, number, s, e)
        return best[1:] if best else None

    def answer(self, question: str, history: list[dict] | None = None) -> AnswerResult:
        result = None
        for event in self.stream(question, history):
            if event.kind == "final":
                result = event.result
        assert result is not None
        return result
