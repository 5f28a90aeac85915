"""One small hierarchy of domain errors; the web layer maps each to an HTTP problem response."""

from __future__ import annotations


class PeelError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(PeelError):
    status = 422
    title = "Invalid input"


class NotFound(PeelError):
    status = 404
    title = "Not found"


class Conflict(PeelError):
    status = 409
    title = "Conflict"


class NotAuthenticated(PeelError):
    status = 401
    title = "Not authenticated"


class Forbidden(PeelError):
    status = 403
    title = "Forbidden"


class PasswordChangeRequired(Forbidden):
    """An administrator reset the password: a page request is sent to the account page to choose a new one."""


class AuditUnavailable(PeelError):
    """The audit record could not be written, so the action it describes did not happen."""

    status = 503
    title = "Audit unavailable"


class RateLimited(PeelError):
    """Too many requests from one client; ``retry_after`` seconds until the next is allowed."""

    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many submissions from your connection; please try again in {retry_after} seconds")
        self.retry_after = retry_after


class DatabaseBusy(PeelError):
    """A write waited longer than the busy limit for another writer to finish; nothing was done."""

    status = 503
    title = "Database busy"

    def __init__(self, waited: float, retry_after: int = 2) -> None:
        super().__init__(
            f"the database stayed busy with other work for {waited:g} s, so nothing was done; "
            f"please try again in a moment"
        )
        self.retry_after = retry_after
