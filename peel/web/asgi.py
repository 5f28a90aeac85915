"""ASGI entry point for uvicorn: builds the app from the environment when the server process starts."""

from __future__ import annotations

from fastapi import FastAPI

from peel.settings import Settings
from peel.web.app import create_app


def app() -> FastAPI:  # uvicorn calls this factory in each worker (see peel serve)
    return create_app(Settings())
