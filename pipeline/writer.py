"""Writers: documents.jsonl and errors.jsonl, one whole line at a time."""
from __future__ import annotations

from pathlib import Path

import orjson


def dumps(obj) -> str:
    """Compact JSON, UTF-8 text as it is.  orjson: a third of json.dumps's time, and it
    writes the document model's dataclasses directly (fields in order), with no dicts
    made first."""
    return orjson.dumps(obj).decode()


class JsonlWriter:
    """Appends one JSON object per line; each line is flushed whole."""

    def __init__(self, path: Path, append: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a" if append else "w", encoding="utf-8")
        self.count = 0

    def write(self, obj: dict) -> None:
        self.write_line(dumps(obj))

    def write_line(self, line: str) -> None:
        """A line already serialised (by a worker process)."""
        self.fh.write(line + "\n")
        self.fh.flush()
        self.count += 1

    def close(self) -> None:
        self.fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
