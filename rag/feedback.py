"""Like / dislike feedback on answers, appended to a JSON Lines file the team can review."""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path


class FeedbackStore:
    """Appends one JSON object per line; a lock and fsync keep lines whole across processes and crashes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def add(self, liked: bool, question: str, answer: str, passages: list[dict] | None = None,
            comment: str = "") -> dict:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "liked": bool(liked), "question": question[:4000],
                  "answer": answer[:4000], "passages": [p.get("passage_id", "") for p in passages or []],
                  "comment": comment[:2000]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0, os.SEEK_END)
                if handle.tell():
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":  # the last write was cut short: start a fresh line
                        handle.write(b"\n")
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return record

    def read(self) -> list[dict]:
        """Every intact record (a line cut short by a crash is skipped)."""
        if not self.path.is_file():
            return []
        records = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records
