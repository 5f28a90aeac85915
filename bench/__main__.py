"""``python -m bench [core|roads|analytics|contact|transactions] [options]``: run the benchmarks, each printing
its own table.

With no name, runs core, then roads, then analytics, contact and transactions when those modules are present.
With a name, runs only that one and passes it the remaining options (e.g. ``python -m bench core --requests 500``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType

ORDER = ("core", "roads", "analytics", "contact", "transactions")


def _load(name: str, required: bool) -> ModuleType | None:
    try:
        return importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"bench.{name}" and not required:
            return None  # an optional benchmark that has not been written yet
        raise


def _run(name: str, module: ModuleType, options: list[str]) -> None:
    entry: Callable[[list[str]], None] = module.main
    print(f"\n=== bench {name} ===", flush=True)
    entry(options)


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv and not argv[0].startswith("-"):
        name, options = argv[0], argv[1:]
        if name not in ORDER:
            print(f"unknown benchmark {name!r}; choose from {', '.join(ORDER)}", file=sys.stderr)
            return 2
        module = _load(name, required=True)
        assert module is not None
        _run(name, module, options)
        return 0
    for name in ORDER:
        module = _load(name, required=False)
        if module is not None:
            _run(name, module, [])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
