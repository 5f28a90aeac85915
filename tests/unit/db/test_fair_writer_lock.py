"""SQLite's writer lock serves waiters in the order they asked, and gives up after its timeout."""

from __future__ import annotations

import threading

import pytest

from peel.db.fairlock import FairLock


def test_it_serves_waiters_in_the_order_they_asked() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []
    queued = []

    def waiter(n: int) -> None:
        assert lock.acquire(timeout=5)
        order.append(n)
        lock.release()

    for n in range(5):
        t = threading.Thread(target=waiter, args=(n,))
        t.start()
        queued.append(t)
        while len(lock._queue) <= n:  # wait until this thread stands in the queue
            threading.Event().wait(0.001)
    lock.release()
    for t in queued:
        t.join()
    assert order == [0, 1, 2, 3, 4]


def test_a_holder_asking_again_goes_behind_those_already_waiting() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    got: list[str] = []
    other = threading.Thread(target=lambda: (lock.acquire(timeout=5), got.append("waiter"), lock.release()))
    other.start()
    while not lock._queue:
        threading.Event().wait(0.001)
    lock.release()
    assert lock.acquire(timeout=5)
    got.append("again")
    lock.release()
    other.join()
    assert got == ["waiter", "again"]


def test_it_gives_up_after_its_timeout_and_leaves_the_queue() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    assert lock.acquire(timeout=0.05) is False
    assert not lock._queue
    lock.release()
    assert lock.acquire(timeout=0.05)
    lock.release()
    with pytest.raises(RuntimeError):
        lock.release()
