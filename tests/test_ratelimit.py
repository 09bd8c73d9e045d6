"""Per-client token buckets."""

from rag.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_per_client():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=2, clock=clock)  # one token every 10 s
    assert limiter.check("a") == 0 and limiter.check("a") == 0
    assert limiter.check("a") == 10.0  # the third question in a row waits for the refill
    assert limiter.check("b") == 0  # other clients are not affected
    clock.now += 10
    assert limiter.check("a") == 0 and limiter.check("a") > 0


def test_zero_turns_the_limit_off():
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.check("a") == 0 for _ in range(100))
