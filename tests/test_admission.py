"""The waiting line at the generator: first come, first served, bounded."""

import threading
import time

import pytest

from rag.admission import AdmissionQueue
from rag.errors import Busy


def test_callers_are_served_in_arrival_order():
    line = AdmissionQueue(max_waiting=10)
    first = line.join()
    assert first.position == 0 and first.wait(0)
    served: list[int] = []

    def caller(i: int) -> None:
        with tickets[i]:
            served.append(i)

    tickets = [line.join() for _ in range(5)]
    assert [t.position for t in tickets] == [1, 2, 3, 4, 5] and line.waiting == 5
    threads = [threading.Thread(target=caller, args=(i,)) for i in reversed(range(5))]  # started out of order
    for t in threads:
        t.start()
    time.sleep(0.05)
    assert served == []  # nobody overtakes the caller being served
    first.leave()
    for t in threads:
        t.join(5)
    assert served == [0, 1, 2, 3, 4] and line.waiting == 0


def test_a_full_line_says_busy_and_a_caller_who_leaves_frees_the_place():
    line = AdmissionQueue(max_waiting=1)
    serving, waiting = line.join(), line.join()
    with pytest.raises(Busy):
        line.join()
    waiting.leave()
    assert line.join().position == 1
    assert serving.wait(0) and not waiting.wait(0)
    waiting.leave()  # leaving twice is harmless
