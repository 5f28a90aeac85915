"""Incident categories (a force-configurable list; these follow common NSIR opening codes)."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "asb": "Anti-social behaviour",
    "burglary": "Burglary",
    "concern_for_welfare": "Concern for welfare",
    "criminal_damage": "Criminal damage",
    "domestic": "Domestic incident",
    "drugs": "Drugs",
    "fraud": "Fraud",
    "missing_person": "Missing person",
    "public_order": "Public order",
    "robbery": "Robbery",
    "rtc": "Road traffic collision",
    "sexual_offence": "Sexual offence",
    "suspicious": "Suspicious circumstances",
    "theft": "Theft",
    "vehicle_crime": "Vehicle crime",
    "violence": "Violence against the person",
    "weapons": "Weapons",
    "other": "Other",
}
