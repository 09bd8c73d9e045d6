"""Evidence selection: fitting the sentence ranker on JaQuAD, and how often the answer reaches the generator.

"Answer in evidence" is the share of questions whose gold answer string lies in the text the generator reads: the
sentences picked under a character budget from the top distinct passages the Answerer shows, and the titles of their
articles, which the prompt shows above them.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
from tqdm import tqdm

from rag.answer import Answerer, evidence_coverage
from rag.answer_type import expected_answer, holds_answer
from rag.config import Settings
from rag.embed import Embedder
from rag.errors import IndexUnavailable
from rag.evidence import (
    FEATURE_NAMES,
    ScoredSentence,
    SentenceRanker,
    candidates,
    chars_read,
    feature_matrix,
    fit_logistic,
    pick,
)
from rag.index import Index, build_lock, write_index
from rag.load import Document
from rag.prompt import title_lines
from rag.retrieve import Hit, Retriever
from rag.verify import Verifier

from .metrics import squash

BUDGETS = (120, 170, 220, 300)
# Chosen by 5-fold cross-validation over the fit part's articles: none of the other features of rag/evidence.py
# raised the share of answer sentences picked at 120, 170 or 300 characters beyond these three.
DEFAULT_FEATURES = ("retrieval_z", "passage_gap", "asked_kind")


@dataclass
class JaquadQuestion:
    id: str
    question: str
    answer: str
    doc_id: str
    start: int  # the answer's character offsets in the document text
    end: int
    article: str


def load_jaquad(folder: str | Path, paragraphs: int = 400, per_article: int = 5,
                seed: int = 0) -> tuple[list[Document], list[JaquadQuestion]]:
    """About `paragraphs` paragraphs (at most `per_article` from each of randomly drawn articles) as documents,
    and their questions with the answer's offsets mapped into the document text."""
    articles = []
    for file in sorted(Path(folder).glob("jaquad_train_*.json")):
        articles += json.loads(file.read_text(encoding="utf-8"))["data"]
    if not articles:
        raise FileNotFoundError(f"no jaquad_train_*.json in {folder}")
    rng = random.Random(seed)
    rng.shuffle(articles)
    documents: list[Document] = []
    questions: list[JaquadQuestion] = []
    for article in articles:
        if len(documents) >= paragraphs:
            break
        chosen = sorted(rng.sample(range(len(article["paragraphs"])), min(per_article, len(article["paragraphs"]))))
        for i in chosen:
            paragraph = article["paragraphs"][i]
            context = paragraph["context"]
            text = context.strip()
            shift = len(context) - len(context.lstrip())  # document offsets = context offsets - leading space
            doc = Document(doc_id=f"j{len(documents):05d}", title=article["title"], text=text)
            documents.append(doc)
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                start = answer["answer_start"] - shift
                end = start + len(answer["text"])
                if text[start:end] != answer["text"]:
                    raise ValueError(f"JaQuAD {qa['id']}: the answer offset does not point at the answer")
                questions.append(JaquadQuestion(qa["id"], qa["question"], answer["text"], doc.doc_id, start, end,
                                                article["title"]))
    return documents, questions


def held_out_articles(questions: list[JaquadQuestion], share: float, seed: int) -> set[str]:
    """Titles of the articles kept out of fitting (a whole article goes one way, so no paragraph leaks)."""
    titles = sorted({q.article for q in questions})
    random.Random(seed).shuffle(titles)
    return set(titles[:round(share * len(titles))])


def paragraph_retriever(documents: list[Document], settings: Settings, embedder: Embedder, stack: ExitStack,
                        cache: str | Path | None = None, name: str = "") -> Retriever:
    """A retriever over `documents`; with `cache`, the index is kept in cache/name and reused while the
    documents and the settings stay the same."""
    digest = hashlib.sha256(json.dumps([[d.doc_id, d.title, d.text] for d in documents],
                                       ensure_ascii=False).encode()).hexdigest()
    manifest = {"corpus_dir": name, "corpus_fingerprint": digest}
    if not cache:
        folder = Path(stack.enter_context(TemporaryDirectory(prefix=f"{name}-index-")))
        return Retriever(write_index(documents, settings, embedder, folder, True, manifest), embedder,
                         settings.dense_weight)
    folder = Path(cache) / name
    with build_lock(folder):
        try:
            index = Index.load(folder)
            if index.manifest.get("corpus_fingerprint") != digest or index.stale_reasons(settings, embedder):
                raise IndexUnavailable("built from other documents or settings")
        except IndexUnavailable:
            index = write_index(documents, settings, embedder, folder, True, manifest)
    return Retriever(index, embedder, settings.dense_weight)


def retrieve(retriever: Retriever, queries: list[str], settings: Settings, desc: str) -> list[list[Hit]]:
    """Per query, the distinct hits of the search the Answerer makes (it shows the first `answer_passages`)."""
    k = max(settings.top_k, settings.answer_passages)
    return [Answerer.distinct(retriever.search(q, k=k).hits) for q in tqdm(queries, desc=desc, unit="q")]


