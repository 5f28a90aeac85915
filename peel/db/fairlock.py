"""A first-come, first-served lock for SQLite's one writer.

``threading.Lock`` is not fair: a thread that releases it and asks again at once (a job writing chunk after chunk)
usually wins against threads already waiting, so a call handler's short write can wait behind many chunks. Here
waiters are served in the order they asked, so a short write waits for at most the chunk in progress.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class FairLock:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._queue: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        """Take the lock within ``timeout`` seconds, after everyone who asked earlier; False if it took too long."""
        with self._mutex:
            if not self._held and not self._queue:
                self._held = True
                return True
            turn = threading.Event()
            self._queue.append(turn)
        deadline = time.monotonic() + timeout
        if turn.wait(max(0.0, deadline - time.monotonic())):
            return True  # handed over by release(): the lock is ours
        with self._mutex:
            if turn.is_set():  # handed over just as the wait timed out
                return True
            self._queue.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of a lock that is not held")
            if self._queue:
                self._queue.popleft().set()  # stays held: ownership passes to the longest waiter
            else:
                self._held = False
