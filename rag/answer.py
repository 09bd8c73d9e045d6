"""The answering pipeline: retrieve, select evidence, generate, check the reply against the passages, cite, or refuse."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from .cite import coverage
from .config import Settings
from .errors import GeneratorError
from .evidence import SentenceRanker, pick, reading_order
from .followup import standalone_query, with_previous
from .generate import Generator, started_reply
from .japanese import QUESTION_WORDS, content_bigrams, spelled_as
from .prompt import REPLY_START, Evidence, answer_part, build_messages, title_lines
from .rerank import ReaderReranker, shared_reader
from .retrieve import Hit, Retriever
from .verify import Citation, Verifier

log = logging.getLogger(__name__)
# how the model's refusal (REFUSAL) opens: words never streamed as an answer
_REFUSAL_OPENING = "資料には"

EMPTY_QUESTION = "質問を入力してください。"
TRUNCATED_NOTICE = "質問が長すぎるため、先頭の{n}文字だけを使いました。"
# why a question is refused before the model is asked
EMPTY = "empty question"
WEAK_RETRIEVAL = "weak retrieval evidence"
OFF_TOPIC_EVIDENCE = "the evidence speaks about too little of the question"


class Prepared(NamedTuple):
    """What `Answerer.prepare` gives: the question as answered, a notice for the reader ("" or that it was cut),
    the retrieval query, the hits and the seconds retrieval took, the passages shown, the evidence and the messages
    for the model (None: nothing to ask it, and `refusal` says why)."""

    question: str
    notice: str
    query: str
    hits: list[Hit]
    retrieval_s: float
    shown: list[Hit]
    evidence: list[Evidence]
    messages: list[dict] | None
    refusal: str = ""


def evidence_coverage(question: str, evidence: list[Evidence]) -> float:
    """The share of the question's words (`cite.coverage`) that the evidence and its title lines hold."""
    return coverage(question, "\n".join(f"{e.title}\n{e.text}" for e in evidence))


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
    model_reply: str = ""  # the model's reply (with the first words written for it), before code checked it

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
        self.ranker = SentenceRanker()
        # the reader of the generator answering now where it answers from one (ReaderFirst; a generator set later,
        # as a replay sets one, included), else one loaded for the reranking
        self.reranker = ReaderReranker(
            lambda: getattr(self.generator, "reader", None) or shared_reader(settings.threads),
            settings.rerank_weight) if settings.rerank_candidates > 0 else None
        self.verify = Verifier(retriever.index.documents, settings.min_support, settings.min_coverage,
                               settings.near_chars, settings.min_typed_coverage, settings.min_backing_coverage)

    def warm_up(self) -> float | None:
        """Has the generator read the prompt's fixed part (instructions and examples) once, before any question;
        returns the seconds it took (None when the generator failed).

        Runtimes that keep a prompt prefix's KV cache (llama.cpp, OpenVINO, vLLM) then read only the evidence and
        the question of each request; without this the first question after a start also waits for the whole
        fixed part, several times the usual wait on a small CPU. A generator that fails here is only logged: the
        question that meets the same failure gets its message then.
        """
        started = time.perf_counter()
        try:
            for _ in self.generator.stream(build_messages("", []), max_tokens=1, temperature=0.0):
                pass
        except GeneratorError as exc:
            log.warning("generator warm-up failed: %s", exc)
            return None
        seconds = time.perf_counter() - started
        log.info("generator read the fixed prompt in %.1f s", seconds)
        return seconds

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

    def _with_own_passage(self, shown: list[Hit], found: list[Hit]) -> list[Hit]:
        """`shown` with the first of `found` (a follow-up's hits for its own words) that is of an article shown but
        not shown itself, in the last place (added where fewer than `answer_passages` are shown): the passage of the
        conversation's article that the follow-up asks about."""
        articles = {h.passage.doc_id for h in shown}
        ids = {h.passage.passage_id for h in shown}
        extra = next((h for h in found if h.passage.doc_id in articles and h.passage.passage_id not in ids), None)
        if extra is None:
            return shown
        return (shown if len(shown) < self.settings.answer_passages else shown[:-1]) + [extra]

    def evidence(self, question: str, hits: list[Hit]) -> list[Evidence]:
        """The sentences of the shown passages most likely to hold the answer (`SentenceRanker`), while the
        character budget lasts, each numbered on its own so that the model cites it by number.

        Sentences compete across passages, so a passage holding two relevant sentences can give both and a weak
        passage none; no sentence of an article is sent twice. The budget counts each article's title line too.
        """
        documents = self.retriever.index.documents
        titled = self.settings.evidence_titles
        headings = title_lines(documents, [h.passage.doc_id for h in hits]) if titled else {}
        picked = reading_order(pick(self.ranker.rank(question, hits, documents), self.settings.evidence_chars,
                                    headings))
        return [Evidence(n, documents[s.doc_id].text[s.start:s.end], s.doc_id, s.start, s.end, s.rank,
                         documents[s.doc_id].title if titled else "") for n, s in enumerate(picked, start=1)]

    def prepare(self, question: str, history: list[dict] | None = None) -> Prepared:
        """Everything before the model: the question with its spaces folded and cut to `max_question_chars`, the
        query retrieval reads (a follow-up made standalone), the passages, the evidence and the messages. No
        messages when there is nothing to ask: an empty question, retrieval below `min_evidence`, or evidence that
        speaks about less of the question than `min_evidence_coverage`."""
        question = " ".join((question or "").split())
        notice, limit = "", self.settings.max_question_chars
        if len(question) > limit:
            question, notice = question[:limit], TRUNCATED_NOTICE.format(n=limit)
        if not question:
            return Prepared(question, notice, "", [], 0.0, [], [], None, EMPTY)
        query = standalone_query(question, history)
        k = max(self.settings.top_k, self.settings.answer_passages)
        candidates = max(k, self.settings.rerank_candidates) if self.reranker else k
        search = self.retriever.search(query, k=candidates)
        seconds, alone = search.seconds, search if query == question else None
        if (not search.hits or search.hits[0].dense < self.settings.min_evidence) and query == question \
                and (joined := with_previous(question, history)) != question:
            # a follow-up that leaves its topic unsaid (「前年同期と比べて何％増えたの？」) finds nothing alone: it
            # is read through the question before it
            query, search = joined, self.retriever.search(joined, k=candidates)
            seconds += search.seconds
        hits = search.hits
        if not hits or hits[0].dense < self.settings.min_evidence:
            return Prepared(question, notice, query, hits, seconds, [], [], None, WEAK_RETRIEVAL)
        if self.reranker:
            hits = self.reranker(query, hits, self.retriever.index.documents)[:k]
        shown = self.distinct(hits)[:self.settings.answer_passages]
        # a follow-up's query carries the question before it, which finds the articles the conversation is about;
        # its own words, where it has any besides its asking words (「その会談はどのくらい続いた」, not 「それは何年？」),
        # find the passage of those articles it asks about and pick the evidence sentences, and the evidence must
        # hold them as well as the question before it (「その駐車場は何台分」 is refused)
        own = query != question and content_bigrams(QUESTION_WORDS.sub("", question))
        if own:
            if alone is None:
                alone = self.retriever.search(question, k=k)
                seconds += alone.seconds
            shown = self._with_own_passage(shown, alone.hits)
        shown = self.verify.naming(shown, question)
        evidence = self.evidence(question if own else query, shown)
        asked = [query, question] if own else [query]
        if min(evidence_coverage(q, evidence) for q in asked) < self.settings.min_evidence_coverage:
            return Prepared(question, notice, query, hits, seconds, shown, evidence, None, OFF_TOPIC_EVIDENCE)
        start = REPLY_START if self.generator.continues_reply else ""
        return Prepared(question, notice, query, hits, seconds, shown, evidence,
                        build_messages(question, evidence, start))

    def stream(self, question: str, history: list[dict] | None = None) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        prepared = self.prepare(question, history)
        question, query, hits, evidence, shown = (prepared.question, prepared.query, prepared.hits,
                                                  prepared.evidence, prepared.shown)
        if not question:
            result = AnswerResult(question, "", EMPTY_QUESTION, refused=True, reason=EMPTY,
                                  generator=self.generator.name)
            yield AnswerEvent("final", result=result)
            return
        timings = {"retrieval_s": round(prepared.retrieval_s, 4)}
        passages = [self._passage_dict(h) for h in hits]
        yield AnswerEvent("retrieved", hits=hits)

        reply = ""

        def finish(answer: str, refused: bool, reason: str = "", citations: list[Citation] | None = None,
                   short_answer: str = "") -> AnswerEvent:
            timings["total_s"] = round(time.perf_counter() - started, 3)
            return AnswerEvent("final", result=AnswerResult(
                question, query, answer, refused, reason, prepared.notice, citations or [], passages, timings,
                self.generator.name, short_answer, reply))

        # a comparison code decides from the shown passages' figures needs no model: it is answered at once, though
        # the evidence sentences may say little of the question
        if shown and (verdict := self.verify.before_reply(shown, question, evidence, hits)) is not None:
            if not verdict.refused:
                timings["first_answer_token_s"] = round(time.perf_counter() - started, 3)
            yield finish(verdict.answer, verdict.refused, verdict.reason, verdict.citations, verdict.short_answer)
            return
        if prepared.messages is None:
            # no passage good enough to show is no ground for saying what the documents leave out
            verdict = self.verify.refusal(question, hits if shown else [], prepared.refusal)
            yield finish(verdict.answer, True, verdict.reason)
            return
        messages = prepared.messages
        reply = started_reply(messages)[1]  # the words written for the model, which its pieces continue
        streamed = 0
        # the answer streamed as the evidence spells it (「習」 where the model writes 「习」), as the final one is
        written = set(question + "".join(e.text for e in evidence))
        try:
            for piece in self.generator.stream(messages, self.settings.max_new_tokens, self.settings.temperature):
                if "first_token_s" not in timings:
                    timings["first_token_s"] = round(time.perf_counter() - started, 3)
                reply += piece
                visible = spelled_as(answer_part(reply), written)
                # the refusal's words are no answer to stream, nor are its first characters before it is told apart
                opening = visible.lstrip()
                if len(visible) > streamed and not (opening.startswith(_REFUSAL_OPENING)
                                                    or _REFUSAL_OPENING.startswith(opening)):
                    if streamed == 0:
                        timings["first_answer_token_s"] = round(time.perf_counter() - started, 3)
                    yield AnswerEvent("token", text=visible[streamed:])
                    streamed = len(visible)
        except GeneratorError as exc:
            log.error("generator failed: %s", exc)
            yield finish("回答の生成中にエラーが発生しました。しばらくしてからもう一度お試しください。", True,
                         f"generator error: {exc}")
            return
        verdict = self.verify(reply, shown, question, evidence, hits)
        yield finish(verdict.answer, verdict.refused, verdict.reason, verdict.citations, verdict.short_answer)

    def answer(self, question: str, history: list[dict] | None = None) -> AnswerResult:
        result = None
        for event in self.stream(question, history):
            if event.kind == "final":
                result = event.result
        assert result is not None
        return result
