"""The output contract (../shared/SCHEMA.md) as a JSON Schema, plus the invariants
a schema cannot express: sections tile the raw text, entities slice back to it."""
from __future__ import annotations

import jsonschema

SECTION_TYPES = ["masthead", "notice_header", "notice_body", "attachment_list", "signature",
                 "table_title", "table", "table_note", "name_list", "pledge_speech", "news",
                 "unrelated_news", "caption", "byline", "other"]
ENTITY_TYPES = ["ORG", "GPE", "PERSON", "DATE", "DOC_NUMBER", "TITLE_REF"]
GENRES = ["notice", "newspaper", "other"]

_str_list = {"type": "array", "items": {"type": "string"}}
_offset = {"type": "integer", "minimum": 0}
_opt_str = {"type": ["string", "null"]}

DOCUMENT_SCHEMA = {
    "type": "object",
    "required": ["doc_id", "source", "genre", "title", "doc_number", "issuer", "recipients", "date",
                 "attachments", "cc", "sections", "records", "entities", "commitments", "flags"],
    "properties": {
        "doc_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
        "source": {"type": "string"},
        "encoding": {"type": "string"},
        "genre": {"enum": GENRES},
        "title": _opt_str,
        "doc_number": _opt_str,
        "issuer": _str_list,
        "recipients": _str_list,
        "date": {"type": ["string", "null"], "pattern": r"^(\d{4}-|--)\d{2}-\d{2}$"},  # --MM-DD: no year
        "attachments": _str_list,
        "cc": _str_list,
        "sections": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "type", "start", "end", "heading", "speaker", "related", "text"],
            "properties": {
                "id": {"type": "string", "pattern": "^s[0-9]+$"},
                "type": {"enum": SECTION_TYPES},
                "start": _offset, "end": _offset,
                "heading": _opt_str, "speaker": _opt_str,
                "related": {"type": ["boolean", "null"]},
                "text": {"type": "string"},
            }}},
        "records": {"type": "array", "items": {
            "type": "object",
            "required": ["table", "group", "seq", "unit", "unit_full", "score", "scores", "rank", "grade",
                         "marks", "notes", "start", "end"],
            "properties": {
                "table": {"type": "string"}, "group": _opt_str,
                "seq": {"type": ["integer", "null"]},
                "unit": {"type": "string"}, "unit_full": {"type": "string"},
                "score": {"type": ["number", "null"]},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "rank": {"type": ["integer", "null"]}, "grade": _opt_str,
                "marks": _str_list, "notes": _str_list,
                "start": _offset, "end": _offset,
            }}},
        "entities": {"type": "array", "items": {
            "type": "object", "required": ["type", "text", "start", "end", "norm"],
            "properties": {"type": {"enum": ENTITY_TYPES}, "text": {"type": "string", "minLength": 1},
                           "start": _offset, "end": _offset, "norm": _opt_str}}},
        "commitments": {"type": "array", "items": {
            "type": "object", "required": ["speaker", "section", "text", "start", "end", "trigger"],
            "properties": {"speaker": {"type": "string"}, "section": {"type": "string"},
                           "text": {"type": "string"}, "start": _offset, "end": _offset,
                           "trigger": _opt_str}}},
        "flags": {"type": "array", "items": {
            "type": "object", "required": ["code", "message", "start", "end"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "start": {"type": ["integer", "null"]}, "end": {"type": ["integer", "null"]}}}},
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(DOCUMENT_SCHEMA)


def problems(doc: dict, raw: str | None = None) -> list[str]:
    """Everything wrong with one output document; [] when it keeps the contract."""
    out = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _VALIDATOR.iter_errors(doc)]
    if out:
        return out
    sections = doc["sections"]
    ids = {s["id"] for s in sections}
    if raw is not None:
        pos = 0
        for s in sections:
            if s["start"] != pos:
                out.append(f"section {s['id']} starts at {s['start']}, expected {pos}")
            if s["end"] <= s["start"]:
                out.append(f"section {s['id']} is empty or reversed")
            pos = s["end"]
        if pos != len(raw) and (sections or raw):
            out.append(f"sections end at {pos}, the text at {len(raw)}")
        for e in doc["entities"]:
            if raw[e["start"]:e["end"]] != e["text"]:
                out.append(f"entity {e['text']!r} does not slice back at {e['start']}:{e['end']}")
        for kind in ("records", "commitments", "flags"):
            for x in doc[kind]:
                if x.get("start") is not None and not (0 <= x["start"] <= x["end"] <= len(raw)):
                    out.append(f"{kind} span {x['start']}:{x['end']} outside the text")
    for r in doc["records"]:
        if r["table"] not in ids:
            out.append(f"record {r['unit']!r} points at unknown section {r['table']}")
    for c in doc["commitments"]:
        if c["section"] not in ids:
            out.append(f"commitment points at unknown section {c['section']}")
    return out
