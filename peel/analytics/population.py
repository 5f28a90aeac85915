"""Population per area for the fairness tables: ONS 2011 Census usual residents per LSOA (England and Wales).

The table (``data/uk-lsoa-population/census_2011_population_hh.csv.gz``, Open Government Licence v3.0) has quirks
the parser handles: a UTF-8 byte-order mark and CRLF line ends may be present, the header has a blank column and
says "Persons" three times (all persons, in households, in communal establishments: the *first* one is the total),
numbers carry thousands separators ("1,563", quoted), and Welsh rows have no region. A repeated header line or a
row whose persons count is not a number is skipped and counted. :func:`parse_lsoa_population` is pure (text in);
:func:`load_lsoa_population` is the adapter that reads the file (plain or gzipped) once per process.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from peel.analytics.importers.common import normalise_header, read_text

DEFAULT_TABLE = Path(__file__).resolve().parents[2] / "data" / "uk-lsoa-population" / "census_2011_population_hh.csv.gz"
TABLE_NAME = "ONS 2011 Census, usual residents per LSOA (England and Wales)"


@dataclass(frozen=True)
class PopulationTable:
    """LSOA code → persons, and LSOA code → its name and the local authority it lies in (the larger area)."""

    persons: dict[str, int]
    local_authority: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    name: str = TABLE_NAME
    skipped: int = 0  # rows that were not data (repeated headers, unreadable counts)

    def __len__(self) -> int:
        return len(self.persons)


def _count(text: str) -> int | None:
    cleaned = text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


def parse_lsoa_population(text: str, name: str = TABLE_NAME) -> PopulationTable:
    """Parse the census CSV: the LSOA code column, the first "Persons" column, and the local authority name."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [normalise_header(h) for h in next(reader, [])]
    if "lsoacode" not in header or "persons" not in header:
        raise ValueError("not an LSOA population table: no 'LSOA Code' and 'Persons' columns")
    code_at, persons_at = header.index("lsoacode"), header.index("persons")  # the first Persons = all persons
    la_at = header.index("localauthorityname") if "localauthorityname" in header else None
    name_at = header.index("lsoaname") if "lsoaname" in header else None
    persons: dict[str, int] = {}
    local_authority: dict[str, str] = {}
    names: dict[str, str] = {}
    skipped = 0
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        code = record[code_at].strip() if code_at < len(record) else ""
        count = _count(record[persons_at]) if persons_at < len(record) else None
        if not code or count is None:  # a repeated header, a footnote or a suppressed count
            skipped += 1
            continue
        persons[code] = count
        if la_at is not None and la_at < len(record) and record[la_at].strip():
            local_authority[code] = _authority(record[la_at])
        if name_at is not None and name_at < len(record) and record[name_at].strip():
            names[code] = record[name_at].strip()
    return PopulationTable(persons, local_authority, names, name, skipped)


def _authority(text: str) -> str:
    """ "Hartlepool UA" → "Hartlepool" (the census marks unitary authorities)."""
    text = text.strip()
    return text[:-3] if text.endswith(" UA") else text


@lru_cache(maxsize=4)
def load_lsoa_population(path: Path = DEFAULT_TABLE) -> PopulationTable | None:
    """The census table at ``path`` (plain or gzipped), or ``None`` when the file is not there."""
    if not path.is_file():
        return None
    return parse_lsoa_population(read_text(path))
