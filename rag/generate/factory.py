"""Builds the generator that the settings name."""

from __future__ import annotations

import importlib.util
import logging

from ..config import Settings
from ..errors import GeneratorError, ModelFileError
from .base import Generator

log = logging.getLogger(__name__)

GENERATORS = ("auto", "llama-cpp", "openvino", "transformers", "openai", "extractive", "reader")
MODEL_FREE = ("extractive", "reader")


def local_runtime(openvino_installed: bool) -> str:
    """The runtime for a local GGUF model. OpenVINO picks its kernels for the CPU at run time, where the llama.cpp
    wheel is built for AVX2 only: OpenVINO gives the first answer word sooner at the median both on CPUs with
    AVX-512 and on those with AVX2 alone (README, Evaluation). The llama.cpp wheel, always installed, is the
    fallback."""
    return "openvino" if openvino_installed else "llama-cpp"


def create_generator(settings: Settings) -> Generator:
    """The generator the settings name, behind the extractive reader (`ReaderFirst`) where `reader_first` is on
    and it is a language model."""
    return reader_first(_named(settings), settings)


def reader_first(generator: Generator, settings: Settings) -> Generator:
    """`generator` behind the reader where `settings.reader_first` is on and it is no model-free generator."""
    if not settings.reader_first or generator.name in MODEL_FREE:
        return generator
    from .reader import ReaderFirst

    return ReaderFirst(generator, min_margin=settings.reader_first_margin, refuse_margin=settings.reader_refuse_margin,
                       threads=settings.threads, country_within=settings.reader_country_within)


def _named(settings: Settings) -> Generator:
    """auto (default: the GGUF model on OpenVINO where it is installed and reads the file, else on the llama.cpp
    wheel: `local_runtime`), llama-cpp, openvino, transformers (local folder or GGUF), openai (HTTP), extractive,
    reader (the extractive reader alone: rag.reader)."""
    name = settings.generator
    if name == "auto":
        name = local_runtime(importlib.util.find_spec("openvino_genai") is not None)
        log.info("generator auto: %s", name)
        if name == "openvino":
            try:
                return _create(settings, name)
            # a GGUF file OpenVINO's reader does not know (other model families), or no room for its Q4_0 copy:
            # llama.cpp reads the file as it is, and a file it cannot read either fails there with its own error
            except (GeneratorError, ModelFileError) as exc:
                log.warning("%s; using llama.cpp instead", exc)
                name = "llama-cpp"
    return _create(settings, name)


def _create(settings: Settings, name: str) -> Generator:
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
    if name == "reader":
        from .reader import ReaderGenerator

        return ReaderGenerator(min_margin=settings.reader_min_margin, threads=settings.threads,
                               country_within=settings.reader_country_within)
    raise GeneratorError(f"unknown generator {name!r}; choose one of {', '.join(GENERATORS)}")
