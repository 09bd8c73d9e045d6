"""Gradio's own API, as scripts use it through gradio_client: the named "chat" endpoint."""

import pytest
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError

from rag.answer import Answerer
from rag.generate.extractive import ExtractiveGenerator
from rag.retrieve import Retriever
from rag.web import build_app

from .live import serve_app


@pytest.fixture
def app_url(index, embedder, settings):
    settings = settings.replace(auth_header="X-Forwarded-User", rate_limit_per_minute=6, rate_limit_burst=2)
    answerer = Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings)
    with serve_app(build_app(answerer, settings)) as url:
        yield url


def test_chat_endpoint_answers_with_cited_sources(app_url):
    client = Client(app_url, headers={"X-Forwarded-User": "sato"}, verbose=False)
    assert "/chat" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    chat, _, sources = client.predict("東京タワーの高さは何メートル？", [], api_name="/chat")
    assert chat[-1]["role"] == "assistant" and "333" in chat[-1]["content"] and "[1]" in chat[-1]["content"]
    assert 'id="source-1"' in sources and "<mark>" in sources
    # a follow-up carries the conversation
    chat, _, _ = client.predict("高さは？", chat, api_name="/chat")
    assert len(chat) == 4 and "333" in chat[-1]["content"]


def test_chat_endpoint_limits_each_user(app_url):
    client = Client(app_url, headers={"X-Forwarded-User": "ito"}, verbose=False)
    answers = [client.predict("清水寺の舞台を支える柱は何本？", [], api_name="/chat")[0][-1]["content"] for _ in range(3)]
    assert "[1]" in answers[0] and "[1]" in answers[1] and "お待ちください" in answers[2]


def test_requests_without_the_sign_on_header_are_refused(app_url):
    with pytest.raises(AuthenticationError):  # the page answers 401 without the sign-on header
        Client(app_url, verbose=False)
