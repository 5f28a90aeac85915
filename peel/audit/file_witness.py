"""The default audit witness: an append-only file of signed checkpoints and a one-record file for the head.

``<path>`` gets one JSON line per signed checkpoint, appended with a single ``write`` and fsync'd, never
rewritten. ``<path>.head`` holds the newest signed chain head as one fixed-size record, overwritten in place and
fsync'd: only the newest head matters, and a head per audited request would otherwise grow the file by ~150
bytes a request. Both files are locked (``flock``) while written, so several server processes can share them,
and the head only ever moves forward.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from peel.audit import chain
from peel.audit.witness import Witnessed

HEAD_RECORD = 256  # bytes: one record, padded, so an overwrite never leaves a tail of the previous one


class FileWitness:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.head_path = path.with_name(path.name + ".head")
        self._lock = threading.Lock()

    def witness(self, checkpoints: Sequence[chain.Checkpoint], head: chain.Head | None) -> None:
        with self._lock:
            if checkpoints:
                lines = "".join(_checkpoint_line(c) for c in checkpoints).encode()
                fd = self._open(self.path, os.O_WRONLY | os.O_APPEND)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    os.write(fd, lines)
                    os.fsync(fd)
                finally:
                    os.close(fd)
            if head is not None:
                self._advance_head(head)

    def _advance_head(self, head: chain.Head) -> None:
        fd = self._open(self.head_path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            current = _parse_head(os.pread(fd, HEAD_RECORD, 0))
            if current is not None and current.seq >= head.seq:
                return  # another process witnessed a later head first
            record = json.dumps({"seq": head.seq, "hash": head.hash, "signature": head.signature})
            os.pwrite(fd, record.encode().ljust(HEAD_RECORD - 1) + b"\n", 0)
            os.fsync(fd)
        finally:
            os.close(fd)

    def _open(self, path: Path, flags: int) -> int:
        fresh = not path.exists()
        if fresh:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags | os.O_CREAT, 0o600)
        if fresh:
            # The new name must survive a power cut too: fsync the folder that holds it.
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        return fd

    def read(self) -> Witnessed:
        """What the files hold; a file that cannot be read at all is reported as unreadable, never a crash."""
        checkpoints: list[chain.Checkpoint] = []
        unreadable: list[str] = []
        try:
            text = self.path.read_text(errors="replace") if self.path.exists() else ""
        except OSError as exc:
            text = ""
            unreadable.append(f"{self.path} ({exc.strerror or type(exc).__name__})")
        for number, line in enumerate(text.splitlines(), 1):
            try:
                checkpoints.append(_parse_checkpoint(line))
            except (ValueError, KeyError, TypeError):
                unreadable.append(f"{self.path} line {number}")
        head = None
        try:
            raw = self.head_path.read_bytes() if self.head_path.exists() else b""
        except OSError as exc:
            raw = b""
            unreadable.append(f"{self.head_path} ({exc.strerror or type(exc).__name__})")
        if raw:
            head = _parse_head(raw)
            if head is None and raw.strip():
                unreadable.append(str(self.head_path))
        return Witnessed(checkpoints, head, unreadable, str(self.path))


def _checkpoint_line(c: chain.Checkpoint) -> str:
    fields = {
        "first_seq": c.first_seq,
        "last_seq": c.last_seq,
        "merkle_root": c.merkle_root,
        "prev_signature": c.prev_signature,
        "signature": c.signature,
    }
    return json.dumps(fields) + "\n"


def _parse_checkpoint(line: str) -> chain.Checkpoint:
    d = json.loads(line)
    return chain.Checkpoint(
        int(d["first_seq"]), int(d["last_seq"]), str(d["merkle_root"]), str(d["prev_signature"]), str(d["signature"])
    )


def _parse_head(raw: bytes) -> chain.Head | None:
    try:
        data = json.loads(raw.decode())
        return chain.Head(int(data["seq"]), str(data["hash"]), str(data["signature"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
