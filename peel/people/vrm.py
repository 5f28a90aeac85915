"""UK vehicle registration marks (VRMs): validation and the compact form used as the record key."""

from __future__ import annotations

import re

from peel.core.errors import InvalidInput

# Current (2001–): AB12 CDE; prefix (1983–2001): A123 BCD; suffix (1963–1983): ABC 123D;
# dateless: 1–4 letters then 1–4 digits or the reverse (at most 7 characters). Northern Ireland: ABC 1234.
_FORMATS = (
    re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$"),
    re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$"),
    re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$"),
    re.compile(r"^[A-Z]{1,4}[0-9]{1,4}$"),
    re.compile(r"^[0-9]{1,4}[A-Z]{1,4}$"),
    re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$"),
)


def normalise_vrm(raw: str) -> str:
    compact = re.sub(r"[\s-]", "", raw.upper())
    if len(compact) > 7 or not any(f.match(compact) for f in _FORMATS):
        raise InvalidInput(f"{raw!r} is not a UK vehicle registration")
    return compact


def display_vrm(compact: str) -> str:
    """``AB12CDE`` → ``AB12 CDE`` (the spacing on the plate); other formats are shown as stored."""
    if _FORMATS[0].match(compact):
        return f"{compact[:4]} {compact[4:]}"
    return compact
