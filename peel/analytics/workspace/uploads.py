"""Reading an uploaded crime file safely, and parsing it with the engine's importers.

Limits: the upload is read in chunks and refused past ``MAX_UPLOAD_BYTES``; gzip is accepted (the sample data is
gzipped) but decompressed with a cap, so a small archive cannot expand into gigabytes; the content must be UTF-8
text whose first line looks like a CSV header. The file name is only ever shown, never used as a path.
"""

from __future__ import annotations

import csv
import hashlib
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from peel.analytics.events import ImportResult
from peel.analytics.importers import SOURCES, ColumnMapping, parse_csv, parse_police_uk, parse_stl, parse_toronto
from peel.analytics.importers.common import header_of
from peel.core.errors import InvalidInput, PeelError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_TEXT_BYTES = 400 * 1024 * 1024  # after decompression
CHUNK = 1024 * 1024
FILE_SOURCES: tuple[str, ...] = SOURCES
_LABEL = re.compile(r"[^A-Za-z0-9._ -]+")


class UploadTooLarge(PeelError):
    status = 413
    title = "Upload too large"


class UnsupportedUpload(PeelError):
    status = 415
    title = "Unsupported file type"


@dataclass(frozen=True)
class Upload:
    label: str  # a display name derived from the client's file name
    sha256: str
    text: str


def display_label(filename: str | None) -> str:
    """The last path component, reduced to harmless characters: for display only."""
    base = (filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1]
    return (_LABEL.sub("_", base).strip(" .") or "upload.csv")[:120]


def save_capped(chunks: Iterable[bytes], target: Path, limit: int = MAX_UPLOAD_BYTES) -> int:
    """Stream an upload to ``target`` (a server-chosen name), refusing it past ``limit``; returns its size."""
    size = 0
    try:
        with target.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(f"the file is larger than the {limit // (1024 * 1024)} MB limit")
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size == 0:
        target.unlink(missing_ok=True)
        raise InvalidInput("the file is empty")
    return size


def sniff_upload(target: Path) -> None:
    """Cheap checks on the first bytes, so most wrong files are refused by the request itself."""
    with target.open("rb") as f:
        head = f.read(65536)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(head, 65536)
        except zlib.error as exc:
            raise UnsupportedUpload("the file looks gzipped but cannot be decompressed") from exc
    if b"\x00" in head:
        raise UnsupportedUpload("this is not a CSV file (it contains binary data)")
    text = head.decode("utf-8-sig", errors="ignore")
    if ("\n" in text or len(head) < 65536) and len([h for h in header_of(text) if h]) < 3:
        raise UnsupportedUpload("this is not a CSV file: the first line should be a header with column names")


def read_capped(chunks: Iterable[bytes], limit: int = MAX_UPLOAD_BYTES) -> bytes:
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > limit:
            raise UploadTooLarge(f"the file is larger than the {limit // (1024 * 1024)} MB limit")
    return bytes(out)


def _gunzip(raw: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        data = inflater.decompress(raw, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise UnsupportedUpload("the file looks gzipped but cannot be decompressed") from exc
    if len(data) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
        raise UploadTooLarge("the file expands to more than the decompressed size limit")
    return data


def decode_upload(filename: str | None, raw: bytes) -> Upload:
    """Check the bytes are a (possibly gzipped) UTF-8 CSV file and return its text."""
    if not raw:
        raise InvalidInput("the file is empty")
    data = _gunzip(raw) if raw[:2] == b"\x1f\x8b" else raw
    if b"\x00" in data[:65536]:
        raise UnsupportedUpload("this is not a CSV file (it contains binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedUpload("this is not a UTF-8 CSV file") from exc
    header = [h for h in header_of(text) if h]
    if len(header) < 3:
        raise UnsupportedUpload("this is not a CSV file: the first line should be a header with column names")
    return Upload(display_label(filename), hashlib.sha256(data).hexdigest(), text)


def parse_mapping(columns: str) -> ColumnMapping:
    """``time=COL,type=COL,lon=COL,lat=COL[,id=COL,channel=COL]`` (as the CLI's ``--columns``)."""
    parts = {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in columns.split(",") if "=" in p)}
    unknown = set(parts) - {"time", "type", "lon", "lat", "id", "channel"}
    if unknown:
        raise InvalidInput(f"unknown column keys: {', '.join(sorted(unknown))}")
    if not parts.get("time") or not parts.get("type"):
        raise InvalidInput("a generic CSV needs columns like time=COL,type=COL,lon=COL,lat=COL")
    return ColumnMapping(
        time=parts["time"],
        crime_type=parts["type"],
        lon=parts.get("lon") or "longitude",
        lat=parts.get("lat") or "latitude",
        source_id=parts.get("id") or None,
        channel=parts.get("channel") or None,
    )


def check_source(source: str) -> str:
    if source not in FILE_SOURCES:
        raise InvalidInput(f"unknown source {source!r}; choose one of {', '.join(FILE_SOURCES)}")
    return source


def parse_upload(upload: Upload, source: str, mapping: ColumnMapping | None) -> ImportResult:
    """The engine's importer for ``source`` on one file's text."""
    check_source(source)
    try:
        if source == "stl":
            return parse_stl([(upload.label, upload.text)])
        if source == "police-uk":
            return parse_police_uk(upload.label, upload.text)
        if source == "toronto":
            return parse_toronto(upload.label, upload.text)
        if mapping is None:
            raise InvalidInput("a generic CSV import needs a column mapping")
        return parse_csv(upload.label, upload.text, mapping)
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"the file does not match the {source} format: {exc}; nothing was imported") from exc
    except csv.Error as exc:
        # The csv module refuses fields over csv.field_size_limit() (131,072 characters): a crime row never has
        # one, so the file is refused whole rather than imported in part.
        limit = csv.field_size_limit()
        raise InvalidInput(
            f"{upload.label} is not a readable CSV file: a field is longer than {limit:,} "
            f"characters or badly quoted ({exc}); nothing was imported"
        ) from exc
