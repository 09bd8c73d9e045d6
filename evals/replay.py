"""Re-scoring recorded model replies through today's retrieval and checking code, without the model.

An answer report keeps, for each question, what the model wrote (`model_reply`). Replaying those replies shows what
a change to verification, citation or scoring does to the figures in seconds; it does not show what a change to
the prompt or the evidence would make the model write, which only a run with the model does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rag.config import Settings
from rag.generate import Generator
from rag.generate.factory import reader_first

QUESTION_MARK = "質問: "


class RecordedGenerator(Generator):
    """Replies to each question with the reply recorded for it in an answer report ({question: reply}).

    Parameters:
        replies: the recorded model replies, by question as the prompt states it.
    """

    name = "recorded"

    def __init__(self, replies: dict[str, str]):
        self.replies = replies

    @classmethod
    def from_report(cls, path: str | Path) -> RecordedGenerator:
        try:
            report = json.loads(Path(path).read_text(encoding="utf-8"))
            rows = report["rows"] if "rows" in report else report["answers"]["rows"]  # a JSQuAD report nests them
            return cls({row["question"]: row.get("model_reply", "") for row in rows})
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not an answer report with a row for each question ({exc})") from None

    def check_covers(self, questions: list[str], report: str | Path, questions_file: str | Path) -> None:
        """ValueError unless a reply is recorded for each of `questions` (those of `questions_file`): a report of a
        run over another question file would otherwise fail part way through the replay."""
        if missing := [q for q in questions if q not in self.replies]:
            raise ValueError(f"{report} records no reply to {len(missing)} question(s) of {questions_file}, the "
                             f"first {missing[0]!r}: give the report of a run over that question file")

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        question = messages[-1]["content"].rsplit(QUESTION_MARK, 1)[-1].strip()
        if question not in self.replies:
            raise KeyError(f"no recorded reply for {question!r}")
        yield self.replies[question]


def replayed(recorded: str | Path | RecordedGenerator, settings: Settings) -> Generator:
    """The replies `recorded` (or those of the report at that path), standing where the model stands in a live run:
    behind the extractive reader where `settings.reader_first` is on, so that a replay answers as a live run would."""
    if not isinstance(recorded, RecordedGenerator):
        recorded = RecordedGenerator.from_report(recorded)
    return reader_first(recorded, settings)
