"""The interface every generator backend implements: chat messages in, streamed text out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator


def started_reply(messages: list[dict]) -> tuple[list[dict], str]:
    """`messages` without a last assistant message, and that message's words: the reply begun, which a generator
    that `continues_reply` goes on from; `messages` as they are and "" when they end with the user's turn."""
    if messages and messages[-1]["role"] == "assistant":
        return messages[:-1], messages[-1]["content"]
    return messages, ""


class Generator(ABC):
    """Streams the assistant's reply to OpenAI-style chat messages ([{"role", "content"}, ...])."""

    name: str
    # Whether `stream` continues a last assistant message of `messages` (the reply's first words, written for the
    # model: its pieces then follow them) instead of answering after it: the Answerer writes the reply's first
    # words (rag.prompt.REPLY_START) itself where it does, so no time goes to decoding them before the answer.
    continues_reply: bool = False

    @abstractmethod
    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> Iterator[str]:
        """Yield pieces of the reply as they are produced. Closing the iterator stops generation."""

    def complete(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> str:
        return "".join(self.stream(messages, max_tokens, temperature))

    def close(self) -> None:
        """Release the model (optional)."""
