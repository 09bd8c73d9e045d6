"""Any OpenAI-compatible chat endpoint (vLLM, llama.cpp server, TGI, ...), streamed over server-sent events."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import httpx

from ..errors import GeneratorError
from .base import Generator


class OpenAIGenerator(Generator):
    """POST {base_url}/chat/completions with stream=true; the API key comes from an environment variable."""

    def __init__(self, base_url: str, model: str = "", api_key_env: str = "OPENAI_API_KEY", timeout_s: float = 120.0):
        if not base_url.startswith(("http://", "https://")):
            raise GeneratorError(f"openai_base_url must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = os.environ.get(api_key_env, "")
        self.timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self.name = f"openai/{model or 'default'}@{self.base_url}"

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        body = {"messages": messages, "max_tokens": max_tokens, "temperature": temperature, "stream": True}
        if self.model:
            body["model"] = self.model
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            with httpx.stream("POST", f"{self.base_url}/chat/completions", json=body, headers=headers,
                              timeout=self.timeout) as response:
                if response.status_code != 200:
                    detail = response.read().decode("utf-8", "replace")[:300]
                    raise GeneratorError(f"generator endpoint answered HTTP {response.status_code}: {detail}")
                finished = False
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        chunk = json.loads(data)
                    except ValueError:
                        continue
                    for choice in chunk.get("choices", []):
                        finished = finished or bool(choice.get("finish_reason"))
                        text = (choice.get("delta") or {}).get("content")
                        if text:
                            yield text
                if not finished:
                    raise GeneratorError(f"generator endpoint {self.base_url} closed the stream mid-answer")
        except httpx.TimeoutException as exc:
            raise GeneratorError(f"generator endpoint {self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise GeneratorError(f"generator endpoint {self.base_url} unreachable: {exc}") from exc
