"""Name and place vocabularies for synthetic people (common UK names; any resemblance is coincidence)."""

FORENAMES_F = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Sophia", "Grace", "Freya", "Emily", "Chloe",
    "Aisha", "Fatima", "Zara", "Priya", "Hannah", "Sarah", "Emma", "Laura", "Rebecca", "Natalie", "Joanne",
    "Karen", "Susan", "Margaret", "Patricia", "Niamh", "Siobhan", "Agnieszka", "Maria", "Ana", "Chiamaka",
)
FORENAMES_M = (
    "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Harry", "Jack", "Charlie", "Thomas", "James",
    "Daniel", "Ryan", "Callum", "Liam", "Mohammed", "Omar", "Ahmed", "Arjun", "Rohan", "David", "Michael",
    "Paul", "Mark", "Steven", "Gary", "Kevin", "Tomasz", "Piotr", "Kwame", "Tunde", "Sean", "Declan",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Khan", "Ali", "Begum", "Hussain", "Ahmed", "Singh", "Kaur", "Shah", "Okafor", "Mensah",
    "Adeyemi", "Nowak", "Kowalski", "Murphy", "Kelly", "O'Brien", "Campbell", "Stewart", "Macdonald", "Scott",
    "Young", "King", "Baker", "Wood", "Turner", "Hill", "Cooper", "Ward", "Morris", "Moore", "Clark", "Jackson",
)
# Postcode districts of the City of Westminster with a rough centre (lat, lon), for synthetic postcodes.
DISTRICTS = (
    ("SW1A", 51.5020, -0.1330), ("SW1E", 51.4975, -0.1410), ("SW1H", 51.4990, -0.1330),
    ("SW1P", 51.4950, -0.1300), ("SW1V", 51.4890, -0.1390), ("SW1W", 51.4930, -0.1500),
    ("SW1X", 51.4980, -0.1560), ("SW1Y", 51.5070, -0.1350), ("W1B", 51.5140, -0.1410),
    ("W1D", 51.5130, -0.1320), ("W1F", 51.5140, -0.1370), ("W1G", 51.5190, -0.1480),
    ("W1H", 51.5170, -0.1610), ("W1J", 51.5070, -0.1450), ("W1K", 51.5110, -0.1510),
    ("W1S", 51.5120, -0.1420), ("W1T", 51.5190, -0.1350), ("W1U", 51.5180, -0.1540),
    ("W2", 51.5150, -0.1800), ("W9", 51.5270, -0.1920), ("NW8", 51.5320, -0.1700),
    ("NW1", 51.5250, -0.1600), ("WC2N", 51.5090, -0.1250), ("WC2H", 51.5130, -0.1280),
    ("WC2E", 51.5110, -0.1230), ("WC2R", 51.5110, -0.1180), ("W10", 51.5230, -0.2050),
)  # fmt: skip
VEHICLE_MAKES = (
    ("Ford", "Fiesta"), ("Vauxhall", "Corsa"), ("Volkswagen", "Golf"), ("Toyota", "Prius"), ("BMW", "3 Series"),
    ("Mercedes-Benz", "C-Class"), ("Nissan", "Qashqai"), ("Kia", "Sportage"), ("Tesla", "Model 3"),
    ("Audi", "A3"), ("Peugeot", "208"), ("Honda", "Civic"),
)
COLOURS = ("black", "white", "silver", "grey", "blue", "red", "green")
