"""First-come, first-served turns at the one generator, with a bounded waiting line."""

from __future__ import annotations

import threading
from collections import deque

from .errors import Busy


class Ticket:
    """One caller's place in line. Position 0 means it is this caller's turn."""

    def __init__(self, line: AdmissionQueue):
        self._line = line

    @property
    def position(self) -> int:
        return self._line._position(self)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until it is this ticket's turn (True) or `timeout` seconds pass (False)."""
        return self._line._wait(self, timeout)

    def leave(self) -> None:
        """Give up the place (or the turn); safe to call more than once."""
        self._line._leave(self)

    def __enter__(self) -> Ticket:
        self.wait()
        return self

    def __exit__(self, *exc) -> None:
        self.leave()


class AdmissionQueue:
    """Serves one ticket at a time in arrival order; refuses to line up more than `max_waiting` callers."""

    def __init__(self, max_waiting: int = 32):
        self.max_waiting = max_waiting
        self._line: deque[Ticket] = deque()
        self._changed = threading.Condition()

    def join(self) -> Ticket:
        """A place at the end of the line, or Busy when the line is full."""
        with self._changed:
            if len(self._line) > self.max_waiting:  # the head is being served, the rest wait
                raise Busy(f"{len(self._line) - 1} questions are already waiting")
            ticket = Ticket(self)
            self._line.append(ticket)
            return ticket

    @property
    def waiting(self) -> int:
        with self._changed:
            return max(0, len(self._line) - 1)

    def _position(self, ticket: Ticket) -> int:
        with self._changed:
            return self._line.index(ticket) if ticket in self._line else -1

    def _wait(self, ticket: Ticket, timeout: float | None) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: bool(self._line) and self._line[0] is ticket, timeout)

    def _leave(self, ticket: Ticket) -> None:
        with self._changed:
            if ticket in self._line:
                self._line.remove(ticket)
                self._changed.notify_all()
