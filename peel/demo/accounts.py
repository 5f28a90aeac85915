"""Demo logins: one per role. Synthetic people; the password is printed by ``make demo``."""

from __future__ import annotations

DEMO_PASSWORD = "peel-demo-2026"


def demo_accounts() -> list[tuple[str, str, str, str | None]]:
    """(username, display name, role, team name)."""
    return [
        ("handler", "Priya Shah", "call_handler", "Control Room"),
        ("dispatcher", "Tom Okafor", "dispatcher", "Control Room"),
        ("officer", "PC Jess Morgan", "officer", "Response Team A"),
        ("investigator", "DC Sam Lewis", "investigator", "CID"),
        ("supervisor", "PS Alex Reid", "supervisor", "Response Team A"),
        ("analyst", "Ruth Adeyemi", "analyst", None),
        ("prosecutor", "Hannah Clarke (CPS)", "prosecutor", None),
        ("auditor", "Ian Fraser", "auditor", None),
        ("admin", "Sys Admin", "admin", None),
    ]
