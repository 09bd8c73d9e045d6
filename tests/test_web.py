"""HTTP API and chat page wiring, with the model-free extractive generator."""

import json

import pytest
from fastapi.testclient import TestClient

from rag.answer import Answerer
from rag.feedback import FeedbackStore
from rag.generate.extractive import ExtractiveGenerator
from rag.retrieve import Retriever
from rag.web import _cards, build_app, frame_ancestors


@pytest.fixture
def client(index, embedder, settings):
    settings = settings.replace(allowed_origins="https://wiki.example.com")
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
    with TestClient(build_app(answerer, settings, ["東京タワーの高さは？"])) as c:
        yield c


def test_health_and_framing_policy(client):
    response = client.get("/healthz")
    assert response.json()["status"] == "ok" and response.json()["documents"] == 3
    assert response.headers["content-security-policy"] == "frame-ancestors 'self' https://wiki.example.com"
    assert client.get("/").status_code == 200


def test_ask_returns_the_cli_json(client):
    body = client.post("/api/ask", json={"question": "東京タワーの高さは何メートル？"}).json()
    assert not body["refused"] and "333" in body["answer"]
    assert body["citations"][0]["doc_id"] == "tokyo" and set(body["timings"]) >= {"retrieval_s", "total_s"}


def test_stream_sends_passages_then_tokens_then_result(client):
    with client.stream("POST", "/api/ask/stream", json={"question": "清水寺の舞台を支える柱は何本？"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line.split(": ", 1)[1] for line in response.iter_lines() if line.startswith("event: ")]
    assert events[0] == "retrieved" and events[-1] == "final" and "token" in events


def test_bad_requests_get_clear_answers(client):
    assert client.post("/api/ask", json={"question": ""}).json()["answer"] == "質問を入力してください。"
    assert client.post("/api/ask", content="{not json", headers={"content-type": "application/json"}).status_code == 422
    huge = json.dumps({"question": "あ" * 300_000})
    assert client.post("/api/ask", content=huge, headers={"content-type": "application/json"}).status_code == 413


def test_feedback_is_stored(client, settings):
    client.post("/api/feedback", json={"liked": False, "question": "q", "answer": "a",
                                        "passages": [{"passage_id": "tokyo#0"}]})
    records = FeedbackStore(settings.feedback_path).read()
    assert records[-1]["liked"] is False and records[-1]["passages"] == ["tokyo#0"]


def test_feedback_store_skips_a_torn_line(tmp_path):
    store = FeedbackStore(tmp_path / "f.jsonl")
    store.add(True, "q1", "a1")
    with open(store.path, "a", encoding="utf-8") as handle:
        handle.write('{"liked": tr')  # a crash mid-write
    store.add(True, "q2", "a2")
    assert [r["question"] for r in store.read()] == ["q1", "q2"]


def test_source_cards_escape_html(index, embedder, settings):
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
    result = answerer.answer("東京タワーの高さは？")
    citation = result.citations[0]
    citation.title = "<img src=x onerror=alert(1)>"
    citation.text = "<script>alert(2)</script>" + citation.text  # planted in an article's text
    citation.quote_start += 25
    citation.quote_end += 25
    html = _cards(result)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "<mark>" in html
    assert "<script" not in html and "&lt;script&gt;alert(2)" in html
    assert frame_ancestors("") == "frame-ancestors 'self'"
