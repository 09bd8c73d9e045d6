"""Answer quality of the whole pipeline: accuracy, character F1, citation precision, refusals, latency."""

from __future__ import annotations

import re
import resource
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from rag.answer import Answerer
from rag.verify import CONFLICT, FIGURES_ONLY, QUOTED_ANSWER

from . import report
from .metrics import char_f1, evidence_in, exact_match, latency_summary, squash, stated_numbers, ungrouped
from .questions import Question

TARGETS = {"answer_accuracy": 0.85, "citation_precision": 0.95, "refusal_rate_unanswerable": 0.95,
           "false_refusal_rate": 0.08}
LATENCIES = ("first_answer_token_p50_s", "first_answer_token_p95_s", "total_p50_s", "total_p95_s")
LATENCY_TARGETS = {"first_answer_token_p50_s": 3.0, "first_answer_token_p95_s": 5.0, "total_p50_s": 6.0}


def _percentiles(values: list[float], name: str) -> dict[str, float]:
    summary = latency_summary(values)
    return {f"{name}_p50_s": round(summary["p50_ms"] / 1000, 2), f"{name}_p95_s": round(summary["p95_ms"] / 1000, 2)}


# The calculation an answer shows, 「(計算: 1,320円 × 2 = 2,640円)」: its figures are checked by code, not stated.
_SHOWN_CALCULATION = re.compile(r"[(（]計算[:：][^)）]*[)）]")


def unchecked_numbers(answer: str, question: str, documents: list[str]) -> list[str]:
    """Numbers an answer states as fact that neither the question nor any document holds (a computed or made-up
    figure), unless a calculation it shows gives them."""
    held = "\n".join(ungrouped(t) for t in [question, *documents])
    answer = re.sub(r"\[\d+\]", "", answer)
    checked = {n for shown in _SHOWN_CALCULATION.findall(answer) for n in stated_numbers(shown)}
    return [n for n in stated_numbers(_SHOWN_CALCULATION.sub("", answer)) if n not in held and n not in checked]


def all_values_named(q: Question, said: str) -> bool:
    """Whether `said` (squashed) names the value of every source of a question on a conflict: its gold answers are
    grouped by the evidence item (one per source) that holds them, a group is named when one of its spellings is
    said (「320名」 or 「320人」), and answers no evidence item holds (a computed 「22時」 for 「午後10時」) only count
    when no item holds any."""
    groups = [[a for a in q.answers if squash(a) in squash(e)] for e in q.evidence]
    groups = [g for g in groups if g] or [[a] for a in q.answers]
    return bool(groups) and all(any(squash(a) in said for a in group) for group in groups)


def evaluate_answers(answerer: Answerer, questions: list[Question], on_row: Callable[[dict], None] | None = None) -> dict:
    """Run every question through the pipeline (with its history) and score the answers; `on_row` sees each row."""
    rows = []
    # what the page shows of an article besides its text (a conflict names its title and date) is held too
    documents = [f"{d.title}\n{d.date}\n{d.text}" for d in answerer.retriever.index.documents.values()]
    for q in tqdm(questions, desc="answering", unit="q"):
        started = time.perf_counter()
        result = answerer.answer(q.question, history=q.history)
        elapsed = time.perf_counter() - started
        # Concise: the short answer or the answer sentence holds a gold answer. The whole article sentence given
        # as the answer (「記事には「…」とあります。」) is counted apart: right, but not an answer in a few words.
        quoted = QUOTED_ANSWER.fullmatch(re.sub(r"\[\d+\]", "", result.answer)) is not None
        said = squash(result.answer) + "\n" + squash(result.short_answer)
        holds_gold = q.answerable and not result.refused and any(squash(a) in said for a in q.answers)
        correct = holds_gold and not quoted
        cited_ok = [any(evidence_in(e, c.text) for e in q.evidence) for c in result.citations]
        rows.append({
            "id": q.id, "kind": q.kind, "question": q.question, "answerable": q.answerable,
            "answer": result.answer, "refused": result.refused, "reason": result.reason,
            "correct": bool(correct), "quoted_sentence": quoted, "quoted_correct": bool(holds_gold and quoted),
            "short_answer": result.short_answer,
            "unchecked_numbers": [] if result.refused else unchecked_numbers(result.answer, q.question, documents),
            "figures_shown": result.answer.startswith(FIGURES_ONLY),
            "sources_differ": result.answer.startswith(CONFLICT),
            "all_values_named": all_values_named(q, said),
            "f1": max((char_f1(result.answer, a) for a in q.answers), default=0.0) if not result.refused else 0.0,
            "citations": [c.passage_id for c in result.citations], "citations_correct": cited_ok,
            "model_reply": result.model_reply,
            "top_dense": result.passages[0]["dense"] if result.passages else None,
            "first_token_s": result.timings.get("first_token_s"),
            "first_answer_token_s": result.timings.get("first_answer_token_s"),
            "total_s": result.timings.get("total_s", elapsed),
        })
        if on_row:
            on_row(rows[-1])
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    citations = [ok for r in answerable for ok in r["citations_correct"]]
    summary = {
        "answer_accuracy": sum(r["correct"] for r in answerable) / max(len(answerable), 1),
        "quoted_sentence_correct": sum(r["quoted_correct"] for r in answerable) / max(len(answerable), 1),
        "char_f1": sum(r["f1"] for r in answerable) / max(len(answerable), 1),
        "citation_precision": sum(citations) / max(len(citations), 1),
        "refusal_rate_unanswerable": sum(r["refused"] for r in unanswerable) / max(len(unanswerable), 1),
        "false_refusal_rate": sum(r["refused"] for r in answerable) / max(len(answerable), 1),
        **_percentiles([r["first_token_s"] for r in rows if r["first_token_s"] is not None], "ttft"),
        # what the user waits for: the first word of the answer on screen, not the model's first token
        **_percentiles([r["first_answer_token_s"] for r in rows if r["first_answer_token_s"] is not None],
                       "first_answer_token"),
        **_percentiles([r["total_s"] for r in rows], "total"),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # answers stating a number no document holds without a checked calculation: should be 0
        "unchecked_number_answers": sum(bool(r["unchecked_numbers"]) for r in rows),
    }
    conflicts = [r for r in rows if r["kind"] == "conflict"]
    if conflicts:  # questions whose sources disagree: the reply should say so and name every value
        summary["conflicts_flagged"] = sum(r["sources_differ"] and r["all_values_named"] for r in conflicts) / len(conflicts)
    by_kind = {}
    for kind in sorted({r["kind"] for r in rows}):
        group = [r for r in rows if r["kind"] == kind]
        by_kind[kind] = {"n": len(group), "correct_or_refused": sum(
            r["correct"] if r["answerable"] else r["refused"] for r in group) / len(group)}
    return {"summary": {k: round(v, 3) if isinstance(v, float) else v for k, v in summary.items()},
            "by_kind": by_kind, "n_questions": len(rows), "generator": answerer.generator.name, "rows": rows}


