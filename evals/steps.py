"""What each step of verification changes: a question set answered again with each step of `rag.verify.Verifier`
(its rules, its checks, the choice of articles naming what is asked) switched off in turn, beside the shipped steps.

Made for recorded replies (`--replay`): the model's reply to each question is the same in every run, and for the
rules and checks only the checking differs. Two kinds of step read less than that: with a rule code decides before the
model writes (`Verifier.BEFORE_REPLY`) switched off, the question goes to a model that was never asked it (its
recorded reply is empty, or the reader answers), and with `naming` off the passages shown change, so the recorded
reply's sentence numbers point at other sentences. A step that changes no answer of a question set has earned nothing
there; one that turns right answers into refusals costs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer import Answerer
from rag.verify import Verifier

from .answers import evaluate_answers
from .questions import Question

# the figures of each run, as the answer report names them
FIGURES = ("answer_accuracy", "false_refusal_rate", "refusal_rate_unanswerable", "citation_precision")
COLUMNS = ["changed", "earns", "costs", "refuses", "answers", "accuracy", "false_ref", "refusals", "citations"]


def _figures(summary: dict) -> dict[str, float]:
    """A run's four figures, under the names of `COLUMNS`."""
    return dict(zip(COLUMNS[5:], (summary[f] for f in FIGURES), strict=True))


def _outcome(row: dict) -> tuple:
    """What a reader of the answer sees of it: its words, its short answer (the API's), whether it is a refusal, and
    what it cites."""
    return row["answer"], row["short_answer"], row["refused"], tuple(row["citations"])


def compare_runs(shipped: list[dict], without: list[dict]) -> dict[str, int]:
    """How the rows of a run with a step switched off (`without`) differ from the shipped run's, question by question:
    `changed` (answered otherwise: another answer, short answer, refusal or citation), `earns` (answerable questions
    the step gets right that are wrong or refused without it), `costs` (right without it, not with it), `refuses`
    (unanswerable questions the step refuses that are answered without it) and `answers` (unanswerable questions
    answered with it and refused without)."""
    if [r["id"] for r in shipped] != [r["id"] for r in without]:
        raise ValueError("the two runs are not over the same questions in the same order")
    pairs = list(zip(shipped, without, strict=True))
    return {
        "changed": sum(_outcome(a) != _outcome(b) for a, b in pairs),
        "earns": sum(a["answerable"] and a["correct"] and not b["correct"] for a, b in pairs),
        "costs": sum(a["answerable"] and b["correct"] and not a["correct"] for a, b in pairs),
        "refuses": sum(not a["answerable"] and a["refused"] and not b["refused"] for a, b in pairs),
        "answers": sum(not a["answerable"] and b["refused"] and not a["refused"] for a, b in pairs),
    }


class StepEffects:
    """StepEffects(answerer, steps)(questions) -> {"shipped": figures, "steps": {step: row}}: the question set
    answered with the answerer's verifier as it is, then once with each of `steps` switched off (`Verifier.without`);
    each row is `compare_runs`'s counts and the run's four figures (accuracy, false refusals, refusals, citation
    precision).

    Parameters:
        answerer: the pipeline to answer with; its own verifier is put back once the runs are done, or one fails.
        steps: names of `Verifier.STEPS` to switch off, one at a time, or one name (all of them).
    """

    def __init__(self, answerer: Answerer, steps: Sequence[str] | str = Verifier.STEPS):
        steps = list(dict.fromkeys([steps] if isinstance(steps, str) else steps))  # one name is one step
        if not steps:
            raise ValueError("name one or more verification steps to switch off")
        Verifier.named_steps(steps)
        self.answerer = answerer
        self.steps = steps

    def __call__(self, questions: list[Question]) -> dict:
        shipped_verifier = self.answerer.verify
        shipped = evaluate_answers(self.answerer, questions)
        rows = {}
        try:
            for step in self.steps:
                self.answerer.verify = shipped_verifier.without(step)
                run = evaluate_answers(self.answerer, questions)
                rows[step] = {**compare_runs(shipped["rows"], run["rows"]), **_figures(run["summary"])}
        finally:
            self.answerer.verify = shipped_verifier
        return {"shipped": _figures(shipped["summary"]), "steps": rows}
