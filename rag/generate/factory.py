"""Builds the generator that the settings name."""

from __future__ import annotations

from ..config import Settings
from ..errors import GeneratorError
from .base import Generator

GENERATORS = ("llama-cpp", "transformers", "openai", "extractive")


def create_generator(settings: Settings) -> Generator:
    """llama-cpp (default, bundled GGUF), transformers (local folder or GGUF), openai (HTTP), extractive."""
    name = settings.generator
    if name == "llama-cpp":
        from .llamacpp import LlamaCppGenerator

        return LlamaCppGenerator(settings.generator_model, settings.n_ctx, settings.threads,
                                 settings.generator_timeout_s, settings.prompt_cache_mib)
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
