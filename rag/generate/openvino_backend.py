"""OpenVINO GenAI: the bundled GGUF model on kernels chosen for this CPU at run time (AVX-512, VNNI, AMX)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

from ..errors import GeneratorError
from .base import Generator, started_reply
from .model_files import cache_dir, model_file
from .requantize import requantized
from .threaded import Emit, stream_in_thread

log = logging.getLogger(__name__)


class OpenVinoGenerator(Generator):
    """One model on the CPU through openvino-genai, with the KV blocks of earlier prompts kept for reuse.

    Parameters:
        model_path: a GGUF file; "" takes the bundled model.
        threads: inference threads; 0 uses every core (at most 8).
        timeout_s: seconds without a new piece of text before the request counts as failed.
        prompt_cache_mib: RAM for KV blocks, the shared prompt prefix's among them (rounded up to whole GiB,
            OpenVINO's unit).
        weights: the block format ("Q4_0", "Q4_1", "Q8_0") its K-quant weights are rewritten in once, into the
            model cache, before loading ("Q4_0"; rag/generate/requantize.py says why); "" loads the file as it is.
    """

    continues_reply = True

    def __init__(self, model_path: str = "", threads: int = 0, timeout_s: float = 120.0, prompt_cache_mib: int = 256,
                 weights: str = "Q4_0"):
        try:
            import openvino_genai
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise GeneratorError("openvino-genai is not installed (pip install -r requirements.txt)") from exc
        path = model_file(model_path)
        if weights:
            path = requantized(path, weights, cache_dir())
        scheduler = openvino_genai.SchedulerConfig()
        scheduler.enable_prefix_caching = True  # the fixed instructions and examples are prefilled once
        scheduler.cache_size = max(1, -(-prompt_cache_mib // 1024))
        try:
            self._pipe = openvino_genai.LLMPipeline(
                str(path), "CPU", scheduler_config=scheduler,
                INFERENCE_NUM_THREADS=threads or min(os.cpu_count() or 2, 8))
        except Exception as exc:  # the binding raises plain RuntimeError
            raise GeneratorError(f"OpenVINO could not load {path}: {exc}") from exc
        self._genai = openvino_genai
        self._tokenizer = self._pipe.get_tokenizer()
        self.name = f"openvino/{path.name}"
        self.timeout_s = timeout_s
        self._lock = threading.Lock()

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        config = self._genai.GenerationConfig()
        config.max_new_tokens = max_tokens
        config.do_sample = temperature > 0
        if temperature > 0:
            config.temperature = temperature
        running, cancel = self._genai.StreamingStatus.RUNNING, self._genai.StreamingStatus.CANCEL

        def run(emit: Emit) -> None:
            prompt = self._prompt(messages)
            with self._lock:
                # the template already holds the special tokens: the prompt is not wrapped a second time
                self._pipe.generate(prompt, config, lambda text: cancel if emit(text) else running,
                                    apply_chat_template=False)

        return stream_in_thread(run, self.timeout_s, "OpenVINO")

    def _prompt(self, messages: list[dict]) -> str:
        """The chat template's text for `messages`, a last assistant message continued: its words follow the
        assistant's header, which the template writes for a reply to come, and the model goes on from them."""
        messages, started = started_reply(messages)
        return self._tokenizer.apply_chat_template(messages, add_generation_prompt=True) + started
