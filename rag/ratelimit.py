"""Per-client rate limiting of questions with a token bucket."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Each client may ask `burst` questions at once, refilled at `per_minute`; 0 per minute turns it off."""

    def __init__(self, per_minute: float, burst: int = 5, clock=time.monotonic):
        self.per_second = per_minute / 60.0
        self.burst = max(1, burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill time)
        self._lock = threading.Lock()

    def check(self, client: str) -> float:
        """Take one token for `client`: 0.0 when allowed, else the seconds to wait before asking again."""
        if self.per_second <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.per_second

    def _forget_idle(self, now: float) -> None:
        """Drop clients whose buckets are full again, so memory stays bounded by recent clients."""
        if len(self._buckets) > 10_000:
            full_after = self.burst / self.per_second
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
