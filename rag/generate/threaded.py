"""Streaming from an in-process engine that reports text through a callback on its own thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from ..errors import GeneratorError

_DONE = object()
Emit = Callable[[str | Exception], bool]


def stream_in_thread(run: Callable[[Emit], None], timeout_s: float, name: str) -> Iterator[str]:
    """Yield the text that `run(emit)` emits, with `run` on a worker thread.

    `emit(text)` hands a piece over and returns True once the consumer has stopped reading, which asks the engine
    to stop generating; `emit(error)` reports a failure the engine signalled in its callback. An exception
    escaping `run` is raised to the consumer as a GeneratorError; so is silence for `timeout_s` seconds.
    """
    pieces: queue.Queue = queue.Queue()
    cancelled = threading.Event()

    def emit(item: str | Exception) -> bool:
        pieces.put(item)
        return cancelled.is_set()

    def work() -> None:
        try:
            run(emit)
        except GeneratorError as exc:
            pieces.put(exc)
        except Exception as exc:  # the bindings raise plain RuntimeError / ValueError
            pieces.put(GeneratorError(f"{name} failed: {exc}"))
        finally:
            pieces.put(_DONE)

    threading.Thread(target=work, name=f"{name}-request", daemon=True).start()
    try:
        while True:
            try:
                item = pieces.get(timeout=timeout_s)
            except queue.Empty:
                raise GeneratorError(f"{name} produced nothing for {timeout_s:.0f} s") from None
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        cancelled.set()
