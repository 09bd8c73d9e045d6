"""Processes killed mid-work, damaged files and failing generator endpoints: each recovers without hand repair."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from rag.config import Settings
from rag.errors import GeneratorError, IndexUnavailable, ModelFileError
from rag.feedback import FeedbackStore
from rag.generate import create_generator, model_files
from rag.index import Index
from rag.service import open_index

from .conftest import ARTICLES, REPO
from .live import free_port

MESSAGES = [{"role": "user", "content": "こんにちは"}]
SMALL_CHUNKS = {"RAG_CHUNK_TOKENS": "48", "RAG_CHUNK_OVERLAP_TOKENS": "16"}  # as the `settings` fixture


def child_env(**extra: str) -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **SMALL_CHUNKS, **extra}


def run_python(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=REPO, env=child_env(**env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)


@pytest.mark.parametrize("after_s", [1.0, 2.5, 4.0])
def test_index_build_killed_midway_leaves_a_usable_index(index, settings, embedder, corpus_dir, after_s):
    for i in range(12):  # a bigger corpus, so the rebuild takes long enough to be killed inside
        for name, text in ARTICLES.items():
            (corpus_dir / f"{i}-{name}").write_text(text, encoding="utf-8")
    build = run_python("-m", "rag", "index", "--corpus", str(corpus_dir), "--index", settings.index_dir)
    time.sleep(after_s)
    kill(build)
    try:  # whatever moment it died: the old index, or none (never a mix)...
        Index.load(settings.index_dir)
    except IndexUnavailable as exc:
        assert "python -m rag index" in str(exc)
    # ...and the next start rebuilds and cleans up what the killed build left behind.
    fresh = open_index(settings, embedder, progress=False)
    assert len(fresh.documents) == 3 * 13 and not list(fresh.path.glob(".building-*"))


def test_killed_feedback_writer_leaves_every_finished_record_readable(tmp_path):
    path = tmp_path / "feedback.jsonl"
    writer = run_python("-c", "import sys\nfrom rag.feedback import FeedbackStore\nstore = FeedbackStore(sys.argv[1])\n"
                              "i = 0\nwhile True:\n    store.add(True, f'q{i}', 'あ' * 200_000)\n    i += 1\n",
                        str(path))
    deadline = time.monotonic() + 30
    while not path.exists() or path.stat().st_size < 3_000_000:
        assert time.monotonic() < deadline and writer.poll() is None
        time.sleep(0.05)
    kill(writer)
    store = FeedbackStore(path)
    before = store.read()
    assert before and [r["question"] for r in before] == [f"q{i}" for i in range(len(before))]
    store.add(False, "after restart", "ok")
    assert store.read()[-1]["question"] == "after restart" and len(store.read()) == len(before) + 1


def test_app_killed_mid_answer_restarts_on_the_same_index(settings, corpus_dir, tmp_path):
    port = free_port()
    args = ["app.py", "--corpus", str(corpus_dir), "--index", settings.index_dir, "--generator", "extractive",
            "--port", str(port)]
    url = f"http://127.0.0.1:{port}"

    def start() -> subprocess.Popen:
        process = run_python(*args, RAG_FEEDBACK_PATH=str(tmp_path / "feedback.jsonl"))
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "app did not start"
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return process
            except httpx.HTTPError:
                time.sleep(0.3)

    app = start()
    built_at = httpx.get(f"{url}/healthz").json()["index_built_at"]
    with httpx.stream("POST", f"{url}/api/ask/stream", json={"question": "東京タワーの高さは？"}) as response:
        next(response.iter_lines())  # the answer has started
        kill(app)
    app = start()
    try:
        assert httpx.get(f"{url}/healthz").json()["index_built_at"] == built_at  # no rebuild was needed
        answer = httpx.post(f"{url}/api/ask", json={"question": "東京タワーの高さは何メートル？"}, timeout=60).json()
        assert "333" in answer["answer"]
    finally:
        app.terminate()
        app.wait(20)


def test_truncated_or_damaged_model_is_assembled_again(tmp_path, monkeypatch):
    parts = []
    for i in range(3):
        parts.append(tmp_path / f"part{i + 1}.bin")
        parts[-1].write_bytes(b"GGUF" * (i + 1) * 1000 if i == 0 else bytes([i]) * 5000)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(model_files, "part_files", lambda: parts)
    monkeypatch.setattr(model_files, "BUNDLED_SHA256", hashlib.sha256(whole).hexdigest())
    target = model_files.bundled_model_path(progress=False)
    assert target.read_bytes() == whole
    (tmp_path / "cache" / f"{target.name}.part-999999").write_bytes(b"left by a killed assembly")
    with open(target, "r+b") as handle:  # truncated, e.g. a full disk
        handle.truncate(1000)
    assert model_files.bundled_model_path(progress=False).read_bytes() == whole
    assert not list((tmp_path / "cache").glob("*.part-*"))
    parts[1].write_bytes(b"damaged")  # a damaged part package: say how to repair it
    target.unlink()
    with pytest.raises(ModelFileError, match="force-reinstall"):
        model_files.bundled_model_path(progress=False)


class _Misbehaving(BaseHTTPRequestHandler):
    mode = "hang"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        chunk = {"choices": [{"delta": {"content": "途中"}, "finish_reason": None}]}
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()
        if self.server.mode == "hang":
            time.sleep(5)
        # "die": the connection closes without the end of the answer

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("mode, message", [("hang", "timed out"), ("die", "mid-answer")])
def test_generator_endpoint_that_hangs_or_dies_is_reported(mode, message):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.mode = mode
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        generator = create_generator(Settings(generator="openai", generator_timeout_s=1,
                                              openai_base_url=f"http://127.0.0.1:{server.server_port}/v1"))
        started = time.monotonic()
        with pytest.raises(GeneratorError, match=message):
            list(generator.stream(MESSAGES))
        assert time.monotonic() - started < 4
    finally:
        server.shutdown()
