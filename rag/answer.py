"""The answering pipeline: retrieve, select evidence, generate, verify quotes, cite, or refuse."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from .chunk import split_sentences
from .cite import locate, support
from .config import Settings
from .errors import GeneratorError
from .followup import standalone_query
from .generate import Generator
from .prompt import REFUSAL, Evidence, answer_part, build_messages, parse_reply
from .retrieve import Hit, Retriever

log = logging.getLogger(__name__)

MIN_SUPPORT = 0.6
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

    def _passage_dict(self, hit: Hit) -> dict:
        doc = self.retriever.index.documents.get(hit.passage.doc_id)
        s, e = hit.best_sentence
        return {**hit.passage.to_dict(), "score": round(hit.score, 4), "dense": round(hit.dense, 4),
                "publisher": doc.publisher if doc else "", "date": doc.date if doc else "",
                "best_sentence": [s - hit.passage.start, e - hit.passage.start]}

    def evidence(self, hits: list[Hit]) -> list[Evidence]:
        """The best sentence of each top passage, and its neighbours while the character budget lasts."""
        budget = self.settings.evidence_chars
        chosen: list[list[tuple[int, int]]] = []
        spans_per_hit = []
        for hit in hits:
            spans = [(hit.passage.start + s, hit.passage.start + e) for s, e in split_sentences(hit.passage.text)]
            best = spans.index(hit.best_sentence) if hit.best_sentence in spans else 0
            spans_per_hit.append((spans, best))
            chosen.append([spans[best]] if spans else [])
        used = sum(e - s for c in chosen for s, e in c)
        # Widen the top passages first: the sentence after the best one, then the one before.
        for step in (1, -1):
            for (spans, best), picked in zip(spans_per_hit, chosen):
                j = best + step
                if 0 <= j < len(spans) and used + spans[j][1] - spans[j][0] <= budget:
                    picked.insert(0 if step < 0 else len(picked), spans[j])
                    used += spans[j][1] - spans[j][0]
        evidence = []
        for n, (hit, picked) in enumerate(zip(hits, chosen), start=1):
            doc_text = self.retriever.index.documents[hit.passage.doc_id].text
            evidence.append(Evidence(n, "".join(doc_text[s:e] for s, e in picked)))
        return evidence

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
        history = history or []
        query = standalone_query(question, history)
        search = self.retriever.search(query, k=max(self.settings.top_k, self.settings.answer_passages))
        hits = search.hits
        timings = {"retrieval_s": round(search.seconds, 4)}
        passages = [self._passage_dict(h) for h in hits]
        yield AnswerEvent("retrieved", hits=hits)

        def finish(answer: str, refused: bool, reason: str = "", citations: list[Citation] | None = None) -> AnswerEvent:
            timings["total_s"] = round(time.perf_counter() - started, 3)
            return AnswerEvent("final", result=AnswerResult(
                question, query, answer, refused, reason, notice, citations or [], passages, timings,
                self.generator.name))

        if not hits or hits[0].dense < self.settings.min_evidence:
            yield finish(REFUSAL, True, "weak retrieval evidence")
            return
        shown = hits[:self.settings.answer_passages]
        previous = next((t.get("content", "") for t in reversed(history) if t.get("role") == "user"), "")
        messages = build_messages(question, self.evidence(shown), previous if query != question else "")
        reply, streamed = "", 0
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
        yield finish(*self._verify(reply, shown))

    def _verify(self, reply: str, shown: list[Hit]) -> tuple[str, bool, str, list[Citation]]:
        """Keep only quotes found in the shown passages; refuse when none is, or the model says it cannot tell."""
        parsed = parse_reply(reply)
        if parsed.says_unknown:
            return REFUSAL, True, "the passages do not answer the question", []
        passages = [h.passage for h in shown]
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
        answer = parsed.answer.strip()
        if not citations and answer:
            # The model misquoted but answered: keep the answer only if one passage backs it, quoting the
            # sentence of that passage that shares most with the answer.
            backed = self._backing_sentence(answer, passages)
            if backed is not None:
                number, start, end = backed
                citations.append(self._citation(1, passages[number], start, end))
        if not citations:
            return REFUSAL, True, "no quote could be found in the passages", []
        if not answer:
            answer = citations[0].quote
        elif support(answer, [c.text for c in citations]) < MIN_SUPPORT:
            # The model wrote something its own quotes do not back. When its first quote lies in the best sentence
            # of the top passage, model and retrieval agree on the evidence: answer with that sentence.
            # Otherwise it is typically a loosely related quote for a question the articles do not answer.
            sentence = self._agreed_sentence(citations[0], shown)
            if sentence is None:
                return REFUSAL, True, "the answer is not backed by the quoted passages", []
            citations = [citations[0]]
            citations[0].quote_start, citations[0].quote_end = sentence
            citations[0].quote = citations[0].text[sentence[0]:sentence[1]]
            answer = f"記事には「{citations[0].quote}」とあります。"
        markers = "".join(f"[{c.n}]" for c in citations)
        return f"{answer}{markers}", False, "", citations

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
