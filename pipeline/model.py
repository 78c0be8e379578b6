"""The document model: one `Document` per input file, filled in by the stages.

Field names and key order follow ../shared/SCHEMA.md (the output contract);
`to_json()` is the line the writer writes (`to_dict()`: the same as a dict).
Stage-private working state lives in `Document.work` and never reaches the output.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .writer import dumps


@dataclass
class Section:
    id: str
    type: str
    start: int
    end: int
    heading: str | None = None
    speaker: str | None = None
    related: bool | None = None
    text: str = ""


@dataclass
class Record:
    table: str
    group: str | None
    seq: int | None
    unit: str
    unit_full: str
    score: float | None
    scores: dict[str, float]
    rank: int | None
    grade: str | None
    marks: list[str]
    notes: list[str]
    start: int
    end: int


@dataclass
class Entity:
    type: str
    text: str
    start: int
    end: int
    norm: str | None = None


@dataclass
class Commitment:
    speaker: str
    section: str
    text: str
    start: int
    end: int
    trigger: str | None = None


@dataclass
class Flag:
    code: str
    message: str
    start: int | None = None
    end: int | None = None


DOC_KEYS = ["doc_id", "source", "encoding", "genre", "title", "doc_number", "issuer", "recipients",
            "date", "attachments", "cc", "sections", "records", "entities", "commitments", "flags"]


@dataclass
class Document:
    raw: str
    source: str
    doc_id: str
    encoding: str = "utf-8"
    genre: str = "other"
    title: str | None = None
    doc_number: str | None = None
    issuer: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    date: str | None = None
    attachments: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    # working state shared between stages (lines, paragraphs, region, …); not written
    work: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_text(cls, raw: str, source: str = "<text>", data: bytes | None = None,
                  encoding: str = "utf-8") -> "Document":
        if data is None:
            data = raw.encode("utf-8")
        return cls(raw=raw, source=source, doc_id=doc_id_of(data), encoding=encoding)

    def flag(self, code: str, message: str, start: int | None = None, end: int | None = None) -> None:
        self.flags.append(Flag(code, message, start, end))

    def section_by_id(self, sid: str) -> Section | None:
        return next((s for s in self.sections if s.id == sid), None)

    def to_json(self) -> str:
        """The documents.jsonl line (no line break): `to_dict()` serialised, without building it."""
        return dumps({key: getattr(self, key) for key in DOC_KEYS})

    def to_dict(self) -> dict:
        out = {key: getattr(self, key) for key in DOC_KEYS}
        for key in _ITEM_LISTS:
            out[key] = [_as_dict(x) for x in out[key]]
        return out


_ITEM_LISTS = ("sections", "records", "entities", "commitments", "flags")


def _as_dict(item) -> dict:
    """`dataclasses.asdict` without its deep copy (a tenth of the time); a record's
    lists and dict (scores, marks, notes) are copied, the other items hold scalars."""
    out = item.__dict__.copy()
    if type(item) is Record:
        out["scores"], out["marks"], out["notes"] = item.scores.copy(), item.marks[:], item.notes[:]
    return out


def doc_id_of(data: bytes) -> str:
    """First 16 hex digits of the sha256 of the file's bytes (SCHEMA.md)."""
    return hashlib.sha256(data).hexdigest()[:16]
