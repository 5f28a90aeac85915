"""Uploaded files: names are only labels, gzip is capped, and only CSV text gets through."""

from __future__ import annotations

import gzip

import pytest

from peel.analytics.workspace import uploads


def test_a_file_name_is_reduced_to_a_harmless_label() -> None:
    assert uploads.display_label("../../etc/passwd") == "passwd"
    assert uploads.display_label("C:\\data\\crimes 2026.csv") == "crimes 2026.csv"
    assert uploads.display_label("<script>.csv") == "_script_.csv"
    assert uploads.display_label(None) == "upload.csv"


def test_gzipped_csv_is_read_and_binary_is_refused() -> None:
    text = "a,b,c\n1,2,3\n"
    assert uploads.decode_upload("x.csv.gz", gzip.compress(text.encode())).text == text
    assert uploads.decode_upload("x.csv", b"\xef\xbb\xbf" + text.encode()).text == text
    with pytest.raises(uploads.UnsupportedUpload):
        uploads.decode_upload("x.csv", b"\x00\x01\x02" * 10)
    with pytest.raises(uploads.UploadTooLarge):
        uploads.read_capped([b"x" * 10, b"y" * 10], limit=15)
