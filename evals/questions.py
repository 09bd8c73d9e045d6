"""The question-file format shared by the harnesses (JSON Lines, one question per line)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Question:
    """A test question. `evidence` strings mark the passages that answer it; `history` holds earlier turns."""

    id: str
    question: str
    answers: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    answerable: bool = True
    history: list[dict] = field(default_factory=list)
    kind: str = ""


def load_questions(path: str | Path) -> list[Question]:
    """Read and validate a question file; errors name the line."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"question file not found: {path}")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            q = Question(id=str(row["id"]), question=str(row["question"]), answers=list(row.get("answers", [])),
                         evidence=list(row.get("evidence", [])), answerable=bool(row.get("answerable", True)),
                         history=list(row.get("history", [])), kind=str(row.get("kind", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a valid question ({exc})") from exc
        if q.answerable and not q.evidence:
            raise ValueError(f"{path}:{number}: an answerable question needs at least one evidence string")
        questions.append(q)
    if not questions:
        raise ValueError(f"{path} holds no questions")
    return questions
