"""Load test: N simulated chat users against a running app (chat page API and HTTP API), on loopback only."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

from .questions import Question

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
USER_HEADER = "X-Forwarded-User"  # the app runs in sign-on-header mode, so every simulated user is its own client


@dataclass
class Request:
    """One question asked by one simulated user, and what came back."""

    user: int
    channel: str  # "api" (POST /api/ask/stream) or "chat" (the chat page's Gradio endpoint)
    question: str
    started: float
    outcome: str = "lost"  # answered | busy | limited (rate) | error | lost (no complete answer in time)
    seconds: float = 0.0
    first_event_s: float = 0.0
    crosswired: bool = False
    correct: bool | None = None
    max_queue_position: int = 0
    detail: str = ""


@dataclass
class Level:
    users: int
    requests: list[Request] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    wall_s: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load test only runs against this machine (127.0.0.1), not {host!r}")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def ask_api(url: str, request: Request, timeout_s: float) -> None:
    headers = {USER_HEADER: f"user{request.user}"}
    with httpx.stream("POST", f"{url}/api/ask/stream", json={"question": request.question}, headers=headers,
                      timeout=httpx.Timeout(timeout_s, connect=10)) as response:
        if response.status_code in (429, 503):
            request.outcome = "limited" if response.status_code == 429 else "busy"
            return
        if response.status_code != 200:
            request.outcome, request.detail = "error", f"HTTP {response.status_code}"
            return
        event = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
                if not request.first_event_s and event in ("retrieved", "token"):
                    request.first_event_s = time.monotonic() - request.started
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                if event == "queued":
                    request.max_queue_position = max(request.max_queue_position, data["position"])
                elif event == "error":
                    request.outcome, request.detail = "error", data.get("error", "")
                elif event == "final":
                    request.outcome = "answered"
                    request.crosswired = data["question"] != request.question
                    request.detail = data["answer"]


def ask_chat(url: str, request: Request, timeout_s: float) -> None:
    from gradio_client import Client

    from rag.web import BUSY_MESSAGE, RATE_MESSAGE, as_typed

    client = Client(url, headers={USER_HEADER: f"user{request.user}"}, verbose=False)
    job = client.submit(request.question, [], api_name="/chat")
    chat, _, _ = job.result(timeout=timeout_s)
    asked = [as_typed(m["content"]) for m in chat if m["role"] == "user"]
    request.crosswired = asked != [request.question]
    request.detail = as_typed(chat[-1]["content"])
    request.outcome = ("busy" if request.detail == BUSY_MESSAGE else
                       "limited" if request.detail.startswith(RATE_MESSAGE[:10]) else "answered")


def run_level(url: str, questions: list[Question], users: int, duration_s: float, max_requests: int,
              timeout_s: float, app_pid: int | None) -> Level:
    """Every user asks, waits for the whole answer, and asks again, until `duration_s` or `max_requests`."""
    level = Level(users)
    lock = threading.Lock()
    stop_at = time.monotonic() + duration_s
    counter = iter(range(max_requests))

    def user(u: int) -> None:
        turn = 0
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            q = questions[(u * 7 + turn) % len(questions)]
            request = Request(u, "chat" if (u + turn) % 2 else "api", q.question, time.monotonic())
            turn += 1
            with lock:
                level.requests.append(request)
            try:
                (ask_chat if request.channel == "chat" else ask_api)(url, request, timeout_s)
            except Exception as exc:  # counted, never fatal: the report says what failed
                request.outcome, request.detail = ("lost" if "timed out" in str(exc).lower() else "error"), repr(exc)
            request.seconds = time.monotonic() - request.started
            if request.outcome == "answered" and q.answers:
                request.correct = any(a in request.detail for a in q.answers)

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(users)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        if app_pid:
            level.rss_mb.append(rss_mb(app_pid))
        time.sleep(2)
    level.wall_s = time.monotonic() - started
    return level


def summarize(level: Level) -> dict:
    reqs = level.requests
    done = [r.seconds for r in reqs if r.outcome == "answered"]
    first = [r.first_event_s for r in reqs if r.outcome == "answered" and r.first_event_s]
    pct = (lambda xs, p: round(float(np.percentile(xs, p)), 1) if xs else 0.0)
    checked = [r.correct for r in reqs if r.correct is not None]
    return {
        "users": level.users, "requests": len(reqs), "answered": len(done),
        "busy": sum(r.outcome == "busy" for r in reqs), "limited": sum(r.outcome == "limited" for r in reqs),
        "errors": sum(r.outcome == "error" for r in reqs),
        "lost": sum(r.outcome == "lost" for r in reqs), "crosswired": sum(r.crosswired for r in reqs),
        "answers_per_min": round(len(done) / level.wall_s * 60, 2) if level.wall_s else 0.0,
        "p50_s": pct(done, 50), "p95_s": pct(done, 95), "p99_s": pct(done, 99),
        "api_p50_s": pct([r.seconds for r in reqs if r.outcome == "answered" and r.channel == "api"], 50),
        "chat_p50_s": pct([r.seconds for r in reqs if r.outcome == "answered" and r.channel == "chat"], 50),
        "first_event_p50_s": pct(first, 50), "max_queue_position": max((r.max_queue_position for r in reqs), default=0),
        "accuracy": round(sum(checked) / len(checked), 3) if checked else 0.0,
        "rss_start_mb": round(level.rss_mb[0]) if level.rss_mb else 0,
        "rss_max_mb": round(max(level.rss_mb)) if level.rss_mb else 0,
        "rss_end_mb": round(level.rss_mb[-1]) if level.rss_mb else 0,
        "wall_s": round(level.wall_s, 1),
    }


class AppProcess:
    """`python app.py` on a free loopback port, in sign-on-header mode, stopped on exit."""

    def __init__(self, port: int, extra_args: list[str], log_file: Path):
        env = {**os.environ, "RAG_AUTH_HEADER": USER_HEADER, "RAG_HOST": "127.0.0.1", "RAG_PORT": str(port)}
        self.url = f"http://127.0.0.1:{port}"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_file.open("w")
        self.process = subprocess.Popen([sys.executable, str(REPO / "app.py"), *extra_args], cwd=REPO, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 600) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.process.returncode}; see {self._log.name}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("app.py did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def write_report(out: dict, path: Path) -> Path:
    from .report import markdown_table

    columns = ["requests", "answered", "busy", "limited", "errors", "lost", "crosswired", "answers_per_min", "p50_s", "p95_s",
               "p99_s", "api_p50_s", "chat_p50_s", "first_event_p50_s", "max_queue_position", "rss_start_mb", "rss_max_mb", "rss_end_mb"]
    rows = {f"{s['users']} users": s for s in out["levels"]}
    seconds = ", ".join(f"{users} users {s:.0f} s" for users, s in out["duration_s"].items())
    text = (f"# Load test\n\nNew questions for {seconds}; at most {out['max_requests']} questions per level; "
            f"generator `{out['generator']}`, against {out['target']}.\n\n" + markdown_table(rows, columns) + "\n")
    path.write_text(text, encoding="utf-8")
    return path


def to_json(level: Level) -> list[dict]:
    return [asdict(r) for r in level.requests]