def shown(questions: list[str], hits: list[list[Hit]], documents, settings: Settings) -> list[list[Hit]]:
    """Per question, the passages the Answerer reads its evidence from: the first `answer_passages` distinct hits,
    only those of the articles that hold the names the question gives where any does (`Verifier.naming`)."""
    verifier = Verifier(documents)
    return [verifier.naming(found[:settings.answer_passages], question) for question, found in zip(questions, hits)]


# --- rankings to compare ---------------------------------------------------------------------------------------

def retrieval_ranking(hits: list[Hit], documents) -> list[ScoredSentence]:
    """The baseline: sentences by their blended retrieval score, as Answerer.evidence ordered them before the ranker."""
    cands = sorted(candidates(hits, documents), key=lambda c: (-c.retrieval, c.rank, c.start, c.end))
    return [ScoredSentence(c.rank, c.hit.passage.doc_id, c.start, c.end, c.retrieval) for c in cands]


def with_kind_second(ranked: list[ScoredSentence], wanted: re.Pattern | None, documents) -> list[ScoredSentence]:
    """The step Answerer.evidence took before the ranker: the best sentence holding words of the asked kind moves up to second."""
    if wanted is None:
        return ranked
    typed = next((i for i, s in enumerate(ranked) if holds_answer(documents[s.doc_id].text[s.start:s.end], wanted)),
                 None)
    if not typed:
        return ranked
    return [ranked[0], ranked[typed], *ranked[1:typed], *ranked[typed + 1:]]


def rankings(question: str, hits: list[Hit], documents, ranker: SentenceRanker) -> dict[str, list[ScoredSentence]]:
    baseline = retrieval_ranking(hits, documents)
    return {"baseline": baseline,
            "baseline+kind": with_kind_second(baseline, expected_answer(question), documents),
            "ranker": ranker.rank(question, hits, documents)}


def answer_in_evidence(questions: list[str], golds: list[list[str]], hits: list[list[Hit]], documents,
                       ranker: SentenceRanker, budgets=BUDGETS, passages: int = 3,
                       spans: list[tuple[str, int, int]] | None = None) -> dict:
    """Per method and budget: share of questions with a gold answer in the picked sentences or their articles'
    titles, mean characters read (title lines included, as `pick` charges them), and (with `spans`, the answer's
    doc_id and offsets) share whose answer-bearing sentence is picked."""
    rows: dict[str, dict[str, list[tuple]]] = {}  # method -> budget -> per question (found, chars, span found)
    for i, question in enumerate(tqdm(questions, desc="ranking sentences", unit="q")):
        answers = [squash(a) for a in golds[i]]
        headings = title_lines(documents, [h.passage.doc_id for h in hits[i][:passages]])
        for method, ranked in rankings(question, hits[i][:passages], documents, ranker).items():
            for budget in budgets:
                picked = pick(ranked, budget, headings)
                texts = [squash(documents[s.doc_id].text[s.start:s.end]) for s in picked] + \
                    [squash(documents[doc_id].title) for doc_id in {s.doc_id for s in picked}]
                doc_id, start, end = spans[i] if spans else ("", 0, 0)
                rows.setdefault(method, {}).setdefault(str(budget), []).append((
                    any(a in t for a in answers for t in texts),
                    chars_read(picked, headings),
                    any(s.doc_id == doc_id and s.start <= start and end <= s.end for s in picked)))
    columns = ["answer_in_evidence", "mean_chars", "answer_sentence_picked"][:3 if spans else 2]
    out: dict = {"n_questions": len(questions)}
    for column, name in enumerate(columns):
        out[name] = {method: {budget: float(np.mean([r[column] for r in values])) for budget, values in by_budget.items()}
                     for method, by_budget in rows.items()}
    return out


# --- fitting ---------------------------------------------------------------------------------------------------

def labelled(question: JaquadQuestion, hits: list[Hit], documents) -> tuple[np.ndarray, np.ndarray, list]:
    """Features of every candidate sentence (all of FEATURE_NAMES) and whether it holds the answer's span."""
    cands = candidates(hits, documents)
    y = np.array([c.hit.passage.doc_id == question.doc_id and c.start <= question.start and question.end <= c.end
                  for c in cands], dtype=np.float64)
    return feature_matrix(question.question, cands), y, cands


def top1(groups: list[tuple[np.ndarray, np.ndarray]], score) -> float:
    """Share of questions whose top-scored candidate holds the answer (questions with such a candidate only)."""
    tops = [y[int(np.argmax(score(x)))] for x, y in groups if y.any()]
    return float(np.mean(tops)) if tops else 0.0


def fit(groups: list[tuple[np.ndarray, np.ndarray]], names: list[str], l2: float) -> dict:
    """Weights fitted on the candidates of questions whose retrieved passages hold the answer's sentence."""
    columns = [FEATURE_NAMES.index(n) for n in names]
    kept = [(x[:, columns], y) for x, y in groups if y.any()]
    x = np.vstack([x for x, _ in kept])
    y = np.concatenate([y for _, y in kept])
    weights = fit_logistic(x, y, names, l2=l2)
    weights["n_questions"], weights["n_sentences"], weights["n_positive"] = len(kept), len(y), int(y.sum())
    return weights


