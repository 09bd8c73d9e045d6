"""llama.cpp through xllamacpp's in-process server: GGUF models on the CPU, with prompt-prefix KV reuse."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

from ..errors import GeneratorError
from .base import Generator
from .model_files import model_file
from .threaded import Emit, stream_in_thread

log = logging.getLogger(__name__)


class LlamaCppGenerator(Generator):
    """One model, one slot: requests queue on a lock so the shared prompt prefix stays in the KV cache."""

    continues_reply = True  # the server prefills a last assistant message and streams what follows it

    def __init__(self, model_path: str = "", n_ctx: int = 4096, threads: int = 0, timeout_s: float = 120.0,
                 prompt_cache_mib: int = 256):
        try:
            import xllamacpp
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise GeneratorError("xllamacpp is not installed (pip install -r requirements.txt)") from exc
        path = model_file(model_path)
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = n_ctx  # set explicitly: the library default is 32k, far more memory than needed
        params.n_parallel = 1
        params.cache_ram_mib = prompt_cache_mib  # also bounded explicitly: the library default is 8 GiB of RAM
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads or min(os.cpu_count() or 2, 8)
        params.verbosity = 0
        params.prefill_assistant = True  # set explicitly: `continues_reply` depends on it
        # A model that thinks before it answers (a GGUF of Qwen3 or GLM given as generator_model) would have its
        # begun reply refused by the server, which prefills no reply while thinking is on; the two-line reply the
        # prompt asks for needs no thinking.
        params.enable_reasoning = 0
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain RuntimeError / ValueError
            raise GeneratorError(f"llama.cpp could not load {path}: {exc}") from exc
        self.name = f"llama-cpp/{path.name}"
        self.timeout_s = timeout_s
        self._lock = threading.Lock()

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        request = {"messages": messages, "max_tokens": max_tokens, "temperature": temperature,
                   "stream": True, "cache_prompt": True}

        def run(emit: Emit) -> None:
            def on_chunk(chunk) -> bool:
                if isinstance(chunk, dict) and "error" in chunk:
                    emit(GeneratorError(f"llama.cpp error: {chunk['error']}"))
                    return True
                stop = False
                for choice in (chunk or {}).get("choices", []):
                    if text := (choice.get("delta") or {}).get("content"):
                        stop = emit(text)
                return stop  # True asks the server to stop generating

            with self._lock:
                result = self._server.handle_chat_completions(request, on_chunk)
            if isinstance(result, dict) and "error" in result:
                raise GeneratorError(f"llama.cpp error: {result['error']}")

        return stream_in_thread(run, self.timeout_s, "llama.cpp")
