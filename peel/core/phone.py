"""Telephone numbers, normalised to E.164 so one caller is one record whatever the channel."""

from __future__ import annotations

import phonenumbers

from peel.core.errors import InvalidInput


def to_e164(raw: str, region: str = "GB") -> str:
    """``07700 900123`` → ``+447700900123``; raises InvalidInput when the number cannot be valid."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"{raw!r} is not a telephone number") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(f"{raw!r} is not a possible telephone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
