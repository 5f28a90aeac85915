"""The server the transactions bench measures: Peel as ``peel serve`` builds it, plus the background import
watcher (``BENCH_IMPORT_CONTROL`` names its control folder). Run as ``uvicorn bench.transactions.server:app
--factory``."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from bench.transactions.load import watch
from peel.settings import Settings
from peel.web.app import create_app


def app() -> FastAPI:
    application = create_app(Settings())
    control = os.environ.get("BENCH_IMPORT_CONTROL")
    if control:
        watch(application.state.platform, Path(control))
    return application
