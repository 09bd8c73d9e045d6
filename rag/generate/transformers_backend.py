"""Hugging Face transformers: any local causal LM folder, or a GGUF file (dequantised by transformers)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from ..errors import GeneratorError
from .base import Generator, started_reply


class TransformersGenerator(Generator):
    """For GPU servers or custom checkpoints. Loads from local files only; device "auto" picks CUDA when present."""

    continues_reply = True

    def __init__(self, model_path: str, device: str = "auto", timeout_s: float = 300.0):
        if not model_path:
            raise GeneratorError("the transformers generator needs generator_model: a model folder or .gguf file")
        path = Path(model_path).expanduser()
        if not path.exists():
            raise GeneratorError(f"model not found: {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise GeneratorError("transformers and torch are needed for this backend") from exc
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        kwargs: dict = {"local_files_only": True}
        folder = str(path)
        if path.is_file():  # a .gguf file: transformers reads it through the gguf package
            folder, kwargs["gguf_file"] = str(path.parent), path.name
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
            self.model = AutoModelForCausalLM.from_pretrained(folder, **kwargs).to(device)
        except Exception as exc:  # many error types for a broken or foreign folder
            raise GeneratorError(f"transformers could not load {path}: {exc}") from exc
        self.model.eval()
        self.device = device
        self.timeout_s = timeout_s
        self.name = f"transformers/{path.name}"

    def _prompt_ids(self, messages: list[dict]):
        started = bool(started_reply(messages)[1])  # a reply begun, to be continued
        if getattr(self.tokenizer, "chat_template", None):
            ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=not started,
                                                     continue_final_message=started, return_tensors="pt",
                                                     return_dict=True)
            return ids["input_ids"]
        # A base model without a chat template: plain "role: content" lines.
        text = "\n\n".join(f"{m['role']}: {m['content']}" for m in messages)
        if not started:
            text += "\n\nassistant: "
        return self.tokenizer(text, return_tensors="pt")["input_ids"]

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        cancelled = threading.Event()

        class _Cancel(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return cancelled.is_set()

        try:
            input_ids = self._prompt_ids(messages).to(self.device)
        except Exception as exc:  # a chat template that cannot continue a begun reply raises ValueError, among others
            raise GeneratorError(f"transformers could not make the prompt: {exc}") from exc
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=self.timeout_s)
        kwargs = {"input_ids": input_ids, "max_new_tokens": max_tokens, "streamer": streamer,
                  "stopping_criteria": StoppingCriteriaList([_Cancel()]),
                  "pad_token_id": self.tokenizer.pad_token_id or self.tokenizer.eos_token_id}
        if temperature > 0:
            kwargs.update(do_sample=True, temperature=temperature)
        else:
            kwargs.update(do_sample=False)
        errors: list[Exception] = []

        def run() -> None:
            try:
                self.model.generate(**kwargs)
            except Exception as exc:  # surfaced below
                errors.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, name="transformers-generate", daemon=True)
        worker.start()
        try:
            for text in streamer:
                if text:
                    yield text
        except Exception as exc:  # queue.Empty on timeout
            raise GeneratorError(f"transformers generation stalled or failed: {exc}") from exc
        finally:
            cancelled.set()
        if errors:
            raise GeneratorError(f"transformers generation failed: {errors[0]}")
