"""Making public input safe to keep: plain text from HTML, honeypots, and coarsened place and time for anonymous tips.

Everything here is pure. Errors never repeat the submitted text (it may hold personal data); they say the rule.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from peel.core.errors import InvalidInput
from peel.core.geo import check_wgs84, from_bng, to_bng

DEFAULT_LIMIT = 4000
# A guard against parsing megabytes of markup to find it strips to a few words: reject raw input this many
# times over the limit before parsing (legitimate HTML-heavy text is nowhere near it).
_RAW_FACTOR = 8
_RAW_FLOOR = 65_536
# Each pass strips one layer of markup or entity encoding. Ordinary text is stable after one or two; text still
# changing after this many passes is deliberately nested encoding and is refused rather than looped on.
_MAX_PASSES = 4
# Elements whose content is never text a person wrote for us to read.
_SKIPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head"})
# Elements that separate words, so "one<br>two" becomes "one two" rather than "onetwo".
_BREAKING = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
    | {"blockquote", "pre", "section", "article", "header", "footer", "dd", "dt", "option", "img"}
)
# Invisible characters that can disguise text (zero-width, byte-order mark, bidirectional overrides).
_INVISIBLE = frozenset(
    "\u200b\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff"
)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_EARTH_METRES_PER_DEGREE = 111_320.0


class _TextOnly(HTMLParser):
    """Collects character data (entities already decoded), skipping scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BREAKING:
            self.parts.append("\n" if tag in ("br", "p", "div", "li", "tr") else " ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKING:
            self.parts.append("\n" if tag == "br" else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BREAKING:
            # A closed paragraph leaves a blank line before the next; other blocks just end the line's words.
            self.parts.append("\n" if tag == "p" else " ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _strip_markup_once(text: str) -> str:
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _keep_char(ch: str) -> bool:
    if ch in "\n\t":
        return True
    if ch in _INVISIBLE:
        return False
    # Cc control characters, Cs lone surrogates (they cannot be stored as UTF-8), Co private use is kept.
    return unicodedata.category(ch) not in ("Cc", "Cs")


def _normalise_whitespace(text: str, single_line: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = "".join(ch for ch in text if _keep_char(ch))
    if single_line:
        return _SPACES.sub(" ", text.replace("\n", " ")).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(raw: str, limit: int = DEFAULT_LIMIT, *, single_line: bool = False) -> str:
    """Plain text from what a member of the public typed: HTML tags and entities removed, whitespace tidied.

    Tags are removed with ``html.parser`` (script and style content dropped), entities decoded, control and
    invisible characters removed, Unicode normalised (NFC), runs of spaces collapsed, at most one blank line kept
    (``single_line`` folds everything onto one line). The length limit applies to the cleaned text, so markup does
    not count against the writer. Raises InvalidInput naming the limit; the text itself is never echoed.
    """
    if limit < 1:
        raise InvalidInput("the text limit must be at least 1 character")
    if len(raw) > max(_RAW_FACTOR * limit, _RAW_FLOOR):
        raise InvalidInput(f"text is longer than the limit of {limit} characters")
    text = raw
    for _ in range(_MAX_PASSES):
        stripped = _strip_markup_once(text)
        if stripped == text:
            break
        text = stripped
    else:
        if _strip_markup_once(text) != text:
            raise InvalidInput("text contains nested markup that cannot be made plain")
    text = _normalise_whitespace(unicodedata.normalize("NFC", text), single_line)
    if len(text) > limit:
        raise InvalidInput(f"text is longer than the limit of {limit} characters")
    return text


def honeypot_tripped(value: str | None) -> bool:
    """True when the hidden field a person never sees (and a form-filling bot does) has been filled in."""
    return bool(value and value.strip())


@dataclass(frozen=True)
class CoarsePoint:
    """A location snapped to the centre of a grid cell, so a tipster's exact doorstep is not stored."""

    lat: float
    lon: float
    metres: int
    grid: str  # "BNG" (British National Grid) or "WGS84" (degree grid outside Great Britain)
    reason: str


def coarsen_location(lat: float, lon: float, metres: int = 500) -> CoarsePoint:
    """Snap a point to the centre of a ``metres`` square cell: BNG in Great Britain, a degree grid elsewhere.

    Every point in a cell maps to the same centre, so the stored point reveals only the cell.
    """
    check_wgs84(lat, lon)
    if metres < 1:
        raise InvalidInput("the coarsening cell must be at least 1 metre")
    ref = to_bng(lat, lon)
    if ref is not None:
        easting = (math.floor(ref.easting / metres) + 0.5) * metres
        northing = (math.floor(ref.northing / metres) + 0.5) * metres
        c_lat, c_lon = from_bng(easting, northing)
        reason = f"location coarsened to the centre of a {metres} m British National Grid square"
        return CoarsePoint(round(c_lat, 6), round(c_lon, 6), metres, "BNG", reason)
    lat_step = metres / _EARTH_METRES_PER_DEGREE
    row = math.floor((lat + 90.0) / lat_step)
    c_lat = min(90.0, -90.0 + (row + 0.5) * lat_step)
    # Columns are at least ``metres`` wide at the cell's centre latitude (narrower near the poles would leak more).
    lon_step = min(360.0, metres / (_EARTH_METRES_PER_DEGREE * max(math.cos(math.radians(c_lat)), 1e-6)))
    col = math.floor((lon + 180.0) / lon_step)
    c_lon = min(180.0, -180.0 + (col + 0.5) * lon_step)
    reason = f"location coarsened to the centre of a cell about {metres} m across (outside Great Britain)"
    return CoarsePoint(round(c_lat, 6), round(c_lon, 6), metres, "WGS84", reason)


def coarsen_time(moment: datetime, hours: int = 4) -> datetime:
    """The start (UTC) of the ``hours``-long window holding ``moment``.

    Windows count from the Unix epoch, so any ``hours`` dividing 24 gives windows aligned to midnight UTC.

    A naive datetime is taken to be UTC, as everywhere in Peel's storage.
    """
    if hours < 1:
        raise InvalidInput("the time window must be at least 1 hour")
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    window = timedelta(hours=hours)
    return epoch + ((utc - epoch) // window) * window
