"""What the demo force's contacts are about: category mix, grades, channels and short synthetic summaries."""

from __future__ import annotations

import numpy as np

# category: (share of contacts, grade weights, channel weights)
CATEGORY_MIX: dict[str, tuple[float, dict[str, float], dict[str, float]]] = {
    "asb": (14, {"G2": 1, "G3": 3, "G4": 4, "G5": 2}, {"101": 5, "online": 3, "999": 1, "anonymous": 1}),
    "theft": (16, {"G2": 1, "G3": 3, "G4": 5, "G5": 1}, {"101": 4, "online": 5, "999": 1}),
    "violence": (10, {"G1": 4, "G2": 4, "G3": 2}, {"999": 7, "101": 3}),
    "domestic": (9, {"G1": 4, "G2": 5, "G3": 1}, {"999": 7, "101": 3}),
    "burglary": (6, {"G1": 2, "G2": 4, "G3": 4}, {"999": 4, "101": 5, "online": 1}),
    "concern_for_welfare": (9, {"G1": 3, "G2": 4, "G3": 2, "G4": 1}, {"999": 6, "101": 4}),
    "rtc": (5, {"G1": 4, "G2": 4, "G4": 2}, {"999": 8, "101": 2}),
    "suspicious": (8, {"G2": 3, "G3": 3, "G4": 4}, {"999": 3, "101": 5, "anonymous": 2}),
    "criminal_damage": (6, {"G3": 5, "G4": 4, "G5": 1}, {"101": 5, "online": 5}),
    "robbery": (3, {"G1": 6, "G2": 4}, {"999": 9, "101": 1}),
    "drugs": (4, {"G3": 4, "G4": 4, "G5": 2}, {"101": 4, "anonymous": 6}),
    "fraud": (5, {"G4": 6, "G5": 4}, {"online": 6, "101": 4}),
    "missing_person": (2, {"G1": 5, "G2": 5}, {"999": 6, "101": 4}),
    "public_order": (3, {"G1": 4, "G2": 6}, {"999": 8, "101": 2}),
}

_SUMMARIES: dict[str, tuple[str, ...]] = {
    "asb": (
        "Group of youths shouting and throwing bottles outside the shops",
        "Noisy neighbours, music all night",
        "People drinking in the stairwell and being abusive to residents",
    ),
    "theft": (
        "Phone snatched from a table outside a café",
        "Bicycle stolen from rack, lock cut",
        "Shoplifter detained by security at a supermarket",
    ),
    "violence": (
        "Fight outside a bar, one man on the ground bleeding",
        "Caller punched by a stranger on the bus",
        "Assault in the street, suspect ran towards the station",
    ),
    "domestic": (
        "Caller's partner shouting and throwing things, children present",
        "Ex-partner at the door refusing to leave, previous incidents",
        "Neighbour hears screaming from the flat next door",
    ),
    "burglary": (
        "Came home to find the back door forced and laptop gone",
        "Intruder seen climbing through a window, may still be inside",
        "Garden shed broken into overnight, tools taken",
    ),
    "concern_for_welfare": (
        "Elderly neighbour not seen for three days, post piling up",
        "Man sitting on the bridge parapet looking distressed",
        "Friend sent worrying messages and is not answering",
    ),
    "rtc": (
        "Two cars collided at the junction, one driver complaining of neck pain",
        "Cyclist knocked off by a van which drove off",
        "Car into a lamp post, no injuries, road blocked",
    ),
    "suspicious": (
        "Man trying car door handles along the street",
        "Van parked for hours with engine running",
        "People loitering by the cash machine watching customers",
    ),
    "criminal_damage": (
        "Car windows smashed overnight",
        "Graffiti sprayed on the shop shutters",
        "Bus shelter glass broken",
    ),
    "robbery": (
        "Man threatened with a knife and his watch taken",
        "Teenager robbed of phone and trainers by a group",
    ),
    "drugs": ("Regular drug dealing from a parked car", "Strong smell of cannabis from the flat downstairs"),
    "fraud": (
        "Caller tricked into transferring savings by a fake bank official",
        "Online purchase never arrived, seller vanished",
    ),
    "missing_person": (
        "Fourteen-year-old not returned from school, phone off",
        "Care home resident with dementia walked out this afternoon",
    ),
    "public_order": (
        "Large group fighting outside a nightclub",
        "Protest spilling into the road, traffic stopped",
    ),
}

NUISANCE_SUMMARIES = (
    "Caller rings again about the neighbour's cat in the garden; no offence disclosed",
    "Caller wants to talk about the television news; no police matter",
    "Caller says the buses are late and the police should do something",
    "Caller reports the same parked car as yesterday; legally parked",
)


def summary_for(rng: np.random.Generator, category: str) -> str:
    options = _SUMMARIES.get(category, ("Report received",))
    return str(options[int(rng.integers(0, len(options)))]) + " (synthetic)"
