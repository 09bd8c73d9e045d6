"""Who may use the page and API: shared token, single-sign-on header, rate limits, the busy answer."""

import threading

import pytest
from fastapi.testclient import TestClient

from rag.answer import Answerer
from rag.generate.base import Generator
from rag.generate.extractive import ExtractiveGenerator
from rag.retrieve import Retriever
from rag.web import build_app

QUESTION = {"question": "東京タワーの高さは何メートル？"}


def make_client(index, embedder, settings, generator=None, **changes) -> TestClient:
    settings = settings.replace(**changes)
    answerer = Answerer(Retriever(index, embedder), generator or ExtractiveGenerator(), settings)
    return TestClient(build_app(answerer, settings))


def test_shared_token_guards_page_and_api(index, embedder, settings):
    client = make_client(index, embedder, settings, auth_token="s3cret")
    page = client.get("/", headers={"accept": "text/html"})
    assert page.status_code == 401 and "トークン" in page.text
    assert client.post("/api/ask", json=QUESTION).status_code == 401
    assert client.post("/api/ask", json=QUESTION, headers={"authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/healthz").status_code == 200  # for the load balancer
    assert client.post("/api/ask", json=QUESTION, headers={"authorization": "Bearer s3cret"}).status_code == 200
    # Opening the link with ?token= once sets a cookie that the page's own requests then carry.
    assert client.get("/?token=s3cret").status_code == 200
    assert client.cookies.get("rag_token") == "s3cret"
    assert client.get("/config").status_code == 200 and client.post("/api/ask", json=QUESTION).status_code == 200


def test_single_sign_on_header(index, embedder, settings):
    client = make_client(index, embedder, settings, auth_header="X-Forwarded-User")
    assert client.get("/config").status_code == 401
    assert client.get("/config", headers={"X-Forwarded-User": "tanaka"}).status_code == 200


def test_questions_are_rate_limited_per_client(index, embedder, settings):
    client = make_client(index, embedder, settings, auth_header="X-Forwarded-User", rate_limit_per_minute=6,
                         rate_limit_burst=2)
    tanaka, suzuki = {"X-Forwarded-User": "tanaka"}, {"X-Forwarded-User": "suzuki"}
    assert [client.post("/api/ask", json=QUESTION, headers=tanaka).status_code for _ in range(3)] == [200, 200, 429]
    limited = client.post("/api/ask", json=QUESTION, headers=tanaka)
    assert int(limited.headers["retry-after"]) >= 1 and "お待ちください" in limited.json()["message"]
    assert client.post("/api/ask", json=QUESTION, headers=suzuki).status_code == 200


class HeldGenerator(Generator):
    """Answers like the extractive generator, but only once released."""

    name = "held"

    def __init__(self):
        self.release = threading.Event()
        self.started = threading.Event()

    def stream(self, messages, max_tokens=256, temperature=0.0):
        self.started.set()
        self.release.wait(10)
        yield from ExtractiveGenerator().stream(messages, max_tokens, temperature)


def test_a_full_line_gets_a_clear_busy_answer(index, embedder, settings):
    generator = HeldGenerator()
    client = make_client(index, embedder, settings, generator, max_waiting=0)
    first: dict = {}
    worker = threading.Thread(target=lambda: first.update(r=client.post("/api/ask", json=QUESTION)))
    worker.start()
    assert generator.started.wait(10)
    busy = client.post("/api/ask", json=QUESTION)
    assert busy.status_code == 503 and "混み合って" in busy.json()["detail"]["message"]
    assert client.post("/api/ask/stream", json=QUESTION).status_code == 503
    generator.release.set()
    worker.join(10)
    assert first["r"].status_code == 200 and "333" in first["r"].json()["answer"]
    assert client.get("/healthz").json()["waiting"] == 0


def test_streamed_answers_report_their_place_in_line(index, embedder, settings):
    generator = HeldGenerator()
    client = make_client(index, embedder, settings, generator)
    worker = threading.Thread(target=lambda: client.post("/api/ask", json=QUESTION))
    worker.start()
    assert generator.started.wait(10)
    threading.Timer(1.5, generator.release.set).start()
    with client.stream("POST", "/api/ask/stream", json={"question": "清水寺の舞台を支える柱は何本？"}) as response:
        lines = [line for line in response.iter_lines() if line.startswith(("event: ", "data: "))]
    worker.join(10)
    assert lines[:2] == ["event: queued", 'data: {"position": 1}'] and lines[-2] == "event: final"
    assert "139" in lines[-1]


@pytest.mark.parametrize("path", ["/gradio_api/file=/etc/passwd", "/file=/etc/passwd",
                                  "/gradio_api/file=../../../../etc/passwd", "/gradio_api/file=%2Fetc%2Fpasswd",
                                  "/static/../../../etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd"])
def test_no_file_outside_the_app_is_served(index, embedder, settings, path):
    response = make_client(index, embedder, settings).get(path)
    assert response.status_code >= 400 and "root:" not in response.text
