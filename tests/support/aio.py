"""Run a coroutine to completion from a synchronous test, whatever the calling thread is doing.

A worker that ran a browser test holds Playwright's event loop in its main thread, so ``asyncio.run`` there
fails ("cannot be called from a running event loop"); a thread of its own always has none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
