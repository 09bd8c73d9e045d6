"""Random input (any Unicode, control characters, huge text, malformed JSON) through every layer: no crash."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from rag.answer import Answerer
from rag.chunk import Chunker, split_sentences
from rag.clean import clean_article
from rag.generate.extractive import ExtractiveGenerator
from rag.load import Document, decode_bytes, html_to_text
from rag.retrieve import Retriever
from rag.web import build_app

# Bounded so that CI time stays predictable; raise max_examples locally to fuzz longer.
FUZZ = hyp_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ_EMBEDDING = hyp_settings(FUZZ, max_examples=40)  # each example runs the embedding model
JAPANESE = st.characters(min_codepoint=0x3000, max_codepoint=0x9FFF)
ANY_CHAR = st.characters(codec=None, exclude_categories=["Cs"])
TEXT = st.text(st.one_of(ANY_CHAR, JAPANESE, st.sampled_from("。！？「」\n\r\t\x00\u200b\ufeff<>&")), max_size=400)
HUGE = st.integers(10_000, 60_000).map(lambda n: "長い文章。" * (n // 5))


@FUZZ
@given(TEXT)
def test_cleaning_never_fails_and_keeps_no_control_characters(raw):
    article = clean_article(raw)
    assert all(ch in "\n" or ch.isprintable() or ch == " " for ch in article.text if ord(ch) < 32)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_decode_and_any_markup_parses(data):
    text = decode_bytes(data)
    assert isinstance(text, str)
    assert isinstance(html_to_text(text), str)


@FUZZ
@given(st.one_of(TEXT, HUGE), st.integers(16, 200))
def test_chunks_cover_real_spans_and_stay_in_budget(text, max_tokens):
    doc = Document("d", "題", text)
    count = len  # one token per character keeps the property easy to state
    passages = Chunker(count, max_tokens, max_tokens // 4).chunk(doc)
    for p in passages:
        assert text[p.start:p.end] == p.text and p.text.strip() and count(p.text) <= max_tokens
    spans = split_sentences(text)
    assert all(0 <= s < e <= len(text) for s, e in spans)


@pytest.fixture
def retriever(index, embedder):
    return Retriever(index, embedder)


@FUZZ_EMBEDDING
@given(query=st.one_of(TEXT, HUGE))
def test_any_query_gives_ranked_hits_or_none(retriever, query):
    result = retriever.search(query, k=3)
    assert len(result.hits) <= 3
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture
def client(index, embedder, settings):
    settings = settings.replace(rate_limit_per_minute=0)
    with TestClient(build_app(Answerer(Retriever(index, embedder), ExtractiveGenerator(), settings), settings)) as c:
        yield c


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                           max_leaves=12)


@FUZZ
@given(body=st.one_of(JSON_VALUES, st.fixed_dictionaries({"question": TEXT}, optional={"history": JSON_VALUES})))
def test_api_answers_any_json_with_an_answer_or_a_clear_error(client, body):
    response = client.post("/api/ask", json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert isinstance(response.json()["answer"], str) and response.json()["answer"]


@FUZZ
@given(raw=st.binary(max_size=500))
def test_api_survives_malformed_bodies(client, raw):
    for path in ("/api/ask", "/api/ask/stream", "/api/feedback"):
        response = client.post(path, content=raw, headers={"content-type": "application/json"})
        assert response.status_code in (200, 400, 422), (path, response.text)


def test_api_rejects_a_body_that_claims_to_be_huge(client):
    body = json.dumps({"question": "あ" * 200_000})
    assert client.post("/api/ask", content=body, headers={"content-type": "application/json"}).status_code == 413
