"""Peel: an open digital policing platform.

Capabilities live in their own folders (``peel.identity``, ``peel.audit``, ``peel.incidents`` …); the web
application is assembled by :func:`peel.web.app.create_app` from one :class:`peel.settings.Settings` object.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