def evaluate_jsquad_answers(answerer: Answerer, questions, on_row: Callable[[dict], None] | None = None) -> dict:
    """EM and character F1 (JGLUE normalisation, best gold answer) of generated answers to JSQuAD questions."""
    rows = []
    for q in tqdm(questions, desc="jsquad answers", unit="q"):
        result = answerer.answer(q.question)
        # JSQuAD's answers are spans of the paragraph: score the verified short answer, when there is one.
        text = "" if result.refused else (result.short_answer or re.sub(r"\[\d+\]", "", result.answer))
        rows.append({"id": q.id, "question": q.question, "answer": text, "sentence": result.answer,
                     "refused": result.refused, "reason": result.reason, "model_reply": result.model_reply,
                     "em": max(exact_match(text, a) for a in q.answers),
                     "f1": max(char_f1(text, a) for a in q.answers),
                     "total_s": result.timings.get("total_s")})
        if on_row:
            on_row(rows[-1])
    n = max(len(rows), 1)
    summary = {"exact_match": round(sum(r["em"] for r in rows) / n, 3), "char_f1": round(sum(r["f1"] for r in rows) / n, 3),
               "refusal_rate": round(sum(r["refused"] for r in rows) / n, 3), "n": len(rows)}
    return {"summary": summary, "rows": rows, "generator": answerer.generator.name}


def write_markdown(out: dict, path: Path) -> Path:
    """A readable report: headline table, chart, per-kind table and the questions that went wrong."""
    summary = out["summary"]
    figures = {k: summary[k] for k in ("answer_accuracy", "quoted_sentence_correct", "char_f1",
                                       "citation_precision", "refusal_rate_unanswerable", "false_refusal_rate")}
    seconds = {k: summary[k] for k in LATENCIES if k in summary}
    chart = report.bar_chart(figures, f"Answers on {out['questions_file']}", path.with_suffix(".png"),
                             targets=TARGETS, seconds=seconds, second_targets=LATENCY_TARGETS)
    lines = [f"# Answer evaluation: {out['questions_file']}", "",
             f"Generator: `{out['generator']}`; {out['n_questions']} questions.", ""]
    if out.get("warm_up_s") is not None:  # the fixed prompt, read once at start before the timed questions
        lines += [f"Reading the prompt's fixed part at start took {out['warm_up_s']:.1f} s.", ""]
    if out.get("cpu"):
        lines += [f"CPU: {report.describe_cpu(out['cpu'])}.", ""]
    lines += [report.markdown_table({"result": summary}, list(summary)), ""]
    if chart:
        lines += [f"![headline figures]({chart.name})", ""]
    lines += ["## By kind of question", "", "| kind | n | correct (or refused, when unanswerable) |", "|---|---|---|"]
    lines += [f"| {k} | {v['n']} | {v['correct_or_refused']:.2f} |" for k, v in out["by_kind"].items()]
    wrong = [r for r in out["rows"] if (r["answerable"] and not r["correct"]) or (not r["answerable"] and not r["refused"])]
    lines += ["", f"## Questions answered wrongly ({len(wrong)})", "", "| id | question | answer |", "|---|---|---|"]
    lines += [f"| {r['id']} | {r['question']} | {r['answer'].replace('|', '/')} |" for r in wrong]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