def log_loss(groups, ranker: SentenceRanker) -> float:
    columns = [FEATURE_NAMES.index(n) for n in ranker.names]
    losses = []
    for x, y in groups:
        if y.any():
            p = np.clip(ranker.probabilities(x[:, columns]), 1e-9, 1 - 1e-9)
            losses.append(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return float(np.concatenate(losses).mean()) if losses else 0.0


def fit_and_evaluate(questions: list[JaquadQuestion], hits: list[list[Hit]], documents, held_out: set[str],
                     names: list[str], l2: float, passages: int, budgets=BUDGETS) -> tuple[dict, dict]:
    """Fit on the questions of articles outside `held_out`; figures on those inside it."""
    groups = [labelled(q, h, documents)[:2] for q, h in zip(tqdm(questions, desc="features", unit="q"), hits)]
    fit_groups = [g for q, g in zip(questions, groups) if q.article not in held_out]
    test = [i for i, q in enumerate(questions) if q.article in held_out]
    weights = fit(fit_groups, names, l2)
    ranker = SentenceRanker(weights)
    columns = [FEATURE_NAMES.index(n) for n in names]
    test_groups = [groups[i] for i in test]
    retrieval_column = FEATURE_NAMES.index("retrieval")
    metrics = {
        "n_fit_questions": sum(q.article not in held_out for q in questions),
        "n_held_out_questions": len(test),
        "held_out_with_answer_sentence": sum(bool(g[1].any()) for g in test_groups),
        "log_loss": {"fit": log_loss(fit_groups, ranker), "held_out": log_loss(test_groups, ranker)},
        "top1": {"baseline": top1(test_groups, lambda x: x[:, retrieval_column]),
                 "ranker": top1(test_groups, lambda x: ranker.probabilities(x[:, columns]))},
        **answer_in_evidence([questions[i].question for i in test], [[questions[i].answer] for i in test],
                             [hits[i] for i in test], documents, ranker, budgets, passages,
                             spans=[(questions[i].doc_id, questions[i].start, questions[i].end) for i in test]),
    }
    return weights, metrics


# --- the share of a question its evidence speaks about (min_evidence_coverage) ------------------------------------

COVERAGE_PERCENTILES = (1, 2, 5, 10)


def evidence_coverages(questions: list[JaquadQuestion], hits: list[list[Hit]], answerer: Answerer,
                       passages: int) -> dict[str, list[float]]:
    """`rag.answer.evidence_coverage` of each question's evidence, as the Answerer picks it: "answered", with the
    passages found, where the answer is in the evidence; "missed", with every passage holding the answer left out,
    a question the documents do not answer asked among the neighbours of its answer (the same article's other
    paragraphs, most often). Questions whose best passage is below `min_evidence` are refused before, and left out.
    The passages are the first found, before the Answerer keeps those of the articles naming what is asked
    (`Verifier.naming`): the coverages measured to choose `min_evidence_coverage` were read so."""
    documents = answerer.retriever.index.documents
    out: dict[str, list[float]] = {"answered": [], "missed": []}
    for question, found in zip(tqdm(questions, desc="evidence coverage", unit="q"), hits):
        if not found or found[0].dense < answerer.settings.min_evidence:
            continue
        answer = squash(question.answer)
        evidence = answerer.evidence(question.question, found[:passages])
        if any(answer in squash(f"{e.title}\n{e.text}") for e in evidence):
            out["answered"].append(evidence_coverage(question.question, evidence))
        if others := [h for h in found if answer not in squash(documents[h.passage.doc_id].text)][:passages]:
            out["missed"].append(evidence_coverage(question.question, answerer.evidence(question.question, others)))
    return out


def coverage_table(coverages: dict[str, list[float]], setting: float | None = None) -> dict[str, dict[str, float]]:
    """Per percentile of the answered questions' coverage: its value, and the shares of answered and missed
    questions below it (refused by a `min_evidence_coverage` of that value); with `setting`, a last row for it."""
    answered, missed = np.array(coverages["answered"]), np.array(coverages["missed"])
    if not len(answered):
        raise ValueError("no question had its answer in the evidence")

    def below(values: np.ndarray, value: float) -> float:
        return round(float((values < value).mean()), 3) if len(values) else 0.0

    table = {}
    for p in COVERAGE_PERCENTILES:
        value = float(np.percentile(answered, p))
        table[f"p{p}"] = {"coverage": round(value, 3), "answered_below": below(answered, value),
                          "missed_below": below(missed, value)}
    if setting is not None:
        table["setting"] = {"coverage": setting, "answered_below": below(answered, setting),
                            "missed_below": below(missed, setting)}
    return table


def budget_table(result: dict, key: str = "answer_in_evidence") -> dict[str, dict[str, float]]:
    return {method: {f"@{b}": v for b, v in row.items()} for method, row in result[key].items()}


def timed(started: float) -> float:
    return round(time.time() - started, 1)
