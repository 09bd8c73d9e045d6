"""Builds the generator that the settings name."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from ..config import Settings
from ..errors import GeneratorError
from .base import Generator

log = logging.getLogger(__name__)

GENERATORS = ("auto", "llama-cpp", "openvino", "transformers", "openai", "extractive")


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> set[str]:
    """The instruction-set flags the CPU reports (empty where /proc/cpuinfo is not there)."""
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return next((set(line.partition(":")[2].split()) for line in text.splitlines() if line.startswith("flags")), set())


def local_runtime(flags: set[str], openvino_installed: bool) -> str:
    """The runtime for the bundled model on this CPU. The llama.cpp wheel is built for AVX2 only, while OpenVINO
    picks its kernels at run time: on a CPU with AVX-512 it prefills the prompt about twice as fast. Elsewhere the
    llama.cpp wheel, whose speed there is known, stays."""
    return "openvino" if openvino_installed and "avx512f" in flags else "llama-cpp"


def create_generator(settings: Settings) -> Generator:
    """auto (default: the bundled GGUF on the runtime suited to this CPU, `local_runtime`), llama-cpp, openvino,
    transformers (local folder or GGUF), openai (HTTP), extractive."""
    name = settings.generator
    if name == "auto":
        name = local_runtime(cpu_flags(), importlib.util.find_spec("openvino_genai") is not None)
        log.info("generator auto: %s for this CPU", name)
    if name == "llama-cpp":
        from .llamacpp import LlamaCppGenerator

        return LlamaCppGenerator(settings.generator_model, settings.n_ctx, settings.threads,
                                 settings.generator_timeout_s, settings.prompt_cache_mib)
    if name == "openvino":
        from .openvino_backend import OpenVinoGenerator

        return OpenVinoGenerator(settings.generator_model, settings.threads, settings.generator_timeout_s,
                                 settings.prompt_cache_mib, settings.openvino_weights)
    if name == "transformers":
        from .transformers_backend import TransformersGenerator

        return TransformersGenerator(settings.generator_model, timeout_s=settings.generator_timeout_s)
    if name == "openai":
        from .openai_http import OpenAIGenerator

        return OpenAIGenerator(settings.openai_base_url, settings.openai_model, settings.openai_api_key_env,
                               settings.generator_timeout_s)
    if name == "extractive":
        from .extractive import ExtractiveGenerator

        return ExtractiveGenerator()
    raise GeneratorError(f"unknown generator {name!r}; choose one of {', '.join(GENERATORS)}")
