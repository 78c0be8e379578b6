"""Read one input file into text: decoding, and the reasons a file can't be read.

Every failure is an `InputError` with a stable `code` (see SCHEMA of errors.jsonl
in the README) so that the run records it and goes on.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


class InputError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Decoded:
    text: str
    data: bytes
    encoding: str


def decode(data: bytes) -> Decoded:
    """Decode bytes as UTF-8 (BOM stripped); other encodings are detected."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8"), data, "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), data, "utf-8")
    except UnicodeDecodeError:
        pass
    for enc in ("gb18030",):
        try:
            return Decoded(data.decode(enc), data, enc)
        except UnicodeDecodeError:
            continue
    raise InputError("undecodable", "not UTF-8 and no known Chinese encoding decodes it")


def read(path: str | os.PathLike) -> Decoded:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError("unreadable", f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError("empty", "the file is empty")
    return decode(data)


def discover(inputs: list[str]) -> Iterator[str]:
    """Input paths in a stable order: files as given, folders searched for *.txt."""
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(".txt"):
                        yield os.path.join(root, name)
        else:
            yield item
